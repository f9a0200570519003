"""A plugin object handed to ``mvae_core.train`` may not take a name that no installed plugin may take: ``all`` or
``none`` (a resume from the command line would read them as words of ``plugins.enabled``), ``torch`` (it overwrote
the torch version in ``[provenance.versions]``), a dotted name (``plugins.a.b.x`` is ambiguous), ``enabled``, or a
name with spaces around it (it was reported as an unknown plugin)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError


class Probe:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        trainer.record("x", 1)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("all", "'all' in plugins.enabled means every built-in plugin"),
        ("none", "'none' in plugins.enabled means no plugin"),
        ("torch", "'torch' is a key of a run's [provenance.versions] beside the plugins' own versions"),
        ("a.b", "a dot separates the parts of a config key"),
        ("enabled", "[plugins] enabled is the list of plugins to enable"),
        (" probe", "plugin names are separated by commas and stripped of spaces"),
    ],
)
def test_a_plugin_object_under_a_name_no_plugin_may_have_is_refused(name, reason):
    with pytest.raises(PluginError) as error:
        PluginHost.from_config(PluginsConfig(enabled=[name]), objects={name: Probe()})
    message = str(error.value)
    assert message.startswith(f"plugin object {name!r} cannot run under that name: {reason}")
    assert message.endswith("give it another name with a (name, object) pair")


def test_train_refuses_it_before_writing_anything(synth_dir: Path, tmp_path: Path):
    out = tmp_path / "run"
    with pytest.raises(PluginError, match=r"^plugin object 'torch' cannot run under that name"):
        mvae_core.train([synth_dir], out, epochs=1, plugins=[("torch", Probe())], progress=False)
    assert not out.exists() or not any(out.iterdir())


def test_a_plugin_object_under_an_ordinary_name_runs():
    host = PluginHost.from_config(PluginsConfig(enabled=["probe"]), objects={"probe": Probe()})
    assert host.names == ["probe"]
