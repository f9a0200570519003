"""``mvae plugins`` / ``mvae models`` list a setting under the key a config writes: a ``Config`` field with an alias
(``colour`` written ``color``) was listed as ``colour``, which the config then refused as an unknown setting."""

from __future__ import annotations

import pytest
from pydantic import AliasChoices, BaseModel, Field

from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.plugin_catalog import config_fields
from mvae_core.plugins import PluginInfo, validated_sections
from tests.test_config_nested_keys import Layered


class Paint(BaseModel):
    colour: str = Field("red", alias="color", description="Which colour.")
    size: int = Field(1, validation_alias=AliasChoices("sz", "size"))
    plain: int = 2


class Painter(Layered):
    Config = Paint


def test_the_listing_names_each_setting_by_the_key_a_config_writes():
    rows = {row["name"]: row for row in config_fields(Paint)}
    assert list(rows) == ["color", "sz", "plain"]
    assert rows["color"]["default"] == "red" and rows["sz"]["default"] == 1 and rows["plain"]["default"] == 2
    available = {"painter": PluginInfo("painter", "package mvae-paint", "1.0", lambda: Painter)}
    section = {row["name"]: row["default"] for row in config_fields(Paint)}  # the listed keys, as a user copies them
    assert validated_sections(PluginsConfig(enabled=["painter"], painter=section), available)["painter"].size == 1
    with pytest.raises(ConfigError, match=r"did you mean plugins\.painter\.color\?"):
        validated_sections(PluginsConfig(enabled=["painter"], painter={"colour": "blue"}), available)
