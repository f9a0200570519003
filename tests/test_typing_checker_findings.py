"""What the type checkers found that was more than a missing annotation: each case as it behaves.

A model's documented ``settings: Settings`` declaration (docs/models.md, examples/mvae-wide-seed) was an error in
pyright, which holds a mutable attribute's type invariant: ``MelodyModel`` declared ``settings: BaseModel``. It
declares ``BaseModel | Any`` now (and ``Settings`` likewise), which pyright lets a subclass narrow while a caller of
the base class still has ``BaseModel``'s attributes checked.

lr_step_decay's ``base_lrs`` is None until ``mvae_train_start`` records the optimiser's rates (or a checkpoint restores
them). A training calls ``mvae_train_start`` before any ``mvae_epoch_start``/``mvae_step_start``, so the rates are
always there in a run (test_lr_step_decay.py trains with it); a caller driving the hooks itself in another order got
``TypeError: object of type 'NoneType' has no len()`` from deep inside, and now an error that names the missing step.
"""

from __future__ import annotations

import typing

import pytest
import torch
from pydantic import BaseModel

from mvae_core.models.base import MelodyModel
from mvae_core.view import TrainerView
from mvae_plugins.lr_step_decay import LrStepDecay
from tests.training import tiny_config


def view_of_one_linear_layer() -> TrainerView:
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    return TrainerView(tiny_config(), model, optimizer, None, epochs=4, steps_per_epoch=2)


@pytest.mark.parametrize("hook", ["mvae_epoch_start", "mvae_step_start"])
def test_setting_rates_before_the_base_rates_are_recorded_names_the_hook_that_records_them(hook: str) -> None:
    view = view_of_one_linear_layer()
    plugin = LrStepDecay(LrStepDecay.Config(per_step=hook == "mvae_step_start"))
    with pytest.raises(RuntimeError, match="no base learning rates to scale: mvae_train_start records them"):
        if hook == "mvae_epoch_start":
            plugin.mvae_epoch_start(view, epoch=0)
        else:
            plugin.mvae_step_start(view, epoch=0, step=0)
    assert view.optimizer.param_groups[0]["lr"] == 1e-3  # untouched


def test_the_rates_are_set_once_the_base_rates_are_recorded_or_restored() -> None:
    view = view_of_one_linear_layer()
    recorded = LrStepDecay(LrStepDecay.Config(schedule={"name": "step", "factor": 0.5, "every": 1}))
    recorded.mvae_train_start(view)
    recorded.mvae_epoch_start(view, 2)
    assert view.optimizer.param_groups[0]["lr"] == pytest.approx(2.5e-4)
    restored = LrStepDecay(LrStepDecay.Config(schedule={"name": "step", "factor": 0.5, "every": 1}))
    restored.mvae_load_state_dict({"base_lrs": [1e-2]})
    restored.mvae_epoch_start(view, 1)
    assert view.optimizer.param_groups[0]["lr"] == pytest.approx(5e-3)


def test_a_model_may_declare_its_own_settings_type_over_melody_models() -> None:
    hints = typing.get_type_hints(MelodyModel)
    assert hints["settings"] == BaseModel | typing.Any
    assert hints["Settings"] == typing.ClassVar[type[BaseModel] | typing.Any]
