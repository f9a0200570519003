"""A model whose ``__init__`` fails (a third-party model's bug, a setting it cannot build with) said so only after
the data was read: minutes of a first parse of a large folder before the error. It is now built once before."""

from __future__ import annotations

import pytest
import torch

import mvae_core
import mvae_core.session
from mvae_core.models import ModelError, ModelInfo, available_models
from mvae_core.models.seed import SeedModel
from tests.training import TINY


class _Broken(SeedModel):
    def __init__(self, cfg, settings, pitch_classes):
        raise ValueError("no layer fits 24 rows")


def test_a_model_that_cannot_start_fails_before_the_data_is_read(monkeypatch, synth_dir, tmp_path):
    registry = {**available_models(), "broken": ModelInfo("broken", "package mvae-broken", "0.1", lambda: _Broken)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)

    def read(*args, **kwargs):
        raise AssertionError("the data was read before the model was built")

    monkeypatch.setattr(mvae_core.session, "prepare_data", read)
    overrides = [*TINY, 'model.name="broken"']
    with pytest.raises(ModelError, match=r"model 'broken' .*failed to start: ValueError: no layer fits 24 rows"):
        mvae_core.train([synth_dir], tmp_path / "run", overrides=overrides, plugins=[], progress=False)
    assert not (tmp_path / "run").exists()


def test_the_early_build_leaves_the_callers_random_state(synth_dir, tmp_path):
    torch.manual_seed(7)
    before = torch.random.get_rng_state()
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, progress=False)
    assert torch.equal(torch.random.get_rng_state(), before)


class _TwoArguments(SeedModel):
    def __init__(self, cfg, settings):  # the pitch_classes argument forgotten
        super().__init__(cfg, settings, 24)


def test_an_init_of_another_signature_is_told_how_mvae_calls_it(monkeypatch, synth_dir, tmp_path):
    registry = {**available_models(), "two": ModelInfo("two", "package mvae-two", "0.1", lambda: _TwoArguments)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)
    with pytest.raises(ModelError) as error:
        mvae_core.train([synth_dir], tmp_path / "run", overrides=[*TINY, 'model.name="two"'], progress=False)
    assert "takes 3 positional arguments but 4 were given" in str(error.value)
    assert str(error.value).endswith(
        "; mvae builds it as cls(cfg, settings, pitch_classes) (docs/models.md, Writing a model)"
    )
