"""registry.validate_settings walks a package's settings for dropped keys; a model whose own before-validator
rewrites its input (a plugin migrating an old nested key) is the author's to judge, not a typo."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, model_validator

from mvae_core.errors import ConfigError
from mvae_core.registry import validate_settings


class Band(BaseModel):
    width: int = 1


class Migrating(BaseModel):
    """Version 2 of a plugin's settings: version 1 wrote ``band.w``, which the validator renames to ``band.width``."""

    band: Band = Band()

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data):
        if isinstance(data, dict) and isinstance(data.get("band"), dict) and "w" in data["band"]:
            band = dict(data["band"])
            band["width"] = band.pop("w")
            data = {**data, "band": band}
        return data


def test_a_nested_key_that_the_models_own_before_validator_renames_is_taken():
    # before: 'model.x.band.w = 3: unknown setting; valid here: width', for a setting the model takes
    assert validate_settings(Migrating, {"band": {"w": 3}}, "model.x.").band.width == 3


def test_the_top_keys_of_such_a_model_are_still_checked():
    with pytest.raises(ConfigError, match=r"model\.x\.bnad"):
        validate_settings(Migrating, {"bnad": {"width": 3}}, "model.x.")
