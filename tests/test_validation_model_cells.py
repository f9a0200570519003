"""Validation and ``mvae evaluate`` check what a model's ``predict_cells`` returned (``models.check_cells``) before
they index it with the loops' note cells: a model that returned its velocity transposed ended training in torch's
``IndexError`` about a mask's shape; now a ModelError names the model, its package and the contract."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from mvae_core.config import build_config
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from mvae_core.evaluation import evaluate
from mvae_core.models import ModelError, build_model
from mvae_core.models.seed import SeedModel
from mvae_core.validation import validate
from tests.test_models import _installed, tiny


class _Transposed(SeedModel):
    """Its per-cell velocity is [batch, 32, pitch_classes], not [batch, pitch_classes, 32]."""

    def predict_cells(self, x, z):
        cells = super().predict_cells(x, z)
        return dataclasses.replace(cells, velocity=cells.velocity.transpose(1, 2))


@pytest.fixture
def model_and_data(monkeypatch, synth_dir):
    _installed(monkeypatch, "transposed", _Transposed)
    cfg = build_config(None, tiny("transposed"))
    table, _ = load_dataset([str(synth_dir)], cfg.data, jobs=1)
    return build_model(cfg), cfg, split_by_source(table, cfg.data, 0)[1]


REFUSAL = r"model 'transposed' \(package mvae-x\): predict_cells returned velocity of shape \[\d+, 32, 24\]"


def test_validation_names_the_model_whose_predictions_break_the_contract(model_and_data):
    model, cfg, held_out = model_and_data
    with pytest.raises(ModelError, match=REFUSAL):
        validate(model, held_out, cfg, {}, torch.device("cpu"))


def test_evaluate_names_the_model_whose_predictions_break_the_contract(model_and_data):
    model, cfg, held_out = model_and_data
    with pytest.raises(ModelError, match=REFUSAL):
        evaluate(model, cfg, held_out, samples=2)
