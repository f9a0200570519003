"""docs/hooks.md's ``EmaWeights``, the plugin authors' case for ``mvae_validation_start``/``_end``: the core's own
validation scores the moving average (val_elbo differs from the plain run's), the training is the plain run's (its
trained weights, losses and checkpoint), and the best model is the average that scored best: validating it again
gives the val_elbo its epoch recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file

from mvae_core.models import build_model
from mvae_core.validation import validate
from tests.test_docs import code_blocks, run_block
from tests.training import make_trainer, tiny_config


def ema_weights_class() -> type:
    """The ``EmaWeights`` plugin of docs/hooks.md, as the page shows it."""
    (block,) = [block for block in code_blocks("hooks.md") if "\nclass EmaWeights" in block]
    namespace: dict[str, Any] = {"__name__": "hooks_md"}
    run_block(block, "hooks.md", namespace)
    return namespace["EmaWeights"]


@pytest.fixture(scope="module")
def runs(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    """Two epochs without a plugin and with ``EmaWeights`` (the plugin object too)."""
    out = tmp_path_factory.mktemp("ema")
    plain = make_trainer(synth_dir, tiny_config(epochs=2), {}, out / "plain")
    plain.fit()
    ema = ema_weights_class()()
    averaged = make_trainer(synth_dir, tiny_config(epochs=2), {"ema": ema}, out / "ema")
    averaged.fit()
    return plain, averaged, ema


def test_validation_scores_the_average_and_training_is_the_plain_runs(runs):
    plain, averaged, _ = runs
    plain_records, records = plain.run.read_metrics(), averaged.run.read_metrics()
    assert [r["train"] for r in records] == [r["train"] for r in plain_records]
    for record, plain_record in zip(records, plain_records, strict=True):
        assert record["val_elbo"] != plain_record["val_elbo"]  # the average's, not the trained weights'
        assert record["val"] != plain_record["val"]
    for name, tensor in plain.model.state_dict().items():  # the trained weights, back after mvae_validation_end
        assert torch.equal(tensor, averaged.model.state_dict()[name]), name
    checkpoint, plain_checkpoint = averaged.run.load_checkpoint(), plain.run.load_checkpoint()
    for name, tensor in plain_checkpoint["model"].items():
        assert torch.equal(tensor, checkpoint["model"][name]), name


def test_the_best_model_is_the_average_that_scored_and_scores_so_again(runs):
    _, averaged, ema = runs
    records = averaged.run.read_metrics()
    epoch, val_elbo = averaged.run.best_saved()
    assert (epoch, val_elbo) == (2, records[1]["val_elbo"])  # the average improved in the second epoch
    best = load_file(str(averaged.run.path / "model.safetensors"))
    assert best.keys() == ema.average.keys()
    assert all(torch.equal(best[name], tensor) for name, tensor in ema.average.items())
    assert not all(torch.equal(best[name], tensor) for name, tensor in averaged.model.state_dict().items())
    model = build_model(averaged.cfg)
    model.load_state_dict(best)
    again = validate(model, averaged.val_set, averaged.cfg, records[1]["weights"], torch.device("cpu"))
    assert again["val_elbo"] == val_elbo
