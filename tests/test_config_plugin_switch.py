"""A plugin switched in its own section (``[plugins.<name>] enabled = ...``, as other tools switch plugins) is told
that plugins are switched by ``[plugins] enabled`` (``--plugins``), and how.

Switching it off said only "unknown setting; valid here: per_step, schedule"; it now says where plugins are
switched. Switching it on (``enabled = true``) is told how to enable it in [plugins] enabled: the list as it is,
with the plugin added; it was told 'to leave it out, list the others', the opposite of what was asked (a
third-party plugin, which 'all' does not enable, is where a user writes it). A plugin with a setting of that name
keeps it."""

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
    # switching it on is told how to enable it: the tests below
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


WHERE = "a plugin is switched on and off by [plugins] enabled (--plugins), not in its own section"


def _error(*assignments: str) -> str:
    with pytest.raises(ConfigError) as error:
        validated_sections(build_config(None, list(assignments)).plugins, available_plugins())
    return str(error.value)


@pytest.mark.parametrize("assignment", ["plugins.kl_anneal.enabled=true", "plugins.kl_anneal.disable=false"])
def test_switching_a_plugin_on_in_its_section_is_told_how_to_enable_it(assignment):
    key, value = assignment.split("=")
    assert _error("plugins.enabled=ts_ramp", assignment) == (
        f'{key} = {value.title()}: {WHERE}; to enable it, add it there (enabled = ["ts_ramp", "kl_anneal"], '
        "--plugins ts_ramp,kl_anneal)"
    )
    assert _error("plugins.enabled=none", assignment).endswith('(enabled = ["kl_anneal"], --plugins kl_anneal)')


def test_the_advice_enables_it():
    config = build_config(None, ['plugins.enabled=["ts_ramp", "kl_anneal"]', "plugins.kl_anneal.per_step=true"])
    assert set(validated_sections(config.plugins, available_plugins())) == {"ts_ramp", "kl_anneal"}


def test_a_plugin_already_enabled_is_said_to_be():
    assert (
        _error("plugins.kl_anneal.enabled=true")
        == f"plugins.kl_anneal.enabled = True: {WHERE}, where it is enabled already"
    )


def test_switching_it_off_is_told_to_leave_it_out():
    assert _error("plugins.kl_anneal.enabled=false").endswith(
        "to leave it out, list the others ('all' is every built-in)"
    )
