"""A model's ``loss_terms`` in a training step must carry a gradient in at least one term: terms all detached
(``.item()``, ``.detach()``, numpy, ``no_grad``) are refused naming the model and its package. Before, torch's
backward ended the run in a traceback, "element 0 of tensors does not require grad and does not have a grad_fn"."""

from __future__ import annotations

import pytest
import torch

from mvae_core.config import LOSS_TERMS
from mvae_core.models import ModelError, check_terms
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed


def _terms(requires_grad: dict[str, bool]) -> dict[str, torch.Tensor]:
    return {name: torch.tensor(1.0, requires_grad=requires_grad.get(name, False)) for name in LOSS_TERMS}


def test_terms_all_detached_in_a_training_step_are_named_with_the_model_and_its_package(monkeypatch):
    _installed(monkeypatch, "mine", SeedModel)
    with pytest.raises(ModelError) as error:
        check_terms("mine", _terms({}))
    assert str(error.value) == (
        "model 'mine' (package mvae-x): loss_terms returned terms none of which carries a gradient (detached), so "
        "training would change nothing; it must return terms computed from output with torch's autograd on (no "
        ".item(), .detach(), numpy or no_grad) (docs/models.md, Writing a model)"
    )


def test_a_constant_term_beside_trained_ones_and_any_term_without_gradients_on_are_accepted():
    check_terms("seed", _terms({"onset": True}))  # e.g. a model that predicts no timing: timeshift = 0
    with torch.no_grad():  # validation
        check_terms("seed", _terms({}))
