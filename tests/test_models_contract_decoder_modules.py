"""``decoder_modules`` names what ``mvae bend`` perturbs: a name that is none of the model's modules or parameters
(a typo) is refused when the model is built, naming the model, its package and what it has. Before, ``bend`` left
that part of the decoder unbent without a word."""

from __future__ import annotations

import pytest

import mvae_core.models
from mvae_core.config import build_config
from mvae_core.models import ModelError, build_model
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _Typo(SeedModel):
    decoder_modules = ("from_z", "head")


def test_a_decoder_module_the_model_does_not_have_is_named_with_its_package(monkeypatch):
    _installed(monkeypatch, "mine", _Typo)
    with pytest.raises(ModelError) as error:
        build_model(build_config(None, tiny("mine")))
    assert str(error.value) == (
        "model 'mine' (package mvae-x): decoder_modules names head, not among its modules and parameters (encoder, "
        "from_z, heads); mvae bend perturbs the decoder by these names (docs/models.md, Writing a model)"
    )


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_the_built_in_models_decoder_modules_are_theirs(model):
    assert build_model(build_config(None, tiny(model))).decoder_modules


class _NoDecoder(SeedModel):
    decoder_modules = ()


def test_an_empty_decoder_modules_is_refused_with_the_class(monkeypatch):
    """mvae bend wrote an unbent copy of such a model, saying "0 decoder tensors bent"."""
    _installed(monkeypatch, "mine", _NoDecoder)
    with pytest.raises(ModelError) as error:
        mvae_core.models.available_models()["mine"].model_class()  # the registry _installed patches
    assert str(error.value) == (
        "model 'mine' (package mvae-x) has decoder_modules = (): it must name the decoder's attributes, which mvae "
        "bend perturbs (docs/models.md, Writing a model)"
    )
