"""``AblationResult.paired()`` says which paired differences are judged, as summary.md and summary.json do: its
``excludes_zero`` is summary.json's (``None`` for ``seconds`` and ``cpu_seconds``, never judged). A researcher using
the Python API got the estimates without the judgement, and had to know that the time columns are never bold. The
console's count of intervals that exclude 0 now says when it left the time columns out."""

from __future__ import annotations

from pathlib import Path

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.findings import NOT_JUDGED
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.session import AblationResult
from mvae_core.ablation.summary_json import statistics

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]


def _row(config: str, seed: int, **values: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": ""} | dict.fromkeys(METRICS) | values  # fmt: skip


def _rows(**none_seconds: float) -> list[dict]:
    """``none`` − ``all`` per seed: best_val_elbo +1.0, +1.1 (an interval above 0), onset_f1 +0.1, −0.1 (across 0),
    and seconds as given (``none_seconds``: the extra keys of ``none``'s rows, the same on each seed)."""
    return [
        _row("all", 0, best_val_elbo=10.0, onset_f1=0.5, seconds=100.0, cpu_seconds=90.0),
        _row("all", 1, best_val_elbo=12.0, onset_f1=0.5, seconds=110.0, cpu_seconds=95.0),
        _row("none", 0, best_val_elbo=11.0, onset_f1=0.6, **none_seconds),
        _row("none", 1, best_val_elbo=13.1, onset_f1=0.4, **{k: v + 11.0 for k, v in none_seconds.items()}),
    ]


def test_paired_says_which_differences_exclude_0_and_which_are_not_judged():
    rows = _rows(seconds=150.0, cpu_seconds=140.0)  # +50, +51 and +50, +56: intervals above 0, not judged
    (none,) = AblationResult(Path("abl"), ARMS, rows, [], [], None).paired("all")
    judged = none["excludes_zero"]
    assert set(judged) == set(METRICS)
    assert (judged["best_val_elbo"], judged["onset_f1"]) == (True, False)
    assert {m: judged[m] for m in NOT_JUDGED} == {"seconds": None, "cpu_seconds": None}
    (as_json,) = statistics(rows, ARMS, ("all",))["paired"]["all"]
    assert judged == {m: cell["excludes_zero"] for m, cell in as_json["metrics"].items()}


def test_plugin_numbers_paired_say_it_too():
    rows = _rows()
    for row, value in zip(rows, (1.0, 2.0, 3.0, 4.1), strict=True):  # none − all: +2.0, +2.1
        row["plugin_numbers"] = {"plugins.a.kl": value}
    (none,) = AblationResult(Path("abl"), ARMS, rows, [], [], None).paired_plugin_numbers("all")
    assert none["excludes_zero"] == {"plugins.a.kl": True}


def test_the_console_says_when_it_left_the_time_columns_out_of_its_count():
    (line, _) = told_apart(_rows(seconds=150.0, cpu_seconds=140.0), ARMS, ("all",))
    assert line == (
        "against all, paired: 1 of 2 intervals excludes 0 (95 %; about 0.1 by chance; seconds and CPU seconds not "
        "judged):"
    )
    (line, _) = told_apart(_rows(), ARMS, ("all",))  # no seconds: nothing was left out
    assert line == "against all, paired: 1 of 2 intervals excludes 0 (95 %; about 0.1 by chance):"
