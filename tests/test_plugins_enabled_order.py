"""The order plugins run in is the order ``plugins.enabled`` names them, ``all`` expanded where it stands, and the
run's ``config.toml`` records that order, so that its resume calls them in it again. ``all`` was expanded after the
names beside it (``all,extra`` ran ``extra`` first), and plugin objects were recorded last wherever they stood, so a
resumed run called its plugins in another order than the run it continues (a learning rate two plugins set, the
order of their messages)."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginInfo, available_plugins

BUILT_IN = [name for name, info in available_plugins().items() if info.origin == "built-in"]


class Quiet:
    @hookimpl
    def mvae_train_start(self, trainer):
        return None


def _available() -> dict[str, PluginInfo]:
    extra = {name: PluginInfo(name, f"package mvae-{name}", "1.0", lambda: Quiet) for name in ("extra", "other")}
    return {**available_plugins(), **extra}


@pytest.mark.parametrize(
    ("enabled", "order"),
    [
        (["all", "extra"], [*BUILT_IN, "extra"]),
        (["extra", "all", "other"], ["extra", *BUILT_IN, "other"]),
        (["all", "obj"], [*BUILT_IN, "obj"]),
        (["extra", "obj", "other"], ["extra", "obj", "other"]),
        (["obj", "all"], ["obj", *BUILT_IN]),
    ],
)
def test_plugins_run_where_plugins_enabled_names_them_and_a_resume_keeps_that_order(enabled, order):
    objects = {"obj": Quiet()} if "obj" in enabled else {}
    host = PluginHost.from_config(PluginsConfig(enabled=enabled), _available(), objects=objects)
    assert host.names == order
    recorded = host.resolved()  # what config.toml keeps, and a resume reads back
    assert recorded.enabled == order
    resumed = PluginHost.from_config(recorded, _available(), objects={"obj": Quiet()} if objects else {})
    assert resumed.names == order
