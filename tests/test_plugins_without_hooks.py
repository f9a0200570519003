"""A plugin with no hook at all (an entry point naming a function instead of the class, a plugin object whose
methods are not marked) would run and do nothing; it is refused at start-up, naming the plugin and the fix."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugin_catalog import describe
from mvae_core.plugins import PluginError, PluginInfo


def make_plugin():
    """What an entry point ``module:make_plugin`` names: a function, not the plugin."""
    return Fine()


class Unmarked:
    def step_end(self, losses):  # no hook name, no marker
        return None


class Fine:
    @hookimpl
    def mvae_step_end(self, losses):
        return None


@pytest.mark.parametrize(
    ("factory", "what"),
    [(make_plugin, "function make_plugin"), (Unmarked, "class Unmarked")],
    ids=["function", "class"],
)
def test_an_installed_plugin_without_a_hook_is_refused_and_listed_with_the_error(factory, what):
    available = {"mine": PluginInfo("mine", "package mvae-mine", "1.0", lambda: factory)}
    expected = (
        f"plugin 'mine' (package mvae-mine) implements no hook of mvae: nothing in its {what} is marked @hookimpl, so "
        "mvae would never call it; mark its hooks with mvae_core.hookimpl, and point an entry point at the plugin "
        "class (module:Class) or module (docs/hooks.md)"
    )
    with pytest.raises(PluginError) as error:  # before: it trained, and nothing said that it never ran
        PluginHost.from_config(PluginsConfig(enabled=["mine"]), available)
    assert str(error.value) == expected
    assert describe(available["mine"])["error"] == expected


def test_a_plugin_object_without_a_hook_is_refused():
    with pytest.raises(PluginError, match=r"^plugin 'unmarked' implements no hook of mvae: nothing in its object "):
        PluginHost.from_config(PluginsConfig(enabled=["unmarked"]), objects={"unmarked": Unmarked()})


def test_a_plugin_with_a_hook_passes():
    available = {"fine": PluginInfo("fine", "package mvae-fine", "1.0", lambda: Fine)}
    assert PluginHost.from_config(PluginsConfig(enabled=["fine"]), available).names == ["fine"]
