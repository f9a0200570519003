"""The epoch that ``mvae serve`` names (and ``mvae export``'s sidecar records) is that of the weights it loaded: the
metadata is read in the same open of ``model.safetensors`` as the tensors. Before, it was read again after the load,
so a training run that wrote a new best in between had the server name an epoch whose weights it did not play."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

import mvae_core.run
from mvae_core.checkpoint import load_model_file, save_model
from mvae_core.serve.engine import Engine

NEW_BEST = {"epoch": "6", "val_elbo": "1.5"}  # what a training run of the same folder writes meanwhile


@pytest.fixture
def racing_run(tiny_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A copy of the tiny run whose ``model.safetensors`` is replaced by a new best right after its weights are put
    into the model (as a training run's ``save_best`` replaces it: whole, by a rename); and its metadata before."""
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    path = run / "model.safetensors"
    before = load_model_file(path)[1]
    load_weights = mvae_core.run.load_weights

    def load_then_a_new_best_lands(model: torch.nn.Module, state: dict) -> None:
        load_weights(model, state)
        save_model(path, {name: tensor + 1 for name, tensor in state.items()}, NEW_BEST)

    monkeypatch.setattr(mvae_core.run, "load_weights", load_then_a_new_best_lands)
    return run, before


def test_serve_names_the_epoch_of_the_weights_it_plays(racing_run: tuple[Path, dict[str, str]]) -> None:
    run, before = racing_run
    engine = Engine(run)
    assert engine.best_epoch == (int(before["epoch"]) + 1, float(before["val_elbo"]))
    assert load_model_file(run / "model.safetensors")[1] == NEW_BEST  # the new best did land meanwhile
    played = engine.run.model.state_dict()
    assert not any(torch.equal(played[name], t) for name, t in load_model_file(run / "model.safetensors")[0].items())


def test_a_loaded_run_holds_the_metadata_of_its_weights(racing_run: tuple[Path, dict[str, str]]) -> None:
    """What ``export_onnx`` (and ``mvae export``) copies into the sidecar's ``source``."""
    run, before = racing_run
    assert mvae_core.load(run).model_metadata == before
