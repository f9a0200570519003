"""A plugin's ``Config`` (or a model's ``Settings``) whose own validator raises something pydantic passes through (a
``KeyError``, a ``TypeError``) is an error naming the section and the package's line: ``mvae train --set
plugins.x.size=2`` ended in a Python traceback (exit 1) that named no plugin."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, field_validator

from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.errors import ConfigError
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginInfo
from mvae_core.registry import validate_settings

SIZES = {1: "small", 3: "large"}


class Sized:
    """A plugin whose Config looks its setting up in a table, with a KeyError for any other value."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        size: int = 3

        @field_validator("size")
        @classmethod
        def _known(cls, value: int) -> int:
            SIZES[value]  # the bug: a KeyError, where a ValueError would name the setting
            return value

    def __init__(self, config: Config) -> None:
        self.config = config

    @hookimpl
    def mvae_train_start(self) -> None: ...


def test_a_settings_validator_that_raises_a_key_error_names_the_section_and_the_line():
    registered = {"sized": PluginInfo("sized", "package mvae-sized", "0.1.0", lambda: Sized)}
    with pytest.raises(ConfigError) as raised:
        PluginHost.from_config(PluginsConfig(enabled=["sized"], sized={"size": 2}), registered)
    message = str(raised.value)
    assert message.startswith("plugins.sized: checking these settings raised KeyError: 2 (at ")
    assert f"{__file__}:" in message and "bug of its package" in message


def test_the_same_holds_for_a_models_settings_and_good_values_still_pass():
    with pytest.raises(ConfigError, match=r"^model\.my_model: checking these settings raised KeyError: 5"):
        validate_settings(Sized.Config, {"size": 5}, prefix="model.my_model.")
    assert validate_settings(Sized.Config, {"size": 1}, prefix="plugins.sized.").size == 1
    with pytest.raises(ConfigError, match=r"plugins\.sized\.size = 'x': Input should be a valid integer"):
        validate_settings(Sized.Config, {"size": "x"}, prefix="plugins.sized.")
