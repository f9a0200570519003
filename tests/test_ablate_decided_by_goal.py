"""Helper-434's review of the ablation's statistics (findings 2, 3, 4 and 11).

4. A column best at a target (the gaps closed and the spread ratio: 1; the ``gen.`` columns: the data's own) was
   paired as a signed difference and bold where that excluded 0: bold said "differs", not "nearer", while
   ``mvae evaluate --against`` decides the same kind of number by |A − 1| − |B − 1|. A gap closed of 1.25 against
   1.10 was bold, though farther from the data. Both tools now take each number's goal and the deciding difference
   from one place, :mod:`mvae_core.goals`.
11. The pair ``none`` − ``all`` was counted in both reference tables (sign-flipped) and on the console twice.
3. Seeds that validate on the same loops were counted as independent splits without a word.
2. The logged ``$ …`` command, which "runs again as it stands", lacked the thread count its numbers depend on, and
   docs/ablation.md's "repeat one run by hand" command lacked it and ``--epochs``.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core.ablation.about import validation_line
from mvae_core.ablation.columns import GENERATED, GOALS, METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.estimates import paired
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.runner import THREAD_VARIABLES, latest_attempt_action, latest_attempt_start, start_worker
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown
from mvae_core.cli import app
from mvae_core.evaluation_paired import COMPARED, compared
from mvae_core.run import RunDir
from mvae_core.version import THREADS

ROOT = Path(__file__).resolve().parents[1]
ARMS = [Configuration("all", ("a",)), Configuration("none", ()), Configuration("no-a", ())]
OWN = 0.5  # the data's own gen_timing_std in these rows


def _row(config: str, seed: int, loops: str | None = None, **values: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "produced": "new", "model": "m",
            "validation_loops": loops, "data_own": dict.fromkeys(GENERATED, OWN)
            } | dict.fromkeys(METRICS) | values  # fmt: skip


def _cells(text: str, reference: str, config: str) -> dict[str, str]:
    section = text[text.index(f"## Paired differences against `{reference}`") :]
    line = next(line for line in section.splitlines() if line.startswith(f"| {config} |"))
    return dict(zip(["pairs", *METRICS.values()], line.strip("| ").split(" | ")[1:], strict=True))


# no-a − all, two seeds: entropy gaps 1.25, 1.27 against 1.10, 1.11 (past 1: +0.15, +0.16, farther from the data);
# stepwise gaps 1.10, 1.12 against 0.90, 0.91 (+0.20, +0.21, but as far from 1, then 0.03 farther: no verdict);
# gen. timing std 0.58, 0.60 against 0.40, 0.41 with the data's 0.5 (+0.18, +0.19; 0.02 nearer, then 0.01 farther)
ROWS = [
    _row("all", 0, entropy_gap=1.10, stepwise_gap=0.90, gen_timing_std=0.40),
    _row("all", 1, entropy_gap=1.11, stepwise_gap=0.91, gen_timing_std=0.41),
    _row("none", 0),
    _row("none", 1),
    _row("no-a", 0, entropy_gap=1.25, stepwise_gap=1.10, gen_timing_std=0.58),
    _row("no-a", 1, entropy_gap=1.27, stepwise_gap=1.12, gen_timing_std=0.60),
]


def test_a_gap_closed_past_1_is_bold_as_farther_not_as_a_difference():
    (no_a,) = [d for d in paired(ROWS, ARMS, "all") if d["config"] == "no-a"]
    assert no_a["entropy_gap"].mean == pytest.approx(0.155) and no_a["entropy_gap"].low > 0  # the difference
    assert no_a["deciding"]["entropy_gap"].mean == pytest.approx(0.155)  # |1.25 − 1| − |1.10 − 1|, …: farther
    assert (no_a["excludes_zero"]["entropy_gap"], no_a["better"]["entropy_gap"]) == (True, "reference")
    cell = _cells(markdown(ROWS, ARMS, ["about"]), "all", "no-a")["pc-entropy gap closed"]
    assert cell.startswith("+0.155 ± 0.0071 [") and cell.endswith("; **farther from 1 by 0.155 [0.09147, 0.2185]**")


def test_a_difference_that_excludes_0_is_not_bold_where_neither_run_is_the_nearer():
    """Before, each of these was bold: their differences exclude 0."""
    (no_a,) = [d for d in paired(ROWS, ARMS, "all") if d["config"] == "no-a"]
    for metric in ("stepwise_gap", "gen_timing_std"):
        assert no_a[metric].low > 0, metric  # the signed difference excludes 0
        assert (no_a["excludes_zero"][metric], no_a["better"][metric]) == (False, "neither"), metric
    cells = _cells(markdown(ROWS, ARMS, ["about"]), "all", "no-a")
    assert "**" not in cells["stepwise gap closed"] + cells["gen. timing std"]
    assert cells["gen. timing std"].endswith("; nearer the data's by 0.005 [-0.1856, 0.1956]")
    assert "1 of the 3 intervals here is bold" in markdown(ROWS, ARMS, ["about"])


def test_the_console_says_which_run_is_nearer():
    lines = told_apart(ROWS, ARMS, ("all",))
    assert lines == [
        "against all, paired: 1 of 3 intervals excludes 0 (95 %; about 0.15 by chance):",
        "  no-a: pc-entropy gap closed +0.155, farther from 1 by 0.155 [0.0915, 0.219]",
    ]


def test_summary_json_gives_each_goal_and_the_deciding_difference():
    numbers = statistics(ROWS, ARMS, ("all",))
    assert numbers["goals"]["entropy_gap"] == "nearer 1" and numbers["goals"]["gen_within_0_05"] == "nearer the data's"
    (cell,) = [d["metrics"]["entropy_gap"] for d in numbers["paired"]["all"] if d["config"] == "no-a"]
    assert cell["mean"] == pytest.approx(0.155) and cell["deciding"]["mean"] == pytest.approx(0.155)
    assert (cell["excludes_zero"], cell["better"]) == (True, "reference")


def test_the_ablation_and_evaluate_against_decide_a_number_by_one_goal_and_rule():
    """The gap closed's goal is evaluate's (one definition), and the same two values get the same verdict."""
    assert GOALS["entropy_gap"] == COMPARED["pitch.pc_entropy.gap_closed"] == "nearer 1"
    assert GOALS["timing_spread_ratio"] == COMPARED["timing.spread_ratio"]
    a, b = np.array([1.25, 1.27, 1.26]), np.array([1.10, 1.11, 1.105])  # A: past 1, farther; A − B above 0
    assert compared(1.26, 1.105, a, b, "nearer 1")["better"] == "b"
    rows = [_row("all", s, entropy_gap=float(v)) for s, v in enumerate(b)]
    rows += [_row("no-a", s, entropy_gap=float(v)) for s, v in enumerate(a)]
    (no_a,) = paired(rows, [ARMS[0], ARMS[2]], "all")
    assert no_a["better"]["entropy_gap"] == "reference"  # B, as evaluate --against says


def test_the_pair_of_two_references_is_counted_once():
    rows = [_row("all", s, best_val_elbo=10.0 + s) for s in range(2)]
    rows += [_row("none", s, best_val_elbo=v) for s, v in enumerate((11.0, 12.1))]  # − all: +1.0, +1.1
    rows += [_row("no-a", s, best_val_elbo=v) for s, v in enumerate((11.0, 13.0))]  # − none: +0, +0.9
    text = markdown(rows, ARMS, ["about"])
    assert _cells(text, "all", "none")["best val_elbo"].startswith("**+1.05")
    assert _cells(text, "none", "all")["best val_elbo"].startswith("-1.05 ± 0.071 [")  # shown, not bold
    against_none = text[text.index("## Paired differences against `none`") :]
    assert "0 of the 1 interval here is bold" in against_none  # no-a's alone; before: 1 of the 2
    assert "Neither bold nor counted again: all − none is the pair above, sign-flipped." in against_none
    assert told_apart(rows, ARMS, ("all", "none"))[2] == (
        "against none, paired: 0 of 1 interval excludes 0 (95 %; about 0.05 by chance; all − none is the pair above, "
        "sign-flipped, not counted again)"
    )
    both = statistics(rows, ARMS, ("all", "none"))["paired"]
    assert [d["repeats"] for d in both["all"]] == [False, False]
    assert [(d["config"], d["repeats"]) for d in both["none"]] == [("all", True), ("no-a", False)]


def test_the_table_of_two_references_alone_says_its_row_is_the_pair_above():
    arms = ARMS[:2]
    rows = [_row("all", s, best_val_elbo=10.0 + s) for s in range(2)]
    rows += [_row("none", s, best_val_elbo=v) for s, v in enumerate((11.0, 12.1))]
    text = markdown(rows, arms, ["about"])
    assert "Nothing here is counted. Neither bold nor counted again: all − none is the pair above" in text
    assert told_apart(rows, arms, ("all", "none"))[-1] == (
        "against none, paired: all − none is the pair above, sign-flipped, not counted again"
    )


def test_seeds_that_validate_on_the_same_loops_are_named():
    rows = [_row(c, s, loops="d1" if s < 2 else "d2", best_val_elbo=1.0) for c in ("all", "none") for s in range(3)]
    said = validation_line(rows)
    assert said is not None and said.startswith(
        "Validation sets: 2 distinct among 3 seeds (seeds 0 and 1 share one): the intervals over seeds then cover "
        "fewer splits of the data than seeds"
    )
    assert told_apart(rows, ARMS[:2], ("all",))[-1] == said
    apart = [_row(c, s, loops=f"d{s}") for c in ("all", "none") for s in range(3)]
    assert validation_line(apart) is None and validation_line([_row("all", 0)]) is None
    four = [_row("all", s, loops="d1" if s in (0, 2, 3) else "d2") for s in range(5)]
    assert (validation_line(four) or "").startswith("Validation sets: 2 distinct among 5 seeds (seeds 0, 2 and 3")


def test_an_attempt_s_header_gives_the_thread_count_before_its_command(tmp_path):
    log = tmp_path / "seed-0.log"
    command = (sys.executable, "-c", "pass", "--resume")
    threads = dict.fromkeys(THREAD_VARIABLES, "3")
    process, _ = start_worker(command, log, {**os.environ, **threads}, 2)
    assert process.wait() == 0
    header = log.read_text().splitlines()[0].removeprefix("$ ").removesuffix("  # attempt from epoch 3")
    assert shlex.split(header) == ["OMP_NUM_THREADS=3", "MKL_NUM_THREADS=3", *command]
    assert (latest_attempt_start(log), latest_attempt_action(log)) == (2, "resumed")


def test_the_docs_repeat_one_run_with_its_epochs_and_threads():
    text = " ".join((ROOT / "docs" / "ablation.md").read_text(encoding="utf-8").split())
    assert (
        "`OMP_NUM_THREADS=K MKL_NUM_THREADS=K mvae train DATA --config DIR/configs/<name>.toml --seed S --epochs N`"
        in text
    )
    assert "about ±14 and ±10 epochs" in text  # the table's −1.3 [−15.0, +12.4] and −1.0 [−10.9, +8.9]


@pytest.mark.slow
def test_an_ablation_names_shared_validation_sets_and_logs_its_threads(synth_dir, tmp_path):
    """6 files, one held out: seeds 0 and 2 validate on the same file."""
    from tests.training import TINY

    (tmp_path / "one.toml").write_text("[configs.none]\nplugins = []\n")
    out = tmp_path / "abl"
    args = ["ablate", str(synth_dir), "--configs", str(tmp_path / "one.toml"), "--seeds", "3", "--epochs", "1"]
    args += ["--jobs", "1", "--samples", "8", *(a for o in TINY for a in ("--set", o)), "--out", str(out)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    said = "Validation sets: 2 distinct among 3 seeds (seeds 0 and 2 share one):"
    assert said in (out / "summary.md").read_text(encoding="utf-8")
    assert any(line.startswith(said) for line in json.loads((out / "summary.json").read_text())["about"])
    assert said in " ".join(result.output.split())
    header = (out / "logs" / "none" / "seed-0.log").read_text().splitlines()[0]
    threads = RunDir(out / "runs" / "none" / "seed-0").read_provenance()["versions"][THREADS]  # what it trained with
    assert header.startswith(f"$ OMP_NUM_THREADS={threads} MKL_NUM_THREADS={threads} "), header
