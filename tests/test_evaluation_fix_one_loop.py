"""One held-out loop drawn again is the same loop in every resample: its bootstrap measures no uncertainty. The
numbers that DATA's draw moves get no interval (``None``, ``n/a``) and a comparison names no better run on them,
rather than a zero-width interval that excludes 0; the numbers of the generated loops alone keep theirs."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import mvae_core
from mvae_core.api import _evaluation_data
from mvae_core.data.split import LoopSet
from mvae_core.evaluation import evaluate
from mvae_core.evaluation_paired import compare_runs

FAST = {"samples": 16, "resamples": 100}


@pytest.fixture(scope="module")
def one_loop(tiny_run: Path, synth_dir: Path) -> tuple[mvae_core.Run, LoopSet]:
    """The tiny run and the first loop of its data, alone."""
    run = mvae_core.load(tiny_run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = _evaluation_data([str(synth_dir)], run, 1)[1]
    return run, LoopSet(table, np.array([0]), np.zeros(1, dtype=np.int64))


def test_one_loop_gives_no_interval_of_what_its_draw_moves(one_loop: tuple[mvae_core.Run, LoopSet]) -> None:
    run, data = one_loop
    result = evaluate(run.model, run.config, data, **FAST)
    intervals = result["intervals"]
    assert result["loops"] == 1 and isinstance(result["reconstruction"]["onset_f1"], float)
    assert all(interval is None for interval in intervals["reconstruction"].values())
    assert intervals["generated"]["density_ratio"] is None
    assert intervals["generated"]["notes_per_loop"] is not None  # the generated loops alone: still drawn again
    pitch = intervals["pitch"]["in_key"]
    assert pitch["data"] is None and pitch["baseline"] is None and pitch["generated"] is not None


def test_one_loop_gives_no_verdict_in_a_comparison(one_loop: tuple[mvae_core.Run, LoopSet]) -> None:
    run, data = one_loop
    numbers = compare_runs((run.model, run.config), (run.model, run.config), data, 16, 0, 1.0, 100)["numbers"]
    onset = numbers["reconstruction.onset_f1"]
    assert onset["difference"] == 0.0
    assert onset["interval"] is None and onset["excludes_zero"] is None and onset["better"] is None
    density = numbers["generated.density_ratio"]
    assert density["deciding_interval"] is None and density["better"] is None
    assert numbers["generated.notes_per_loop"]["interval"] is not None
