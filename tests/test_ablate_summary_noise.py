"""summary.md says which paired differences the seeds tell apart from noise, and which way each column is better;
the console names those differences under its table. Before, a reader had to scan every interval of summary.md for
its sign (34 of them for four configurations), the console showed only per-configuration means, and nothing said
whether a lower gap closed or a higher active_units was the better one."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import DIRECTIONS, METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("all", ("a",)), Configuration("none", ()), Configuration("no-a", ())]


def _row(config: str, seed: int, **values: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "produced": "new"} | dict.fromkeys(METRICS) | values  # fmt: skip


def _paired_cells(text: str, reference: str, config: str) -> dict[str, str]:
    section = text[text.index(f"## Paired differences against `{reference}`") :]
    line = next(line for line in section.splitlines() if line.startswith(f"| {config} |"))
    return dict(zip(["pairs", *METRICS.values()], line.strip("| ").split(" | ")[1:], strict=True))


def test_a_difference_whose_interval_excludes_0_is_bold_and_the_table_counts_them():
    rows = [
        _row("all", 0, best_val_elbo=10.0, epochs_run=5.0),
        _row("all", 1, best_val_elbo=12.0, epochs_run=5.0),
        _row("none", 0, best_val_elbo=13.0, epochs_run=5.0),  # − all: +3, −1: an interval across 0
        _row("none", 1, best_val_elbo=11.0, epochs_run=5.0),
        _row("no-a", 0, best_val_elbo=11.0, epochs_run=5.0),  # − all: +1.0, +1.1: [+0.4147, +1.685]
        _row("no-a", 1, best_val_elbo=13.1, epochs_run=5.0),
    ]
    text = markdown(rows, ARMS, ["about"])
    no_a = _paired_cells(text, "all", "no-a")
    assert no_a["best val_elbo"] == "**+1.05 ± 0.071 [+0.4147, +1.685]**"
    assert _paired_cells(text, "all", "none")["best val_elbo"] == "+1 ± 2.8 [-24.41, +26.41]"
    assert no_a["epochs"] == "+0 in both pairs (no spread to judge)"  # runs that did not differ: not counted below
    assert "1 of the 2 intervals here is bold; with no difference at all, about 0.1 would be by chance." in text
    assert "**Bold**: the 95 % interval excludes 0" in text


def test_every_column_says_which_way_is_better():
    said = [metric for metrics, _ in DIRECTIONS for metric in metrics]
    assert sorted(said) == sorted(METRICS)  # each column once
    text = markdown([_row("all", 0, best_val_elbo=1.0)], ARMS, ["about"])
    assert "Which way is better: best val_elbo: lower is better (a loss); onset_f1: higher is better;" in text


def test_the_console_names_the_differences_told_apart_from_noise():
    rows = [
        _row("all", 0, best_val_elbo=10.0),
        _row("all", 1, best_val_elbo=12.0),
        _row("none", 0, best_val_elbo=13.0),
        _row("none", 1, best_val_elbo=11.0),
        _row("no-a", 0, best_val_elbo=11.0),
        _row("no-a", 1, best_val_elbo=13.1),
    ]
    lines = told_apart(rows, ARMS, ("all", "none"))
    assert lines[:2] == [
        "against all, paired: 1 of 2 intervals excludes 0 (95 %; about 0.1 by chance):",
        "  no-a: best val_elbo +1.05 [+0.415, +1.69], worse",  # lower is better: the word follows the goal
    ]
    # all − none is none − all above, sign-flipped: counted once (it was counted against each reference)
    assert lines[2] == (
        "against none, paired: 0 of 1 interval excludes 0 (95 %; about 0.05 by chance; all − none is the pair above, "
        "sign-flipped, not counted again)"
    )
    assert told_apart(rows, ARMS, ("seed-all",)) == [
        "paired: no configuration is named seed-all (list the configurations to pair against as a --configs file's "
        "references)"
    ]


@pytest.mark.slow
def test_the_command_prints_them_under_its_table(tiny_ablation):
    _, _, first = tiny_ablation
    assert first.exit_code == 0, first.output
    assert "against all, paired: " in first.output and "against none, paired: " in first.output
    assert first.output.index("against all, paired: ") > first.output.index("ablation: mean ± std")


def test_one_seed_has_no_interval_and_says_so():
    rows = [_row("all", 0, best_val_elbo=10.0), _row("none", 0, best_val_elbo=12.0), _row("no-a", 0)]
    said = (
        "no interval to judge (each difference is of one pair, one seed: more seeds; "
        "seconds and CPU seconds not judged)"
    )
    # before: '0 of 0 95 % intervals exclude 0 (about 0 by chance)'
    assert told_apart(rows, ARMS, ("all",)) == [f"against all, paired: {said}"]
    assert f"Here: {said}." in markdown(rows, ARMS, ["about"])


def test_runs_that_failed_are_named_as_why_there_is_no_interval_not_too_few_seeds():
    """With 3 seeds and every run of ``none`` failed, the console and summary.md said '… fewer than 2 pairs, or 0 in
    every pair: more seeds', though more seeds were not what was missing."""
    rows = [_row("all", s, best_val_elbo=10.0 + s) for s in range(3)]
    rows += [_row("none", s) | {"status": "failed"} for s in range(3)]
    said = (
        "no interval to judge (fewer than 2 seeds where both runs are ok: runs failed or did not start (summary.md "
        "lists them); seconds and CPU seconds not judged)"
    )
    assert told_apart(rows, ARMS[:2], ("all",)) == [f"against all, paired: {said}"]
    assert f"Here: {said}." in markdown(rows, ARMS[:2], ["about"])
    same = [_row(c, s, best_val_elbo=10.0) for c in ("all", "none") for s in range(2)]  # did not differ at all
    assert told_apart(same, ARMS[:2], ("all",)) == [
        "against all, paired: no interval to judge (each judged difference is 0 in every pair, alike in both of 2 "
        "pairs, or has a value in fewer than 2 pairs; seconds and CPU seconds not judged)"
    ]


def test_the_console_says_when_no_configuration_is_a_reference():
    """A --configs file of ``base`` and ``fix`` (no ``all``, ``none`` or ``references``) printed no line about paired
    differences at all: nothing said that none were taken, or how to get them."""
    arms = [Configuration("base", ()), Configuration("fix", ("a",))]
    rows = [_row(c, s, best_val_elbo=10.0 + s) for c in ("base", "fix") for s in range(2)]
    assert told_apart(rows, arms, ("all", "none")) == [
        "paired: no configuration is named all or none (list the configurations to pair against as a --configs "
        "file's references)"
    ]
    assert told_apart(rows, arms, ("base",))[0].startswith("against base, paired: ")
    arms = [Configuration("none", ()), Configuration("fix", ("a",))]  # one reference of two: pairs against it only
    rows = [_row(c, s, best_val_elbo=10.0 + s) for c in ("none", "fix") for s in range(2)]
    assert told_apart(rows, arms, ("all", "none"))[0].startswith("against none, paired: ")
