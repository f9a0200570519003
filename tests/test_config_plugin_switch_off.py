"""``[plugins.kl_anneal] enabled = false``, as other tools switch plugins, said only "unknown setting; valid here:
per_step, schedule"; it now says that plugins are switched by ``[plugins] enabled`` (``--plugins``)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from mvae_core.config import ConfigError, PluginsConfig, build_config
from mvae_core.plugins import PluginInfo, available_plugins, validated_sections
from tests.test_config_nested_keys import Layered


@pytest.mark.parametrize(
    ("key", "value"), [("enabled", False), ("enable", False), ("disabled", True), ("disable", True)]
)
def test_a_switch_in_a_plugins_section_says_where_plugins_are_switched(key, value):
    # switching it on is told how to enable it: tests/test_config_plugin_switch_on.py
    with pytest.raises(ConfigError) as error:
        assignment = f"plugins.kl_anneal.{key}={str(value).lower()}"
        validated_sections(build_config(None, [assignment]).plugins, available_plugins())
    assert str(error.value) == (
        f"plugins.kl_anneal.{key} = {value}: a plugin is switched on and off by [plugins] enabled (--plugins), not in "
        "its own section; to leave it out, list the others ('all' is every built-in)"
    )


class Switchable(Layered):
    class Config(BaseModel):
        enabled: bool = True  # the plugin's own setting of that name is its own


def test_a_plugin_with_a_setting_of_that_name_keeps_it():
    available = {"sw": PluginInfo("sw", "package mvae-sw", "1.0", lambda: Switchable)}
    assert validated_sections(PluginsConfig(enabled=["sw"], sw={"enabled": False}), available)["sw"].enabled is False
