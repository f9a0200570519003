"""Where no judged paired difference had an interval, the console and summary.md said ``no interval to judge (each
difference is 0 in every pair, or has a value in fewer than 2 pairs)`` while the seconds and CPU seconds columns
beside it held differences that were not 0, with intervals (two runs never take the same time), and with one seed
``… one seed: more seeds``, as if more seeds would get the time columns judged too; the console said nothing of them.
The reason is now said of the judged columns, and the line ends, as the console's count does, with ``seconds and
CPU seconds not judged``."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("all", ("a",)), Configuration("no-a", ())]
NOT_JUDGED = "; seconds and CPU seconds not judged)"


def _row(config: str, seed: int) -> dict:
    """A run whose judged numbers are all's (a plugin that never acted), and whose time is its own."""
    took = 10.0 + seed + (config == "no-a") * (1.0 + seed)
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m"} | dict.fromkeys(METRICS, 1.0) | {
            "seconds": took, "cpu_seconds": 2 * took}  # fmt: skip


@pytest.mark.parametrize(
    ("seeds", "why"),
    [
        (
            2,
            "each judged difference is 0 in every pair, alike in both of 2 pairs, or has a value in fewer than 2 pairs",
        ),
        (1, "each difference is of one pair, one seed: more seeds"),
    ],
)
def test_no_interval_is_said_of_the_judged_columns_and_names_the_time_columns(seeds, why):
    rows = [_row(config, seed) for config in ("all", "no-a") for seed in range(seeds)]
    said = f"no interval to judge ({why}{NOT_JUDGED}"
    assert told_apart(rows, ARMS, ("all",)) == [f"against all, paired: {said}"]
    text = markdown(rows, ARMS, ["about"])
    assert f"Here: {said}. The seconds and CPU seconds columns are shown but not judged" in text
    if seeds == 2:  # the time columns beside it: not 0, an interval, not bold
        assert "| +1.5 ± 0.71 [-4.853, +7.853] | +3 ± 1.4 [-9.706, +15.71] |" in text


def test_runs_that_failed_say_so_and_name_the_time_columns_too():
    rows = [_row("all", seed) for seed in range(3)] + [_row("no-a", seed) | {"status": "failed"} for seed in range(3)]
    said = (
        "no interval to judge (fewer than 2 seeds where both runs are ok: runs failed or did not start (summary.md "
        f"lists them){NOT_JUDGED}"
    )
    assert told_apart(rows, ARMS, ("all",)) == [f"against all, paired: {said}"]
