"""A paired difference alike in both of 2 pairs has no spread to judge (helper-489 F7): ``active_units`` of −2 in
both pairs printed ``**-2 ± 0 [-2, -2]**``, bold ("the seeds agree on it beyond their spread") and counted as an
interval that excludes 0, from two runs of a count that chance makes alike easily. It now reads ``-2 in both pairs
(no spread to judge)``: never bold, not counted, ``excludes_zero`` and ``better`` null; from 3 pairs on the interval
is judged as any other."""

from __future__ import annotations

from mvae_core.ablation.cells import decided
from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.estimates import paired
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.stats import FEWEST_ALIKE, estimate
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown
from mvae_core.goals import TARGETS

ARMS = [Configuration("all", ("a",)), Configuration("no-a", ())]


def _row(config: str, seed: int, **values: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "produced": "new", "model": "m",
            "val_loops": "v"} | dict.fromkeys(METRICS) | values  # fmt: skip


def _rows(seeds: int) -> list[dict]:
    """``no-a`` has 2 active units fewer than ``all`` in every seed; best val_elbo differs by +1 and +1.1."""
    return [
        _row(c, s, active_units=5.0 - 2 * (c == "no-a"), best_val_elbo=10.0 + s + (c == "no-a") * (1 + s / 10))
        for c in ("all", "no-a")
        for s in range(seeds)
    ]


def _cell(text: str, column: str) -> str:
    line = next(
        line for line in text.split("## Paired differences against `all`")[1].splitlines() if "| no-a |" in line
    )
    return dict(zip(["pairs", *METRICS.values()], line.strip("| ").split(" | ")[1:], strict=True))[METRICS[column]]


def test_two_pairs_alike_are_shown_as_such_and_neither_bold_nor_counted():
    assert FEWEST_ALIKE == 3
    rows = _rows(2)
    text = markdown(rows, ARMS, ["about"])
    assert _cell(text, "active_units") == "-2 in both pairs (no spread to judge)"
    assert _cell(text, "best_val_elbo") == "**+1.05 ± 0.071 [+0.4147, +1.685]**"  # a spread: judged
    assert "1 of the 1 interval here is bold" in text  # active_units is not counted
    (d,) = paired(rows, ARMS, "all")
    assert d["excludes_zero"]["active_units"] is None and d["better"]["active_units"] is None
    assert d["excludes_zero"]["best_val_elbo"] is True
    (said,) = [p["metrics"]["active_units"] for p in statistics(rows, ARMS, ("all",))["paired"]["all"]]
    assert said["excludes_zero"] is None and said["n"] == 2 and said["std"] == 0
    console = told_apart(rows, ARMS, ("all",))
    assert console[0].startswith("against all, paired: 1 of 1 interval excludes 0") and len(console) == 2
    assert "active_units" not in "\n".join(console)


def test_alike_differences_alone_leave_no_interval_to_judge():
    rows = [_row(c, s, active_units=5.0 - 2 * (c == "no-a")) for c in ("all", "no-a") for s in range(2)]
    said = "each judged difference is 0 in every pair, alike in both of 2 pairs, or has a value in fewer than 2 pairs"
    assert told_apart(rows, ARMS, ("all",))[0].startswith(f"against all, paired: no interval to judge ({said}")


def test_three_pairs_alike_are_judged_as_any_interval():
    text = markdown(_rows(3), ARMS, ["about"])
    assert _cell(text, "active_units") == "**-2 ± 0 [-2, -2]**"
    assert paired(_rows(3), ARMS, "all")[0]["excludes_zero"]["active_units"] is True


def test_a_column_best_at_a_target_says_how_much_nearer_in_both_pairs():
    goal = next(iter(TARGETS))
    assert decided(estimate([-0.25, -0.25]), goal) == f"nearer {TARGETS[goal]} by 0.25 in both pairs"
    assert decided(estimate([-0.25, -0.25, -0.25]), goal) == f"nearer {TARGETS[goal]} by 0.25 [0.25, 0.25]"
