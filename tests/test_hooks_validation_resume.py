"""A run whose validation scores a moving average (docs/hooks.md's ``EmaWeights``, swapped in by
``mvae_validation_start``) resumes bit-identically: stopped in the middle of an epoch or failed in
``mvae_validation_end`` with the average still in the model, the resumed run's checkpoint, best model (the average)
and metrics are those of the uninterrupted run."""

from __future__ import annotations

import pytest
import torch
from typer.testing import CliRunner

import mvae_plugins
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.run import RunDir
from mvae_core.trainer import TrainingPaused
from tests.interrupt import assert_same_training
from tests.test_hooks_validation_ema import ema_weights_class
from tests.training import make_trainer, tiny_config

EmaWeights = ema_weights_class()


def test_a_run_paused_mid_epoch_with_an_average_swapped_in_for_validation_resumes_bit_identically(synth_dir, tmp_path):
    full = make_trainer(synth_dir, tiny_config(epochs=3), {"ema": EmaWeights()}, tmp_path / "full")
    full.fit()
    polls = []
    paused = make_trainer(
        synth_dir, tiny_config(epochs=3), {"ema": EmaWeights()}, tmp_path / "split",
        pause_requested=lambda: polls.append(1) or len(polls) == full.view.steps_per_epoch + 2,
    )  # fmt: skip
    with pytest.raises(TrainingPaused) as stopped:
        paused.fit()
    assert (stopped.value.epoch, stopped.value.step) == (1, 1)  # in the middle of the second epoch
    resumed = make_trainer(synth_dir, tiny_config(epochs=3), {"ema": EmaWeights()}, tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    assert_same_training(full.run.path, resumed.run.path)  # best model (the average), checkpoint, metrics
    average, resumed_average = (t.run.load_checkpoint()["plugins"]["ema"]["average"] for t in (full, resumed))
    assert all(torch.equal(tensor, resumed_average[name]) for name, tensor in average.items())


class FailingEma(EmaWeights):
    """``EmaWeights`` that raises in ``mvae_validation_end`` of the second epoch, before putting the trained weights
    back, while ``failing`` is set."""

    failing = True

    @hookimpl
    def mvae_validation_end(self, trainer, epoch):
        if FailingEma.failing and epoch == 1:
            raise OSError("the average's log is full")
        super().mvae_validation_end(trainer)


ARGS = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--epochs", "3"]


def mvae(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_a_failure_in_validation_end_names_the_plugin_and_the_resume_is_the_uninterrupted_run(
    synth_dir, tmp_path, monkeypatch
):
    """mvae_validation_end is where the trained weights come back; failing there (the average still in the model)
    fails the run with exit 1 naming the plugin and the hook, and the checkpoint holds the trained weights."""
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "ema", "tests.test_hooks_validation_resume:FailingEma")
    monkeypatch.setattr(FailingEma, "failing", True)
    run = tmp_path / "run"
    failed = mvae("train", synth_dir, *ARGS, "--plugins", "ema", "--out", run)
    assert failed.exit_code == 1, failed.output
    output = " ".join(failed.output.split())
    assert "plugin 'ema' failed in mvae_validation_end: OSError: the average's log is full (at " in output
    assert f"after a fix of the plugin, mvae train --resume {run} continues from its last checkpoint" in output
    assert RunDir(run).load_checkpoint()["epoch"] == 0 and len(RunDir(run).read_metrics()) == 1

    FailingEma.failing = False  # the plugin was fixed
    resumed = mvae("train", "--resume", run)
    assert resumed.exit_code == 0, resumed.output
    reference = tmp_path / "reference"
    assert mvae("train", synth_dir, *ARGS, "--plugins", "ema", "--out", reference).exit_code == 0
    assert_same_training(reference, run)
