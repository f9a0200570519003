"""early_stopping's ``restore_best`` with a plugin that has validation score other weights (docs/hooks.md's
``EmaWeights``): the weights kept and restored are those the monitor measured (``trainer.scored_weights()``), the
average, as ``model.safetensors`` holds; before, they were the trained weights of the epoch whose average scored
best, weights no validation had scored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file

from mvae_plugins.early_stopping import Config, EarlyStopping
from tests.test_hooks_validation_ema import ema_weights_class
from tests.training import make_trainer, tiny_config


def _trained(synth_dir: Path, run: Path, epochs: int) -> tuple[Any, Any, list[str]]:
    """A run with ``EmaWeights`` and early stopping (never stopping), the plugin and the end's messages."""
    ema = ema_weights_class()()
    stopping = EarlyStopping(Config(patience=10))
    trainer = make_trainer(synth_dir, tiny_config(epochs=epochs), {"ema": ema, "early_stopping": stopping}, run)
    result = trainer.fit()
    return trainer, ema, [event["message"] for event in result.final_events]


def test_restore_best_restores_the_average_that_scored_best(synth_dir, tmp_path):
    trainer, _, said = _trained(synth_dir, tmp_path / "run", epochs=2)
    best = load_file(str(trainer.run.path / "model.safetensors"))  # the core's best model: the average that scored
    held = trainer.model.state_dict()
    assert all(torch.equal(held[name], tensor) for name, tensor in best.items())
    assert trainer.run.best_saved()[0] == 2 and any("restored the weights of epoch 2" in line for line in said), said


def test_the_trained_weights_still_go_on_training_and_into_the_checkpoint(synth_dir, tmp_path):
    trainer, ema, _ = _trained(synth_dir, tmp_path / "run", epochs=2)
    checkpoint = trainer.run.load_checkpoint()["model"]
    assert not all(torch.equal(checkpoint[name], tensor) for name, tensor in ema.average.items())
    plain = make_trainer(synth_dir, tiny_config(epochs=2), {}, tmp_path / "plain")
    plain.fit()
    assert all(torch.equal(plain.model.state_dict()[name], tensor) for name, tensor in checkpoint.items())
