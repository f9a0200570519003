"""Where training is, as ``TrainerView`` shows it, is read-only to plugins (helper-431 finding 3): ``trainer.epoch =
50`` in ``mvae_epoch_end`` made the run report 51 epochs, and ``trainer.step = 0`` put every later step at
``global_step`` 0, both in silence, since the trainer reads these back."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.plugins import PluginError
from mvae_core.view import READ_ONLY, TrainerView
from tests.training import make_trainer, tiny_config


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_assigning_a_position_field_raises_naming_it(name):
    view = TrainerView(None, None, None, None, epochs=3, steps_per_epoch=2)  # type: ignore[arg-type]
    with pytest.raises(AttributeError, match=rf"^trainer\.{name} is read-only: the trainer sets it") as error:
        setattr(view, name, 5)
    assert error.value.name == name


@pytest.mark.parametrize("name,hook", [("epoch", "mvae_epoch_end"), ("step", "mvae_step_start"),
                                       ("ramps_end", "mvae_train_start")])  # fmt: skip
def test_a_plugin_that_moves_the_trainer_fails_naming_itself(synth_dir, name, hook):
    class Mover:
        pass

    def move(self, trainer):
        setattr(trainer, name, 50)

    setattr(Mover, hook, hookimpl(move))
    with pytest.raises(PluginError, match=rf"^plugin 'mover' failed in {hook}: AttributeError: trainer\.{name} is "):
        make_trainer(synth_dir, tiny_config(epochs=2), {"mover": Mover()}).fit()
