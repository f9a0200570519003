"""The memory running out while ``mvae ablate`` reads its data (the parse it does once for all its runs), or while a
trained run's data is read again (:func:`~mvae_core.run_data.relocate`, a run pointed at its moved data;
:func:`~mvae_core.run_data.validation_loops`, its held-out loops for the ablation's summary) ends as it does for
``mvae train``: :class:`~mvae_core.errors.ReadingRanOut`, one line, exit 1. They ended with a raw ``MemoryError``
traceback. A run's own data is not advised to be given as fewer files (it would not give the run's split)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.errors import ReadingRanOut
from mvae_core.run import RunDir
from mvae_core.run_data import relocate, validation_loops
from tests.test_runend_reading_memory import reading_runs_out_of_memory
from tests.training import TINY

UNABLE = "Unable to allocate 4.00 EiB for an array with shape (4611686018427387904,) and data type uint8"
"""numpy's words for what :func:`reading_runs_out_of_memory` asks for."""


def test_ablate_running_out_of_memory_while_it_reads_the_data_says_so_in_one_line(monkeypatch, synth_dir, tmp_path):
    reading_runs_out_of_memory(monkeypatch)
    tiny = [arg for override in TINY for arg in ("--set", override)]
    out = tmp_path / "abl"
    args = [
        "ablate",
        str(synth_dir),
        "--plugins",
        "kl_anneal",
        "--epochs",
        "1",
        "--jobs",
        "2",
        *tiny,
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert said == (
        f"error: ran out of memory while reading {synth_dir} ({UNABLE}); nothing was trained; the files parsed so far "
        "are in the parse cache, so the next run starts from there; free memory (another program may hold it) or give "
        "fewer files, or parse with fewer worker processes (--jobs 1; each is a process of its own)"
    )


def test_a_run_pointed_at_its_moved_data_that_runs_out_of_memory_keeps_its_files(
    monkeypatch, synth_dir, tiny_run, tmp_path
):
    run, moved = shutil.copytree(tiny_run, tmp_path / "run"), shutil.copytree(synth_dir, tmp_path / "moved")
    config, split = (run / "config.toml").read_text(), (run / "split.json").read_text()
    reading_runs_out_of_memory(monkeypatch)
    with pytest.raises(ReadingRanOut) as caught:
        relocate(run, moved, jobs=1)
    assert isinstance(caught.value.__cause__, MemoryError)
    assert str(caught.value) == (
        f"ran out of memory while reading {moved} ({UNABLE}); the files parsed so far are in the parse cache, so the "
        "next run starts from there; free memory (another program may hold it)"
    )
    assert (run / "config.toml").read_text() == config and (run / "split.json").read_text() == split


def test_a_runs_validation_loops_running_out_of_memory_end_in_one_line(monkeypatch, tiny_run):
    reading_runs_out_of_memory(monkeypatch)
    with pytest.raises(ReadingRanOut, match=r"^ran out of memory while reading .*; free memory \(another program may "
                                            r"hold it\)$"):  # fmt: skip
        validation_loops(RunDir(tiny_run), jobs=1)


def test_evaluate_running_out_of_memory_while_it_reads_the_held_out_data_says_so_in_one_line(
    monkeypatch, synth_dir, tiny_run
):
    reading_runs_out_of_memory(monkeypatch)
    result = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--jobs", "1"])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert said == (
        f"error: ran out of memory while reading {synth_dir} ({UNABLE}); the files parsed so far are in the parse "
        "cache, so the next run starts from there; free memory (another program may hold it) or give fewer files"
    )
