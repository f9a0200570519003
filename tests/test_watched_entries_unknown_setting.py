"""A plugin's ``mvae_watched_entries`` must name settings of its own section. A key the plugin does not have
(``monitr`` for ``monitor``) is the plugin's bug: it is a ``PluginError`` naming the plugin, the hook and the
plugin's settings. Before, the run was refused with ``plugins.<name>.monitr = …: val has no term …``, telling the
user to fix a setting that does not exist (and that ``--set`` would refuse). A list setting's items are named by
index (``keys.0``)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from mvae_core import hookimpl
from mvae_core.config import ConfigError, build_config
from mvae_core.plugins import PluginError
from mvae_core.run_plugins import checked_config


class Watcher:
    class Config(BaseModel):
        monitor: str = "val.kl"
        keys: list[str] = ["val.onset", "val.onzet"]

    def __init__(self, watched: dict[str, str]) -> None:
        self.config = self.Config()
        self.watched = watched

    @hookimpl
    def mvae_watched_entries(self) -> dict[str, str]:
        return self.watched


def _checked(watched: dict[str, str]) -> Any:
    return checked_config(build_config(None, ["plugins.enabled=['watcher']"]), {"watcher": Watcher(watched)})


def test_a_watched_setting_the_plugin_lacks_blames_the_plugin() -> None:
    with pytest.raises(PluginError) as refused:
        _checked({"monitr": "val.onzet"})
    assert str(refused.value) == (
        "plugin 'watcher': mvae_watched_entries names the setting 'monitr', which plugins.watcher does not have (its "
        "settings: monitor, keys); a key is a setting of the plugin's own section, dotted below it, and an item of "
        "a list setting is named by its index ('keys.0'; docs/hooks.md)"
    )


def test_settings_and_list_items_it_has_are_checked_as_entries() -> None:
    _checked({"monitor": "val.kl", "keys.0": "val.onset"})
    with pytest.raises(ConfigError, match=r"^plugins.watcher.keys.1 = 'val.onzet': val has no term 'onzet'"):
        _checked({"keys.1": "val.onzet"})
    with pytest.raises(PluginError, match=r"names the setting 'keys\.2'"):
        _checked({"keys.2": "val.onset"})


def test_an_object_without_a_settings_model_is_taken_at_its_word() -> None:
    """Its settings are attributes a config cannot hold, so the core has no section to check its keys against."""

    class Bare:
        @hookimpl
        def mvae_watched_entries(self) -> dict[str, str]:
            return {"monitor": "val.kl"}

    checked_config(build_config(None, ["plugins.enabled=['bare']"]), {"bare": Bare()})
