"""``trainer.step`` and ``trainer.global_step`` are the epoch's first step in ``mvae_epoch_start`` and
``mvae_loss_weights`` of every epoch. From the second epoch on they were the step before (the last step of the
epoch before), so a learning-rate schedule or a tracker keyed by ``global_step`` at the start of epoch 2 of a
12-step epoch read 23 instead of 12."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.trainer import TrainingPaused
from tests.training import make_trainer, tiny_config


class SeesTheStep:
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int, int]] = []

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        self.seen.append(("epoch_start", epoch, trainer.step, trainer.global_step))

    @hookimpl
    def mvae_loss_weights(self, trainer, epoch):
        self.seen.append(("loss_weights", epoch, trainer.step, trainer.global_step))
        return {}


def test_epoch_start_sees_the_epochs_first_step(synth_dir):
    plugin = SeesTheStep()
    trainer = make_trainer(synth_dir, tiny_config(epochs=3), {"sees": plugin})
    trainer.fit()
    per_epoch = trainer.view.steps_per_epoch
    assert per_epoch > 1
    assert plugin.seen == [
        (hook, epoch, 0, epoch * per_epoch) for epoch in range(3) for hook in ("epoch_start", "loss_weights")
    ]


class SeesTheEpochEnd:
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int, int]] = []

    @hookimpl
    def mvae_validation_end(self, trainer, epoch, metrics):
        self.seen.append(("validation_end", epoch, trainer.step, trainer.global_step))

    @hookimpl
    def mvae_epoch_end(self, trainer, epoch, metrics):
        self.seen.append(("epoch_end", epoch, trainer.step, trainer.global_step))


def test_a_resume_after_an_epochs_last_step_sees_that_step_at_the_epochs_end(synth_dir, tmp_path):
    """Paused right after epoch 0's last step and resumed: the epoch's validation and end hooks saw one step past it
    (``steps_per_epoch``, the next epoch's first ``global_step``) where an uninterrupted run sees its last step."""
    whole = SeesTheEpochEnd()
    make_trainer(synth_dir, tiny_config(epochs=1), {"sees": whole}, tmp_path / "whole").fit()
    polls: list[int] = []
    paused = make_trainer(synth_dir, tiny_config(epochs=1), {"sees": SeesTheEpochEnd()}, tmp_path / "resumed",
                          pause_requested=lambda: polls.append(1) or len(polls) == per_epoch)  # fmt: skip
    per_epoch = paused.view.steps_per_epoch
    with pytest.raises(TrainingPaused):
        paused.fit()
    resumed_plugin = SeesTheEpochEnd()
    resumed = make_trainer(synth_dir, tiny_config(epochs=1), {"sees": resumed_plugin}, tmp_path / "resumed")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    last = per_epoch - 1
    assert whole.seen == resumed_plugin.seen == [("validation_end", 0, last, last), ("epoch_end", 0, last, last)]
