"""Plugin objects (``mvae_core.train(plugins=[obj])``) get the hook checks of installed plugins when the host is
built, before any data is read: a misspelt hook or argument names the closest one."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl, run_data, train
from mvae_core.config import PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError


class MisspeltHook:
    @hookimpl
    def mvae_step_ned(self, trainer, losses):
        pass


class MisspeltArgument:
    @hookimpl
    def mvae_step_end(self, trainer, loses):
        pass


def host_of(plugin: object) -> PluginHost:
    return PluginHost.from_config(PluginsConfig(enabled=["mine"]), available={}, objects={"mine": plugin})


def test_a_misspelt_hook_of_an_object_names_the_closest_hook():
    with pytest.raises(PluginError, match=r"plugin 'mine' has an invalid hook: mvae_step_ned is not a hook of mvae.*"
                                          r"mvae_step_end"):  # fmt: skip
        host_of(MisspeltHook())


def test_a_misspelt_argument_of_an_object_names_the_closest_argument():
    with pytest.raises(
        PluginError, match=r"plugin 'mine' has an invalid hook: mvae_step_end\(trainer, loses\).*losses"
    ):
        host_of(MisspeltArgument())


def test_train_refuses_it_before_reading_data(synth_dir, tmp_path, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("the data was read before the plugin was checked")

    monkeypatch.setattr(run_data, "load_dataset", no_reading)
    with pytest.raises(PluginError, match="mvae_step_ned is not a hook of mvae"):
        train(synth_dir, tmp_path / "run", plugins=[("mine", MisspeltHook())], epochs=1)
