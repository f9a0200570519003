"""A training that fails at its first steps (a plugin that raises, a loss that blows up, a crash) leaves a run folder
whose only checkpoint is the one written before training: nothing of its training was saved. Run again as it was
(with the setting or the plugin fixed), a new run into that folder was refused as if it held a run ("already holds a
run, failed after 0 of 2 epochs; … in another output directory"), while a failure a moment earlier (in
``mvae_train_start``, before that checkpoint) let the same command start it again. A new run now starts over in the
place of a run that trained nothing, and the failure's message says so; a run that kept a step is still refused."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.errors import RunExists, RunFailed, RunInterrupted
from mvae_core.progress import SilentReporter
from mvae_core.run import RunDir
from mvae_core.run_files import LOCK
from mvae_core.run_state import REPEATS
from tests.training import TINY, poison_timing


class FailsAtFirstStep:
    """Raises at the end of the first step while ``failing``, as a plugin with a bug (one that runs out of memory ends
    as the machine's failure instead: tests/test_runend_hook_memory.py)."""

    def __init__(self) -> None:
        self.failing = True

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses, grad_norm):
        if self.failing:
            raise ValueError("a bug at the first batch")


@pytest.fixture
def untrained(synth_dir, tmp_path):
    """A run that failed at its first step (its checkpoint the one written before training), and its plugin."""
    run, plugin = tmp_path / "run", FailsAtFirstStep()
    with pytest.raises(RunFailed) as failed:
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[plugin], epochs=2, progress=False)
    assert RunDir(run).load_checkpoint()["epoch"] == -1 and (run / "failure.json").exists()
    return run, plugin, failed.value


def test_the_failure_says_a_new_run_may_take_its_place(untrained):
    run, _, failed = untrained
    assert str(failed).endswith(
        f"if a setting of the run was the cause, start it again with that setting changed, in its place "
        f"(mvae_core.train(data=DATA, out={str(run)!r})): nothing trained is lost"
    )
    assert f"in its place (mvae train DATA --out {run}): nothing trained is lost" in failed.command_line_message()


def test_the_same_call_again_trains_in_its_place(untrained, synth_dir):
    run, plugin, _ = untrained
    (run / "metrics.jsonl").write_text('{"epoch": 0, "lr"')  # a line torn by a crash: not read, and not kept
    plugin.failing = False
    notes = []

    class Notes(SilentReporter):
        def note(self, message, level="info"):
            notes.append(str(message))

    result = mvae_core.train([synth_dir], run, overrides=TINY, plugins=[plugin], epochs=2, progress=Notes())
    assert result.outcome == "trained" and result.epochs_run == 2
    assert [record["epoch"] for record in RunDir(run).read_metrics()] == [0, 1]
    assert (run / "metrics.jsonl").read_text().count("\n") == 2  # the torn line went with the old run
    assert not (run / "failure.json").exists()
    assert (
        f"{run} held a run that trained nothing, failed after 0 of 2 epochs (plugin 'fails_at_first_step' failed in "
        "mvae_step_end: ValueError: a bug at the first batch" in notes[0]
    )


def test_a_blown_up_loss_is_started_again_with_a_lower_rate(synth_dir, tmp_path):
    run = tmp_path / "run"
    command = [
        "train",
        str(synth_dir),
        *(arg for s in TINY for arg in ("--set", s)),
        "--epochs",
        "2",
        "--out",
        str(run),
    ]
    blown = CliRunner().invoke(app, [*command, "--set", "train.lr=1e9", "--plugins", "none"])
    assert blown.exit_code == 1 and "non-finite loss in epoch 1" in blown.stderr
    again = CliRunner().invoke(app, [*command, "--set", "train.lr=1e-3", "--plugins", "none"])
    assert again.exit_code == 0, again.stderr
    assert f"{run} held a run that trained nothing, failed after 0 of 2 epochs (non-finite loss" in again.stdout
    assert RunDir(run).read_config().train.lr == 1e-3 and len(RunDir(run).read_metrics()) == 2


class StopsAfterFirstStep:
    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses, grad_norm):
        self.stop.set()


def test_a_run_that_kept_a_step_is_still_refused(synth_dir, tmp_path):
    run, stop = tmp_path / "run", threading.Event()
    with pytest.raises(RunInterrupted):
        plugins = [StopsAfterFirstStep(stop)]
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=plugins, epochs=2, progress=False, stop=stop)
    with pytest.raises(RunExists, match="stopped after 0 of 2 epochs without finishing"):
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=2, progress=False)


def test_an_untrained_run_another_process_holds_is_refused(untrained, synth_dir):
    run, _, _ = untrained
    fd = os.open(run / LOCK, os.O_RDWR)  # held, as by a process that trains it and has not finished a step yet
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(RunExists, match="being trained by another process now"):
            mvae_core.train([synth_dir], run, overrides=TINY, epochs=2, progress=False)
    finally:
        os.close(fd)
    assert (run / "checkpoint.pt").exists()


class BlowsUpInEpoch2:
    """The model's own timing output NaN from epoch 2 on: its loss, not a plugin's term, becomes non-finite."""

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        if epoch == 1:
            poison_timing(trainer.model)


def test_a_run_that_blew_up_after_an_epoch_is_still_refused_as_repeating(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed, match="non-finite loss in epoch 2"):
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[BlowsUpInEpoch2()], epochs=3, progress=False)
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=3, progress=False)
    said = str(refused.value)
    assert "failed after 1 of 3 epochs (non-finite loss in epoch 2, step 1," in said
    assert said.endswith(f"{REPEATS}, in another output directory") and "resume=True" not in said


class FailsAtTrainStart:
    def __init__(self) -> None:
        self.failing = True

    @hookimpl
    def mvae_train_start(self, trainer):
        if self.failing:
            raise RuntimeError("no licence for the score")


@pytest.mark.parametrize("resume", [False, True])
def test_a_metrics_file_without_lines_is_no_checkpoint_gone(synth_dir, tmp_path, resume):
    """A run that failed before its first checkpoint, with a ``metrics.jsonl`` without a line (as a resume's cut to the
    checkpoint before training leaves it): no ``checkpoint.pt`` was ever written, yet a new run into it was told "its
    checkpoint.pt is gone, so it cannot be continued" and a resume "the run's training state is gone; restore
    checkpoint.pt from a backup". Either now starts it over."""
    run, plugin = tmp_path / "run", FailsAtTrainStart()
    with pytest.raises(RunFailed, match="no licence for the score"):
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[plugin], epochs=1, progress=False)
    (run / "metrics.jsonl").write_text("")
    plugin.failing = False
    if resume:
        result = mvae_core.train(out=run, resume=True, plugins=[plugin], progress=False)
    else:
        result = mvae_core.train([synth_dir], run, overrides=TINY, plugins=[plugin], epochs=1, progress=False)
    assert result.outcome == "trained" and len(RunDir(run).read_metrics()) == 1
