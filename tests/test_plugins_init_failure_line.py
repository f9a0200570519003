"""A plugin whose __init__ raised was named without the line of its code ("failed to start: KeyError: 3"), where a
hook that raises, an import failure and a model's __init__ give it (from the plugin author's review)."""

from __future__ import annotations

import inspect

import pytest

from mvae_core import hookimpl
from mvae_core.host import construct
from mvae_core.plugins import NoConfig, PluginError, PluginInfo


class BrokenInit:
    def __init__(self, config) -> None:
        sizes = {}
        self.size = sizes[3]

    @hookimpl
    def mvae_train_start(self):
        return None


def test_a_plugin_that_fails_to_start_names_its_own_line():
    line = inspect.getsourcelines(BrokenInit.__init__)[1] + 2
    info = PluginInfo("broken_init", "package mvae-x", "1.0", lambda: BrokenInit)
    with pytest.raises(PluginError) as failed:
        construct(info, NoConfig())
    assert str(failed.value) == (
        f"plugin 'broken_init' (package mvae-x) failed to start: KeyError: 3 (at {__file__}:{line})"
    )
