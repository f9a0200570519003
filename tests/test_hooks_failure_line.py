"""A plugin whose hook raises is named with the hook and the line of its own code where the error passed through
(``(at file:line)``): the command line shows no traceback, so this is all a plugin author gets to go on."""

from __future__ import annotations

import json

import pytest

from mvae_core import hookimpl
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError

LINES: dict[str, int] = {}


def here(name: str) -> None:
    import sys

    LINES[name] = sys._getframe(1).f_lineno + 1  # the line after the call


class Typo:
    @hookimpl
    def mvae_epoch_end(self, metrics):
        here("typo")
        return metrics["totl"]


class DeepInLibraries:
    @hookimpl
    def mvae_epoch_end(self, metrics):
        return self.parse()

    def parse(self):
        here("deep")
        return json.loads("{")  # raised in the standard library: the plugin's own line is this one


class Wrapper:
    @hookimpl(wrapper=True)
    def mvae_epoch_end(self):
        yield
        here("wrapper")
        raise KeyError("missing")


def end_epoch(plugin: object) -> None:
    PluginHost({"p": plugin}).hook.mvae_epoch_end(trainer=None, epoch=0, metrics={"total": 1.0})


@pytest.mark.parametrize(("plugin", "name", "error"), [
    (Typo(), "typo", "KeyError: 'totl'"),
    (DeepInLibraries(), "deep", "JSONDecodeError: Expecting property name enclosed in double quotes"),
    (Wrapper(), "wrapper", "KeyError: 'missing'"),
])  # fmt: skip
def test_a_failing_hook_names_the_plugins_line(plugin, name, error):
    with pytest.raises(PluginError) as failed:
        end_epoch(plugin)
    message = str(failed.value)
    assert message.startswith(f"plugin 'p' failed in mvae_epoch_end: {error}"), message
    assert message.endswith(f" (at {__file__}:{LINES[name]})"), message
