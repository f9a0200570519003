"""A model's settings class is ``Settings``; one named as plugins name theirs (``Config``) or like ``Settings`` in
another case or number is named in the error, so its section is not refused key by key with "valid here: (none)"."""

from __future__ import annotations

import warnings

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

import mvae_core
from mvae_core.config import build_config
from mvae_core.models import BUILTIN_MODELS, ModelContractError, ModelError, available_models, resolve_model
from mvae_core.models.catalog import catalog
from mvae_core.models.contract import contract_problems
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny
from tests.training import TINY


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


class _BadDefault(SeedModel):
    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        width: int = Field(default="wide", ge=1)  # type: ignore[assignment]  # the package's bug
        depth: int  # required: the user's to give, no default to judge


def test_a_settings_default_its_type_refuses_is_the_packages_bug_not_the_users_setting(
    monkeypatch, synth_dir, tmp_path
):
    """It read ``error: model.mine.width = 'wide': Input should be a valid integer`` (the user never set width), after
    three blocks of pydantic's serializer warnings; ``mvae models`` listed the default without a word."""
    _installed(monkeypatch, "mine", _BadDefault)
    expected = (
        "model 'mine' (package mvae-x) has a Settings whose default width = 'wide' does not validate (Input should be "
        "a valid integer, unable to parse string as an integer): give width a default its type takes "
        "(docs/models.md, Writing a model)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no serializer warning on the way
        with pytest.raises(ModelContractError) as error:
            mvae_core.train([synth_dir], tmp_path / "run", overrides=[*TINY, 'model.name="mine"', "model.mine.depth=2"],
                            progress=False)  # fmt: skip
    assert str(error.value) == expected
    listed = next(entry for entry in catalog() if entry["name"] == "mine")
    assert listed["error"] == expected


class _GoodDefaults(SeedModel):
    class Settings(BaseModel):
        width: int = Field(default=4, ge=1)
        shape: tuple[int, ...] = (1, 2)


class _NeedsAKey(SeedModel):
    class Settings(BaseModel):
        width: int = 4

        @model_validator(mode="before")
        @classmethod
        def given(cls, data):
            if "width" not in data:  # a section must give it: the user's to answer, not a bad default
                raise ValueError("give width")
            return data


def test_defaults_that_validate_and_the_built_ins_pass():
    models = (_GoodDefaults, _NeedsAKey, _WithHelperSchema)
    for cls in (*models, *(available_models()[name].model_class() for name in BUILTIN_MODELS)):
        assert contract_problems(cls) == [], cls
