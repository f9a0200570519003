"""One process trains a run directory at a time: a second ``train`` (new or resumed) into a run that another process
is training is refused with RunBusy (exit 2) before it touches anything (found when two benchmark processes resumed
the same run and both appended its epochs)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import threading

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import RunBusy
from mvae_core.run import RunDir
from mvae_core.run_files import LOCK

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


def train(data, out, **kwargs):
    return mvae_core.train(data=[data], out=out, overrides=TINY, plugins=[], progress=False, **kwargs)


def snapshot(run):
    return {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}


def test_a_resume_of_a_run_another_process_is_training_is_refused_and_changes_nothing(synth_dir, tmp_path):
    run = tmp_path / "run"
    train(synth_dir, run, epochs=1)
    before = snapshot(run)
    holder = subprocess.Popen(  # another process, as a running `mvae train` holds it
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from mvae_core.run import RunDir
            with RunDir({str(run)!r}).training_lock():
                print("locked", flush=True)
                sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunBusy, match=f"{run} is being trained by another process") as caught:
            mvae_core.train(out=run, resume=True, epochs=2, progress=False)
        assert str(caught.value).endswith(f"continue with mvae_core.train(out={str(run)!r}, resume=True)")  # Python's
        result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
        assert result.exit_code == 2 and "is being trained by another process" in result.stderr
        assert f"continue with mvae train --resume {run}" in " ".join(result.stderr.split())
        assert snapshot(run) == before
    finally:
        holder.communicate("\n", timeout=30)
    assert mvae_core.train(out=run, resume=True, epochs=2, progress=False).epochs_run == 2  # released on exit


def test_a_new_run_into_a_directory_being_trained_is_refused(synth_dir, tmp_path):
    run = tmp_path / "run"
    with RunDir(run).training_lock():
        with pytest.raises(RunBusy):
            train(synth_dir, run, epochs=1)
        assert [p.name for p in run.iterdir()] == [LOCK]  # the holder's lock file; the refused run wrote nothing
    assert not run.exists()  # the holder created the directory and left nothing in it


def test_the_lock_is_released_when_training_ends_and_a_failed_start_leaves_no_directory(synth_dir, tmp_path):
    run = tmp_path / "run"
    train(synth_dir, run, epochs=1)
    with RunDir(run).training_lock():  # free again after the run
        pass
    (tmp_path / "empty").mkdir()
    with pytest.raises(mvae_core.DataError):
        train(tmp_path / "empty", tmp_path / "never")
    assert not (tmp_path / "never").exists()


def test_a_training_that_starts_while_is_training_looks_is_not_refused(tmp_path):
    """``is_training`` (asked by generate's missing-model hint) holds a shared lock for a moment; a training that
    tried the lock in that moment used to be refused as busy."""
    run = RunDir(tmp_path / "run")
    run.path.mkdir()
    (run.path / LOCK).touch()
    looker = os.open(run.path / LOCK, os.O_RDONLY)
    fcntl.flock(looker, fcntl.LOCK_SH | fcntl.LOCK_NB)  # as is_training holds it
    threading.Timer(0.05, os.close, (looker,)).start()
    with run.training_lock():
        assert run.is_training()
