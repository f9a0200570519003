"""The start-up events of a training attempt: everything plugins emit before its first epoch runs (``mvae_ramp_end``
and ``mvae_train_start``, in call order) is shown at once, listed first in that epoch's record, and left out of a
mid-epoch checkpoint, since the resume emits its own."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.trainer import TrainingPaused
from tests.training import event_messages, make_trainer, tiny_config


class RampWarner:
    """Warns about its ramp when it publishes its end (``mvae_ramp_end`` sees ``trainer.epochs``) and at start-up."""

    @hookimpl
    def mvae_ramp_end(self, trainer):
        trainer.emit(f"ramp ends after the {trainer.epochs} epochs")
        return trainer.epochs + 1

    @hookimpl
    def mvae_train_start(self, trainer):
        trainer.emit("started")

    @hookimpl
    def mvae_step_end(self, trainer):
        if trainer.step == 1:
            trainer.emit(f"step 2 of epoch {trainer.epoch + 1}", level="info")


def test_events_of_mvae_ramp_end_are_start_up_events(synth_dir, tmp_path):
    """They were listed after the epoch's own events, and a pause kept them in its checkpoint while the resume's
    mvae_ramp_end emitted them again: the first epoch's line held the warning twice."""
    shown = []
    full = make_trainer(synth_dir, tiny_config(epochs=2), {"warner": RampWarner()}, tmp_path / "full")
    full.fit(on_start=lambda events: shown.append([e["message"] for e in events]))
    warned = ["ramp ends after the 2 epochs", "started"]
    assert shown == [warned]
    assert event_messages(full) == [[*warned, "step 2 of epoch 1"], ["step 2 of epoch 2"]]

    polls = []
    paused = make_trainer(
        synth_dir, tiny_config(epochs=2), {"warner": RampWarner()}, tmp_path / "split",
        pause_requested=lambda: polls.append(1) or len(polls) == 2,
    )  # fmt: skip
    with pytest.raises(TrainingPaused):
        paused.fit()
    resumed = make_trainer(synth_dir, tiny_config(epochs=2), {"warner": RampWarner()}, tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    assert event_messages(resumed) == event_messages(full)
