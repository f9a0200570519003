"""``mvae evaluate --against`` compares the reconstruction's velocity and timing errors (``velocity_mae``,
``timing_mae_half_steps``; goal lower) with paired intervals: each loop keeps its summed absolute errors and its note
count, so a resample's error is a ratio of weighted sums, by the one formula that gives the point number too."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.data.batches import densify
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import MAX_VELOCITY
from mvae_core.evaluation import ERRORS, all_loops, score
from mvae_core.evaluation_paired import COMPARED

FAST = {"samples": 16, "resamples": 200}
NEW = ("reconstruction.velocity_mae", "reconstruction.timing_mae_half_steps")


@pytest.fixture(scope="module")
def copy_of_tiny(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny run's folder copied elsewhere: the same weights under another name."""
    copy = tmp_path_factory.mktemp("errors") / "copy"
    shutil.copytree(tiny_run, copy)
    return copy


def quietly_compare(run: object, against: object, data: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mvae_core.TrainedOnWarning)
        return mvae_core.compare(run, against, data, **FAST)


def test_every_loop_drawn_once_gives_the_point_errors_which_are_the_means_over_the_true_notes(
    tiny_run: Path, synth_dir: Path
) -> None:
    run = mvae_core.load(tiny_run)
    data = all_loops(load_dataset([str(synth_dir)], run.config.data, 1)[0])
    point, resampling = score(run.model, run.config, data, 8, 0, 1.0)
    once = resampling.reconstruction_errors(np.ones((1, len(data))))
    for name in ERRORS:  # the same function: equal, not close
        assert once[f"reconstruction.{name}"].tolist() == [point["reconstruction"][name]]
    # against the errors of every true note, computed here without the per-loop sums
    with torch.no_grad():
        x = densify(data, np.arange(len(data)), run.config.data.pitch_classes)
        out = run.model.predict_cells(x, run.model.encode(x)[0])
    notes = x[:, 0] > 0.5
    velocity = ((out.velocity - x[:, 1]).abs() * MAX_VELOCITY).double()
    timing = (out.timeshift - x[:, 3]).abs().double()
    assert point["reconstruction"]["velocity_mae"] == pytest.approx(float(velocity[notes].mean()), rel=1e-6)
    assert point["reconstruction"]["timing_mae_half_steps"] == pytest.approx(float(timing[notes].mean()), rel=1e-6)
    # a resample that draws loop 0 three times and loop 1 once: its notes weighed by how often their loop is drawn
    weights = np.zeros((1, len(data)))
    weights[0, :2] = 3, 1
    count = 3 * notes[0].sum() + notes[1].sum()
    expected = (3 * timing[0][notes[0]].sum() + timing[1][notes[1]].sum()) / count
    resampled = resampling.reconstruction_errors(weights)["reconstruction.timing_mae_half_steps"]
    assert resampled[0] == pytest.approx(float(expected), rel=1e-9)


def test_a_run_against_the_same_weights_differs_by_exactly_zero_in_both_errors(
    tiny_run: Path, copy_of_tiny: Path, synth_dir: Path
) -> None:
    paired = quietly_compare(tiny_run, copy_of_tiny, synth_dir)
    for key in NEW:
        entry = paired["numbers"][key]
        assert entry["a"] == entry["b"] > 0
        assert entry["difference"] == 0.0 and entry["interval"] == [0.0, 0.0], key
        assert entry["better_is"] == "lower" and entry["better"] == "neither"


def test_a_run_whose_timing_head_leans_late_is_named_worse_in_timing_and_tied_in_velocity(
    tiny_run: Path, copy_of_tiny: Path, synth_dir: Path
) -> None:
    late = mvae_core.load(copy_of_tiny)
    last = late.model.note_layers()[2]  # velocity, duration, then the timing classes
    with torch.no_grad():
        last.bias[-1] += 20.0  # the latest offset class holds nearly all of every note's timing mass
    paired = quietly_compare(tiny_run, late, synth_dir)
    timing = paired["numbers"]["reconstruction.timing_mae_half_steps"]
    assert timing["b"] > timing["a"] + 0.3, timing
    assert timing["interval"][1] < 0 and timing["better"] == "a"
    reversed_order = quietly_compare(late, tiny_run, synth_dir)["numbers"]["reconstruction.timing_mae_half_steps"]
    assert reversed_order["interval"][0] > 0 and reversed_order["better"] == "b"
    velocity = paired["numbers"]["reconstruction.velocity_mae"]  # the velocity output is untouched
    assert velocity["interval"] == [0.0, 0.0] and velocity["better"] == "neither"


def named_rows(stdout: str) -> dict[str, list[str]]:
    """The comparison table's number rows by name, a name the narrow first column folds joined again from the line
    under it (which holds only the rest of the name): name → the row's other cells."""
    groups = {key.split(".")[0] for key in COMPARED}
    lines = [line.split() for line in stdout.splitlines()]
    rows = {}
    for row, under in zip(lines, [*lines[1:], []], strict=True):
        if len(row) >= 7:  # name, goal, A, B, A − B, the interval (or n/a), the verdict
            rest = under[0] if len(under) == 1 and under[0] not in groups else ""
            rows[row[0] + rest] = row[1:]
    return rows


@pytest.mark.parametrize("width", [80, 100])
def test_the_table_has_both_error_rows_under_reconstruction_within_the_width(
    width: int, tiny_run: Path, copy_of_tiny: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [key for key in COMPARED if key.startswith("reconstruction.")][-2:] == list(NEW)
    monkeypatch.setattr(cli_output.out, "width", width)
    args = ["evaluate", str(tiny_run), str(synth_dir), "--against", str(copy_of_tiny), "--samples", "16"]
    printed = CliRunner().invoke(app, [*args, "--resamples", "200"], terminal_width=width)
    assert printed.exit_code == 0, printed.output
    assert max(map(len, printed.stdout.splitlines())) <= width, printed.stdout
    rows = named_rows(printed.stdout)
    names = list(rows)
    assert names[names.index("onset_f1_vs_origin") + 1 :][:3] == [
        "velocity_mae",
        "timing_mae_half_steps",
        "spread_ratio",
    ]
    for name in ("velocity_mae", "timing_mae_half_steps"):
        goal, a, b, difference, *interval, better = rows[name]
        assert (goal, b, difference, interval, better) == ("lower", a, "0", ["[0,", "0]"], "neither"), printed.stdout
