"""registry.validate_settings leaves a field alone whose own validator sees its raw input first, however the
validator is declared: ``@field_validator("*", mode="before")`` (every field) or ``Annotated[..., BeforeValidator]``
in the field's type. Such a validator may rename nested keys (a plugin migrating old settings); the walk that finds
dropped keys judged the raw input and refused a setting pydantic had taken."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, BeforeValidator, field_validator

from mvae_core.errors import ConfigError
from mvae_core.registry import validate_settings


class Band(BaseModel):
    width: int = 1


def _migrate(band: Any) -> Any:
    """Version 1 wrote ``w``; version 2 reads ``width``."""
    if isinstance(band, dict) and "w" in band:
        band = {**band, "width": band["w"]}
        del band["w"]
    return band


class AnnotatedField(BaseModel):
    band: Annotated[Band, BeforeValidator(_migrate)] = Band()
    other: Band = Band()


class EveryField(BaseModel):
    band: Band = Band()

    @field_validator("*", mode="before")
    @classmethod
    def _old_keys(cls, value: Any) -> Any:
        return _migrate(value)


@pytest.mark.parametrize("model", [AnnotatedField, EveryField], ids=["annotated", "star"])
def test_a_nested_key_that_the_fields_own_validator_renames_is_taken(model):
    # before: 'plugins.x.band.w = 3: unknown setting; did you mean plugins.x.band.width?'
    assert validate_settings(model, {"band": {"w": 3}}, "plugins.x.").band.width == 3


def test_a_typo_in_a_field_without_such_a_validator_is_still_named():
    with pytest.raises(ConfigError, match=r"plugins\.x\.other\.widht = 3: unknown setting; did you mean"):
        validate_settings(AnnotatedField, {"band": {"w": 3}, "other": {"widht": 3}}, "plugins.x.")
