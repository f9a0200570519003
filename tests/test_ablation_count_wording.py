"""The counts of paired intervals read as English whatever the count: summary.md said "1 of the 23 intervals here are
bold" and the console "1 of 2 intervals exclude 0"; the verb now agrees with the count of bold intervals and the noun
with the count of intervals."""

from __future__ import annotations

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("all", ("a",)), Configuration("no-a", ())]


def _row(config: str, seed: int, **values: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m"} | dict.fromkeys(METRICS) | values  # fmt: skip


def _rows(**no_a: tuple[float, float]) -> list[dict]:
    """Two seeds: ``all`` at 10 and 12 in best_val_elbo and onset_f1, ``no-a`` at the values given."""
    rows = [_row("all", s, best_val_elbo=10.0 + 2 * s, onset_f1=10.0 + 2 * s) for s in range(2)]
    return rows + [_row("no-a", s, **{m: values[s] for m, values in no_a.items()}) for s in range(2)]


def test_one_bold_interval_of_several_is_singular_in_summary_md_and_on_the_console():
    rows = _rows(best_val_elbo=(11.0, 13.1), onset_f1=(13.0, 11.0))  # +1.0, +1.1: bold; +3, −1: across 0
    assert "1 of the 2 intervals here is bold; with no difference at all" in markdown(rows, ARMS, ["about"])
    assert told_apart(rows, ARMS, ("all",))[0].startswith("against all, paired: 1 of 2 intervals excludes 0 (95 %")


def test_one_interval_in_all_is_a_singular_noun():
    rows = _rows(best_val_elbo=(11.0, 13.1))  # onset_f1 has no value in no-a: one interval
    assert "1 of the 1 interval here is bold;" in markdown(rows, ARMS, ["about"])
    assert told_apart(rows, ARMS, ("all",))[0].startswith("against all, paired: 1 of 1 interval excludes 0 (")
    across = _rows(best_val_elbo=(13.0, 11.0))
    assert "0 of the 1 interval here is bold;" in markdown(across, ARMS, ["about"])


def test_several_bold_intervals_stay_plural():
    rows = _rows(best_val_elbo=(11.0, 13.1), onset_f1=(11.0, 13.1))
    assert "2 of the 2 intervals here are bold;" in markdown(rows, ARMS, ["about"])
    assert told_apart(rows, ARMS, ("all",))[0].startswith("against all, paired: 2 of 2 intervals exclude 0 (")
