"""A learning rate a plugin sets is checked after its hook (helper-431 finding 2): a string crashed in torch's Adam
with a traceback naming no plugin, and NaN or a negative rate trained on to a non-finite loss blamed on train.lr. A
non-finite loss names the plugins that set a learning rate or may change the gradients as possible causes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from mvae_core import hookimpl
from mvae_core.plugins import PluginError
from mvae_core.trainer import NonFiniteLoss
from tests.training import make_trainer, tiny_config


class SetsLr:
    def __init__(self, hook: str, value: Any) -> None:
        self.hook, self.value = hook, value

    def _set(self, trainer: Any, hook: str) -> None:
        if hook == self.hook:
            trainer.optimizer.param_groups[0]["lr"] = self.value

    @hookimpl
    def mvae_epoch_start(self, trainer):
        self._set(trainer, "mvae_epoch_start")

    @hookimpl
    def mvae_step_start(self, trainer):
        self._set(trainer, "mvae_step_start")

    @hookimpl
    def mvae_epoch_end(self, trainer):
        self._set(trainer, "mvae_epoch_end")


@pytest.mark.parametrize(
    "hook,value,said",
    [
        ("mvae_epoch_start", "0.001", "str '0.001'"),
        ("mvae_epoch_start", float("nan"), "nan"),
        ("mvae_step_start", -0.1, "-0.1"),
        ("mvae_step_start", torch.ones(2), "a float32 tensor of shape [2]"),
        ("mvae_epoch_end", "0.001", "str '0.001'"),  # after validation, as a plateau schedule sets it
        ("mvae_epoch_end", float("nan"), "nan"),
    ],
    ids=["string", "nan", "negative", "tensor", "string-at-epoch-end", "nan-at-epoch-end"],
)
def test_a_bad_learning_rate_names_the_plugin_and_the_hook(synth_dir, hook, value, said):
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"lr": SetsLr(hook, value)})
    with pytest.raises(PluginError) as error:
        trainer.fit()
    assert str(error.value).startswith(f"plugin 'lr': {hook} set optimizer.param_groups[0]['lr'] to {said}; ")
    assert "a learning rate is a finite number >= 0" in str(error.value)


@pytest.mark.parametrize("value", [np.float32(1e-3), torch.tensor(1e-3), 0], ids=["numpy", "tensor", "zero"])
def test_learning_rates_that_are_numbers_train(synth_dir, value):
    result = make_trainer(synth_dir, tiny_config(epochs=1), {"lr": SetsLr("mvae_epoch_start", value)}).fit()
    assert result.epochs_run == 1


class Clobbers:
    @hookimpl
    def mvae_before_optimizer_step(self, trainer, step):
        if step == 0:
            for parameter in trainer.model.parameters():
                if parameter.grad is not None:
                    parameter.grad.fill_(float("nan"))


def test_a_non_finite_loss_names_the_plugins_that_may_have_caused_it(synth_dir):
    plugins = {"clobber": Clobbers(), "lr": SetsLr("mvae_epoch_start", 1e-3)}
    with pytest.raises(NonFiniteLoss) as error:
        make_trainer(synth_dir, tiny_config(epochs=1), plugins).fit()
    assert error.value.suspects == {
        "clobber": "may change the gradients in mvae_before_optimizer_step",
        "lr": "set the learning rate in mvae_epoch_start",
    }
    assert str(error.value).endswith(
        "; a plugin may have caused it: 'clobber' (may change the gradients in mvae_before_optimizer_step), "
        "'lr' (set the learning rate in mvae_epoch_start)"
    )
