"""A model's settings class is ``Settings``; one named as plugins name theirs (``Config``) or like ``Settings`` in
another case or number is named in the error, so its section is not refused key by key with "valid here: (none)"."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from mvae_core.config import build_config
from mvae_core.models import ModelError, resolve_model
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _Width(BaseModel):
    width: int = 2


class _AsPluginsDo(SeedModel):
    Config = _Width


class _Singular(SeedModel):
    Setting = _Width


class _WithHelperSchema(SeedModel):  # a pydantic model of another name is the model's own business
    Preset = _Width


@pytest.mark.parametrize(("cls", "misnamed"), [(_AsPluginsDo, "Config"), (_Singular, "Setting")])
def test_a_settings_class_under_another_name_is_named_with_the_fix(monkeypatch, cls, misnamed):
    _installed(monkeypatch, "mine", cls)
    with pytest.raises(ModelError) as error:
        resolve_model(build_config(None, [*tiny("mine"), "model.mine.width=3"]))
    assert str(error.value) == (
        f"model 'mine' (package mvae-x) has a pydantic model {misnamed} but no Settings: a model's [model.<name>] "
        f"section is read by its Settings class (plugins call theirs Config); rename {misnamed} to Settings "
        "(docs/models.md, Writing a model)"
    )


def test_other_pydantic_class_attributes_are_left_alone(monkeypatch):
    _installed(monkeypatch, "mine", _WithHelperSchema)
    assert resolve_model(build_config(None, tiny("mine")))[0] is _WithHelperSchema
