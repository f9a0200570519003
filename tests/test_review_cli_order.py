"""Plugins run, and speak, in the order ``plugins.enabled`` names them (pluggy alone calls the last registered first)."""

from __future__ import annotations

from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginInfo


def _recorder(calls: list[str]) -> type:
    class Recorder:
        """Appends its name to ``calls`` at the start of training."""

        def __init__(self) -> None:
            self.name = ""

        @hookimpl
        def mvae_train_start(self, trainer):
            calls.append(self.name)

    return Recorder


def test_start_up_hooks_run_in_the_order_the_plugins_are_enabled():
    calls: list[str] = []
    recorder = _recorder(calls)
    available = {name: PluginInfo(name, "built-in", "1.0", lambda: recorder) for name in ("a", "b", "c")}
    host = PluginHost.from_config(PluginsConfig(enabled=["b", "c", "a"]), available)
    for name, plugin in host.pm.list_name_plugin():
        plugin.name = name
    host.hook.mvae_train_start(trainer=None)
    assert calls == ["b", "c", "a"]
    assert host.names == ["b", "c", "a"]  # the order the run's start line lists them in
