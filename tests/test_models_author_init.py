"""A model whose ``__init__`` builds a layer before calling ``super().__init__`` stopped with torch's "cannot assign
module before Module.__init__() call", which does not say whose ``__init__`` or what to call; the refusal now says."""

from __future__ import annotations

import pytest
from torch import nn

from mvae_core.config import build_config
from mvae_core.models import ModelError, build_model
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _LayerFirst(SeedModel):
    def __init__(self, cfg, settings, pitch_classes):
        self.body = nn.Linear(cfg.latent_dim, 8)  # before super().__init__: no Module yet
        super().__init__(cfg, settings, pitch_classes)


class _FailsInside(SeedModel):
    def __init__(self, cfg, settings, pitch_classes):
        super().__init__(cfg, settings, pitch_classes)
        raise AttributeError("no attribute 'width'")


def test_a_layer_built_before_super_init_says_to_call_it_first(monkeypatch):
    _installed(monkeypatch, "layer_first", _LayerFirst)
    with pytest.raises(ModelError) as error:
        build_model(build_config(None, tiny("layer_first")))
    assert str(error.value).startswith(
        "model 'layer_first' (package mvae-x) failed to start: AttributeError: cannot assign module before "
        "Module.__init__() call (at "
    )
    assert str(error.value).endswith(
        "; call super().__init__(cfg, settings, pitch_classes) first: it makes the model a torch Module and builds the "
        "shared encoder (docs/models.md, Writing a model)"
    )


def test_another_attribute_error_of_init_gets_no_such_advice(monkeypatch):
    _installed(monkeypatch, "fails_inside", _FailsInside)
    with pytest.raises(ModelError, match=r"failed to start: AttributeError: no attribute 'width' \(at [^;]*\)$"):
        build_model(build_config(None, tiny("fails_inside")))


class _FloatWidth(SeedModel):
    def __init__(self, cfg, settings, pitch_classes):
        super().__init__(cfg, settings, pitch_classes)
        self.body = nn.Linear(cfg.latent_dim, cfg.latent_dim * 1.5)  # a float size: torch's TypeError, an "argument"


def test_a_type_error_inside_init_is_not_blamed_on_how_mvae_calls_it(monkeypatch):
    """torch's "empty(): argument 'size' … must be tuple of ints" got "mvae builds it as cls(cfg, settings,
    pitch_classes)", sending the author to a signature that was right; the advice is for the call itself failing
    (tests/test_models_init_before_data.py)."""
    _installed(monkeypatch, "float_width", _FloatWidth)
    with pytest.raises(ModelError) as error:
        build_model(build_config(None, tiny("float_width")))
    message = str(error.value)
    assert message.startswith("model 'float_width' (package mvae-x) failed to start: TypeError: "), message
    assert "argument" in message and "(at " in message and "mvae builds it as" not in message
