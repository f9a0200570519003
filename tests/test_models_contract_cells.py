"""What a model's ``predict_cells`` must return: a ``Decoded`` of per-cell tensors that validation and ``mvae
evaluate`` index with the loops' note cells (``mvae_core.models.check_cells``; docs/models.md, Writing a model)."""

from __future__ import annotations

import dataclasses
import re

import pytest
import torch

from mvae_core.config import build_config
from mvae_core.models import ModelError, build_model, check_cells
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny

X = torch.zeros(3, 4, 24, 32)


def cells_of(model: str):
    """A fresh model's (random weights) predictions for ``X``, as its ``predict_cells`` returns them."""
    return build_model(build_config(None, tiny(model))).eval().predict_cells(X, torch.zeros(3, 2))


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_the_built_in_models_predictions_pass(model):
    check_cells(model, cells_of(model), X)


@pytest.mark.parametrize(
    ("change", "returned"),
    [
        (lambda d: {"velocity": d.velocity}, "a dict"),  # AttributeError: 'dict' has no attribute 'sample_timeshift'
        (
            lambda d: dataclasses.replace(d, velocity=d.velocity.transpose(1, 2)),
            "velocity of shape [3, 32, 24], not [3, 24, 32]",
        ),  # IndexError: mask shape
        (lambda d: dataclasses.replace(d, duration=d.duration.detach().numpy()), "duration as a ndarray, not a tensor"),
        (lambda d: dataclasses.replace(d, onset_logits=d.onset_logits.long()), "onset_logits of dtype torch.int64"),
        (
            lambda d: dataclasses.replace(d, timing_logits=d.timing_logits[:, :16]),
            "timing_logits of shape [3, 16, 33], not [3, 32, 33]",
        ),
        (
            lambda d: dataclasses.replace(d, timing=None, timing_logits=d.timing_logits),
            "timing_logits with timing = None, not a mvae_core.timing.TimingBins",
        ),
    ],
)
def test_predictions_that_break_the_contract_are_named_with_the_model_and_its_package(monkeypatch, change, returned):
    _installed(monkeypatch, "mine", SeedModel)
    with pytest.raises(ModelError) as error:
        check_cells("mine", change(cells_of("seed")), X)
    assert re.fullmatch(
        rf"model 'mine' \(package mvae-x\): predict_cells returned {re.escape(returned)}; it must return a "
        r"mvae_core\.models\.base\.Decoded whose onset_logits, velocity, duration and timeshift are \[batch, "
        r"pitch_classes, 32\] floating-point tensors \(with timing_logits: \[batch, 32, timing\.n_classes\] and "
        r"timing its mvae_core\.timing\.TimingBins\) \(docs/models\.md, Writing a model\)",
        str(error.value),
    ), str(error.value)
