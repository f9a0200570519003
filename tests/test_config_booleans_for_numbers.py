"""A boolean where a number belongs is a config error naming the field: pydantic reads ``true`` as 1, so
``--set train.lr=true`` trained at a learning rate of 1 and ``data.transpositions=[5, true]`` shifted by a semitone."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from mvae_core.config import build_config, validate_section
from mvae_core.errors import ConfigError


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("train.lr=true", "train.lr = True"),
        ("train.batch_size=false", "train.batch_size = False"),
        ("data.transpositions=[5, true]", "data.transpositions[1] = True"),
    ],
)
def test_a_boolean_for_a_core_number_names_the_field(override: str, field: str) -> None:
    with pytest.raises(ConfigError, match=rf"^{re.escape(field)}: must be a number, not true or false$"):
        build_config(overrides=[override])


def test_numbers_and_real_booleans_are_still_taken() -> None:
    config = build_config(overrides=["train.lr=0.01", "data.transpositions=[5, 7]"])
    assert config.train.lr == 0.01 and config.data.transpositions == [5, 7]


class Inner(BaseModel):
    gain: float | None = None


class PluginSettings(BaseModel):
    enabled: bool = True
    steps: list[int] = [1]
    inner: Inner = Inner()


def test_a_sections_own_model_is_checked_the_same_way_nested_fields_included() -> None:
    assert validate_section(PluginSettings, {"enabled": False, "steps": [2]}, "plugins.mine.").enabled is False
    with pytest.raises(ConfigError, match=r"^plugins\.mine\.inner\.gain = True: must be a number"):
        validate_section(PluginSettings, {"inner": {"gain": True}}, "plugins.mine.")
