"""``trainer.step`` and ``trainer.global_step`` are the epoch's first step in ``mvae_epoch_start`` and
``mvae_loss_weights`` of every epoch. From the second epoch on they were the step before (the last step of the
epoch before), so a learning-rate schedule or a tracker keyed by ``global_step`` at the start of epoch 2 of a
12-step epoch read 23 instead of 12."""

from __future__ import annotations

from mvae_core import hookimpl
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
