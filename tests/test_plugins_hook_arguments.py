"""Hook mistakes that pluggy passes over in silence: an argument that only a default fills, a keyword-only one, and
a hook marked by another project's ``HookimplMarker``. Each is refused at start-up, naming the plugin and the fix."""

from __future__ import annotations

import pluggy
import pytest

from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugin_catalog import describe
from mvae_core.plugins import PluginError, PluginInfo, check_hooks

other_hookimpl = pluggy.HookimplMarker("mvea")  # a typo in the project's name: pluggy calls nothing marked so


class MisspeltWithDefault:
    @hookimpl
    def mvae_epoch_end(self, trainer, metrix=None):  # before: metrix was None in every epoch, and nothing said why
        return None


class KeywordOnly:
    @hookimpl
    def mvae_step_end(self, *, losses):  # before: TypeError in the first step, after the data was read
        return None


class OtherProject:
    @other_hookimpl
    def mvae_epoch_end(self, trainer):
        return None


class Defaults:
    """Arguments of the hook with defaults are fine: mvae passes them."""

    @hookimpl
    def mvae_step_end(self, losses, grad_norm=None):
        return None


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (MisspeltWithDefault, "mvae_epoch_end(trainer, metrix=…): mvae_epoch_end has no argument 'metrix' (a default "
                              "does not make mvae pass it); did you mean 'metrics'? Its arguments are trainer, epoch, "
                              "metrics; take any of them, by name"),
        (KeywordOnly, "mvae_step_end(losses): pluggy never passes a keyword-only argument such as 'losses'; write it "
                      "before any * (docs/hooks.md)"),
        (OtherProject, "mvae_epoch_end is marked by pluggy.HookimplMarker('mvea'), not mvae's @hookimpl, so mvae would "
                       "never call it; decorate it with mvae_core.hookimpl (from mvae_core import hookimpl; "
                       "docs/hooks.md)"),
    ],
)  # fmt: skip
def test_a_hook_whose_argument_would_never_be_passed_is_refused_naming_the_plugin(factory, message):
    available = {"mine": PluginInfo("mine", "package mvae-mine", "1.0", lambda: factory)}
    expected = f"plugin 'mine' (package mvae-mine) has an invalid hook: {message}"
    with pytest.raises(PluginError) as error:
        PluginHost.from_config(PluginsConfig(enabled=["mine"]), available)
    assert str(error.value) == expected
    assert describe(available["mine"])["error"] == expected  # `mvae plugins` lists it with the same error
    with pytest.raises(PluginError, match="has an invalid hook"):  # a plugin object handed to mvae_core.train
        check_hooks(factory(), "plugin 'mine'")


def test_hook_arguments_with_defaults_are_passed_and_accepted():
    available = {"fine": PluginInfo("fine", "package mvae-fine", "1.0", lambda: Defaults)}
    host = PluginHost.from_config(PluginsConfig(enabled=["fine"]), available)
    check_hooks(Defaults(), "plugin 'fine'")
    assert host.names == ["fine"]
