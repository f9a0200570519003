"""A setting refused for a value ``--set`` read as TOML names the fix: a bare number (a boolean, a date) given to a
string or path setting is its quoted form, and ``none`` given to an optional setting says how to unset it
(config.format_validation_error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from mvae_core.config import HOW_TO_UNSET, build_config, format_validation_error
from mvae_core.errors import ConfigError


class Config(BaseModel):
    """A plugin's settings of the kinds a user sets from the command line."""

    model_config = ConfigDict(extra="forbid")
    file: str = "steps.csv"
    folder: Path | None = None
    names: list[str] = []
    max_norm: float | None = None


def _refusal(section: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as refused:
        Config.model_validate(section)
    return format_validation_error(refused.value, "plugins.x.", Config)


def test_a_number_given_to_a_string_setting_names_the_quoted_form() -> None:
    fix = 'give it as a string, in quotes: --set \'plugins.x.file="1"\' (in a config file: file = "1")'
    assert _refusal({"file": 1}) == f"plugins.x.file = 1: Input should be a valid string; {fix}"
    assert _refusal({"file": True}).endswith('--set \'plugins.x.file="true"\' (in a config file: file = "true")')
    assert _refusal({"folder": 2026}) == (
        "plugins.x.folder = 2026: Input should be a path; give it as a string, in quotes: "
        '--set \'plugins.x.folder="2026"\' (in a config file: folder = "2026")'
    )
    assert (
        _refusal({"names": ["a", 7]})
        == 'plugins.x.names[1] = 7: Input should be a valid string; give it as a string, in quotes: "7"'
    )


@pytest.mark.parametrize(("override", "quoted"), [("model.name=1", '"1"'), ("model.name=2026-12-06", '"2026-12-06"')])
def test_a_core_string_setting_given_a_bare_number_names_the_quoted_form(override: str, quoted: str) -> None:
    with pytest.raises(ConfigError) as refused:
        build_config(None, [override])
    assert str(refused.value).endswith(f"--set 'model.name={quoted}' (in a config file: name = {quoted})")


@pytest.mark.parametrize("word", ["none", "null", "None", ""])
def test_none_given_to_an_optional_setting_says_how_to_unset_it(word: str) -> None:
    assert _refusal({"max_norm": word}).endswith(f"; {HOW_TO_UNSET}")
    with pytest.raises(ConfigError) as refused:
        build_config(None, [f"train.clip_grad_norm={word}"])
    assert str(refused.value).endswith(f"; {HOW_TO_UNSET}")


def test_none_keeps_its_meaning_where_it_is_a_value_and_is_not_advice_elsewhere() -> None:
    cfg = build_config(None, ["data.cache_dir=none", "plugins.enabled=none"])
    assert (cfg.data.cache_dir, cfg.plugins.enabled) == (Path("none"), ["none"])
    with pytest.raises(ConfigError) as refused:  # a setting that is not optional: no advice to leave it out
        build_config(None, ["train.lr=none"])
    assert HOW_TO_UNSET not in str(refused.value)
