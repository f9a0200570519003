"""``mvae_core.ablate(plugins=[obj])`` refuses a plugin object (each run trains in a process of its own); for an object
of a registered plugin's own class, the refusal spells out the ``overrides=`` that give that plugin, by name, the
object's settings (ablation.arguments.configurations)."""

from __future__ import annotations

import ast
import re

import pytest

import mvae_core
from mvae_core.ablation.arguments import assignments
from mvae_core.config import build_config
from mvae_core.errors import OptionError
from mvae_core.host import PluginHost
from mvae_plugins.early_stopping import EarlyStopping
from mvae_plugins.kl_anneal import KlAnneal


def _refusal(data, out, plugin) -> str:
    with pytest.raises(OptionError) as refused:
        mvae_core.ablate([data], plugins=["ts_ramp", plugin], out=out)
    assert not out.exists()
    return str(refused.value)


@pytest.mark.parametrize(
    ("name", "plugin"),
    [
        ("kl_anneal", KlAnneal(KlAnneal.Config(schedule={"name": "constant", "value": 0.5}))),  # another schedule
        ("early_stopping", EarlyStopping(EarlyStopping.Config(patience=3, monitor="val.kl"))),
    ],
)
def test_the_overrides_named_give_the_plugin_the_objects_settings(synth_dir, tmp_path, name, plugin) -> None:
    message = _refusal(synth_dir, tmp_path / "ablation", plugin)
    assert f"it is plugin {name!r}: give that name, its settings as overrides (overrides={{" in message
    overrides = ast.literal_eval(re.search(r"overrides=(\{.*?\}), the object's settings", message).group(1))
    assert all(key.startswith(f"plugins.{name}.") for key in overrides)
    host = PluginHost.from_config(build_config(None, assignments(overrides)).plugins)
    assert host.configs[name] == plugin.config


def test_an_object_with_the_default_settings_needs_only_the_name(synth_dir, tmp_path) -> None:
    message = _refusal(synth_dir, tmp_path / "ablation", KlAnneal())
    assert message.endswith(
        "give that name, its settings as overrides (none: the object has the plugin's default settings)"
    )
