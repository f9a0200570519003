"""A new run given the folder of an existing run (``mvae train DATA --out RUN``) says where that run stands and the
step that fits it: after a night of runs, every refusal said "continue it with resume", which for a finished run
trains nothing ("has finished its 3 epochs"), for a run a plugin stopped returns at once, and for a run another
process trains is refused as busy; an --epochs given was not carried into the command."""

from __future__ import annotations

import fcntl
import os
import shutil

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.errors import RunExists
from mvae_core.run_files import LOCK
from tests.training import TINY


@pytest.fixture
def run(tiny_run, tmp_path):
    """A copy of the finished 3-epoch tiny run."""
    return shutil.copytree(tiny_run, tmp_path / "run")


def test_a_finished_run_is_told_finished_with_the_resume_that_takes_the_epochs_given(run, synth_dir):
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=7, progress=False)
    said = str(refused.value)
    assert f"{run} already holds a run, finished: all its 3 epochs done;" in said
    assert f"a larger epoch budget: mvae_core.train(out={str(run)!r}, resume=True, epochs=7)" in said
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--out", str(run), "--epochs", "2"])
    assert result.exit_code == 2  # 2 epochs are not more than its 3: the budget is left to the user
    assert f"a larger epoch budget: mvae train --resume {run} --epochs N, or" in " ".join(result.stderr.split())


def test_a_run_another_process_trains_is_not_told_to_resume(run, synth_dir):
    fd = os.open(run / LOCK, os.O_RDWR)  # a lock of its own, as a training process holds it
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(RunExists) as refused:
            mvae_core.train([synth_dir], run, overrides=TINY, progress=False)
    finally:
        os.close(fd)
    said = str(refused.value)
    assert "being trained by another process now (3 of 3 epochs done); wait for it to finish" in said
    assert "resume" not in said


class StopAtOnce:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        return "enough"


def test_a_run_a_plugin_stopped_is_told_stopped_and_why(synth_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[StopAtOnce()], epochs=3, progress=False)
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], run, overrides=TINY, progress=False)
    said = str(refused.value)
    assert (
        "stopped by a plugin after epoch 1 of 3 (stop_at_once: enough); a run a plugin stopped is not resumed" in said
    )
    assert "resume=True" not in said


def test_a_run_whose_checkpoint_was_deleted_is_not_told_to_resume(run, synth_dir):
    (run / "checkpoint.pt").unlink()  # the user kept only the best model, to free disk
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], run, overrides=TINY, progress=False)
    said = str(refused.value)
    assert said.endswith("its checkpoint.pt is gone, so it cannot be continued: choose another output directory")
    assert "resume" not in said
