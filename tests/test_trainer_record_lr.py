"""The ``lr`` of an epoch's record is a Python float whatever number type a plugin set the learning rate to: a numpy
float32 or a 0-dimensional tensor (both train as Adam's rate) crashed the run after its epoch had trained, writing
metrics.jsonl (``TypeError: Object of type float32 is not JSON serializable``, naming no plugin), and a numpy
rate made a checkpoint that a resume refused ("holds objects that are not plain data")."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mvae_core import hookimpl
from tests.training import make_trainer, tiny_config


class SetsLr:
    def __init__(self, rate: object) -> None:
        self.rate = rate

    @hookimpl
    def mvae_epoch_start(self, trainer):
        for group in trainer.optimizer.param_groups:
            group["lr"] = self.rate

    @hookimpl
    def mvae_epoch_end(self, metrics):
        self.seen = metrics["lr"]


@pytest.mark.parametrize("rate", [np.float32(5e-4), torch.tensor(5e-4)], ids=["numpy float32", "tensor"])
def test_a_learning_rate_a_plugin_set_as_another_number_type_is_recorded_as_a_float(synth_dir, tmp_path, rate):
    plugin = SetsLr(rate)
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"sets_lr": plugin}, tmp_path / "run")
    trainer.fit()
    assert type(plugin.seen) is float and plugin.seen == float(rate)
    assert trainer.run.read_metrics()[0]["lr"] == float(rate)
    resumed = make_trainer(synth_dir, tiny_config(epochs=2), {"sets_lr": SetsLr(rate)}, tmp_path / "run")
    resumed.restore(resumed.run.load_checkpoint())
    assert resumed.optimizer.param_groups[0]["lr"] == float(rate)
    resumed.fit()
    assert [record["lr"] for record in resumed.run.read_metrics()] == [float(rate)] * 2
