"""The plugin manager: discovery, selection, config validation, start-up checks, attribution of errors."""

from __future__ import annotations

import importlib.metadata

import pytest
from pydantic import BaseModel, ConfigDict, Field

from mvae_core import hookimpl
from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugin_catalog import describe
from mvae_core.plugins import PluginError, PluginInfo, available_plugins, resolve_enabled


class Halving:
    """A configurable test plugin."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        factor: float = Field(0.5, gt=0)

    def __init__(self, config: Config) -> None:
        self.config = config

    @hookimpl
    def mvae_loss_weights(self, epoch):
        return {"kl": self.config.factor}


def _available(**plugins) -> dict[str, PluginInfo]:
    return {
        name: PluginInfo(name, origin, "1.0", lambda factory=factory: factory)
        for name, (factory, origin) in plugins.items()
    }


AVAILABLE = _available(halving=(Halving, "built-in"), extra=(Halving, "package mvae-extra"))


def test_all_enables_every_builtin_but_no_third_party_plugin():
    assert resolve_enabled(["all"], AVAILABLE) == ["halving"]
    assert resolve_enabled(["none"], AVAILABLE) == []
    assert resolve_enabled(["extra", "halving", "extra"], AVAILABLE) == ["extra", "halving"]


def test_unknown_plugin_name_suggests_the_closest():
    with pytest.raises(
        ConfigError,
        match=r"unknown plugin 'halvng'; did you mean 'halving'\? Available: extra, halving \(and all, none\)\.",
    ):
        resolve_enabled(["halvng"], AVAILABLE)
    with pytest.raises(ConfigError, match=r"unknown plugin 'al'; did you mean 'all'\?"):
        resolve_enabled(["al"], AVAILABLE)


def test_plugin_config_sections_are_validated_by_the_plugin():
    host = PluginHost.from_config(PluginsConfig(enabled=["halving"], halving={"factor": 0.25}), AVAILABLE)
    assert host.names == ["halving"]
    assert host.resolved().model_dump() == {"enabled": ["halving"], "halving": {"factor": 0.25}}
    with pytest.raises(ConfigError, match=r"plugins\.halving\.factor = -1"):
        PluginHost.from_config(PluginsConfig(enabled=["halving"], halving={"factor": -1}), AVAILABLE)
    with pytest.raises(ConfigError, match=r"plugins\.halving\.facter"):
        PluginHost.from_config(PluginsConfig(enabled=["halving"], halving={"facter": 1}), AVAILABLE)
    with pytest.raises(ConfigError, match=r"plugins\.nothere: there is no plugin named 'nothere'"):
        PluginHost.from_config(PluginsConfig(enabled=[], nothere={"a": 1}), AVAILABLE)
    with pytest.raises(
        ConfigError, match=r"plugins\.enable: there is no plugin named 'enable' to configure; did you mean 'enabled'\?"
    ):
        PluginHost.from_config(PluginsConfig(enabled=[], enable=["halving"]), AVAILABLE)
    with pytest.raises(ConfigError) as raised:
        PluginHost.from_config(PluginsConfig(enabled=["halving"], halving=3), AVAILABLE)  # it named pydantic's inside
    table = "plugins.halving = 3: a plugin's settings are a table ([plugins.halving] in a config file, or"
    assert str(raised.value) == f"{table} overrides={{'plugins.halving.KEY': VALUE}})"
    assert raised.value.command_line_message() == f"{table} --set plugins.halving.KEY=VALUE)"


def test_only_enabled_plugins_are_registered():
    host = PluginHost.from_config(PluginsConfig(enabled=["none"]), AVAILABLE)
    assert host.names == []


def test_a_hook_with_an_unknown_argument_is_rejected_at_start_up():
    class BadArgument:
        @hookimpl
        def mvae_epoch_end(self, epoch, metrix):
            return None

    with pytest.raises(PluginError, match=r"plugin 'bad_argument' has an invalid hook.*metrix"):
        PluginHost({"bad_argument": BadArgument()})


def test_a_misspelt_hook_is_rejected_at_start_up():
    class Misspelt:
        @hookimpl
        def mvae_epoch_ends(self, epoch):
            return None

    with pytest.raises(PluginError, match=r"plugin 'misspelt' has an invalid hook: mvae_epoch_ends is not a hook of "
                                          r"mvae; did you mean 'mvae_epoch_end'\?"):  # fmt: skip
        PluginHost({"misspelt": Misspelt()})


def test_a_marked_method_not_named_like_a_hook_is_rejected_at_start_up():
    class Renamed:
        @hookimpl
        def on_epoch_end(self, epoch):
            return None

    with pytest.raises(PluginError, match=r"plugin 'renamed' has an invalid hook: on_epoch_end is not a hook of "
                                          r"mvae; did you mean 'mvae_epoch_end'\? \(docs/hooks\.md\)$"):  # fmt: skip
        PluginHost({"renamed": Renamed()})


class Unmarked:
    """A hook method without @hookimpl: pluggy ignores it, so the plugin would silently do nothing."""

    def mvae_epoch_end(self, trainer):
        trainer.record("seen", 1)


class MisspeltHook:
    @hookimpl
    def mvae_epoch_ends(self, trainer):
        return None


class MisspeltArgument:
    @hookimpl
    def mvae_step_end(self, trainer, loss):
        return None


class Starred:
    @hookimpl
    def mvae_epoch_end(self, **kwargs):
        kwargs["trainer"].record("seen", 1)  # a KeyError at run time: pluggy passes named arguments only


class Fine:
    """Every way a hook may legitimately be written, and a helper that only shares the prefix."""

    @staticmethod
    @hookimpl
    def mvae_ramp_end():
        return None

    @classmethod
    @hookimpl
    def mvae_loss_weights(cls, epoch):
        return None

    @hookimpl(specname="mvae_step_end")
    def log_step(self, losses, grad_norm=None):
        return None

    @hookimpl(wrapper=True)
    def mvae_epoch_end(self, trainer):
        return (yield)

    def mvae_helper(self, anything):
        return anything


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (Unmarked, "mvae_epoch_end is not marked @hookimpl, so mvae would never call it; decorate it with "
                   "mvae_core.hookimpl (from mvae_core import hookimpl; docs/hooks.md)"),
        (MisspeltHook, "mvae_epoch_ends is not a hook of mvae; did you mean 'mvae_epoch_end'? (docs/hooks.md)"),
        (Starred, "mvae_epoch_end(**kwargs): pluggy passes a hook only the arguments it names, so **kwargs stays "
                  "empty; name those you use, from trainer, epoch, metrics (docs/hooks.md)"),
        (MisspeltArgument, "mvae_step_end(trainer, loss): mvae_step_end has no argument 'loss'; did you mean "
                           "'losses'? Its arguments are trainer, epoch, step, losses, grad_norm; take any of them, by name"),
    ],
)  # fmt: skip
def test_a_hook_mistake_of_an_installed_plugin_names_its_package_and_the_fix(factory, message):
    # before, the unmarked hook was silently never called, and pluggy's messages gave no suggestion
    available = _available(mine=(factory, "package mvae-mine"))
    expected = f"plugin 'mine' (package mvae-mine) has an invalid hook: {message}"
    with pytest.raises(PluginError) as error:
        PluginHost.from_config(PluginsConfig(enabled=["mine"]), available)
    assert str(error.value).startswith(expected)
    assert describe(available["mine"])["error"].startswith(expected)  # `mvae plugins` lists it with the same error


def test_hooks_written_as_static_class_renamed_or_wrapper_methods_pass_the_start_up_check():
    host = PluginHost.from_config(PluginsConfig(enabled=["fine"]), _available(fine=(Fine, "package mvae-fine")))
    assert host.names == ["fine"]


def test_a_plugin_that_fails_to_import_is_named():
    def explode():
        raise ImportError("No module named 'numpy_is_missing'")

    broken = {"broken": PluginInfo("broken", "package mvae-broken", "0.1", explode)}
    with pytest.raises(PluginError, match=r"plugin 'broken' \(package mvae-broken\) failed to import"):
        PluginHost.from_config(PluginsConfig(enabled=["broken"]), broken)


class _DictConfig:
    Config = dict  # not a pydantic model

    @hookimpl
    def mvae_epoch_end(self):
        return None


def test_a_plugin_whose_config_is_not_a_pydantic_model_is_named_at_start_up_and_in_the_listing():
    from mvae_core.plugin_catalog import describe

    info = PluginInfo("dict_config", "package mvae-dict", "0.1", lambda: _DictConfig)
    message = r"plugin 'dict_config' \(package mvae-dict\) has Config = <class 'dict'>; it must be a pydantic BaseModel"
    with pytest.raises(PluginError, match=message):  # was an AttributeError traceback from mvae train
        PluginHost.from_config(PluginsConfig(enabled=["dict_config"]), {"dict_config": info})
    assert describe(info)["error"].startswith("plugin 'dict_config' (package mvae-dict) has Config = ")


class _FakeDist:
    name = "mvae-third-party"
    version = "2.0"


class _FakeEntryPoint:
    def __init__(self, name):
        self.name, self.dist = name, _FakeDist()

    def load(self):
        return Halving


def test_entry_point_plugins_are_discovered(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [_FakeEntryPoint("third")])
    found = available_plugins()
    assert found["third"].origin == "package mvae-third-party"
    assert found["third"].version == "2.0"
    host = PluginHost.from_config(PluginsConfig(enabled=["third"], third={"factor": 0.1}), found)
    assert host.versions == {"third": "2.0"}


@pytest.mark.parametrize(
    ("clash", "message"),
    [
        ("kl_anneal", "plugin 'kl_anneal' from package mvae-third-party has the name of a built-in plugin; "
                      "uninstall the package "),  # mvae's own is no package to uninstall
        ("third", "plugin 'third' from package mvae-third-party has the name of a plugin from package "
                  "mvae-third-party; uninstall one of the packages "),
    ],
)  # fmt: skip
def test_a_name_registered_twice_says_which_packages_and_what_to_do(monkeypatch, clash, message):
    # before: "... has the name of a package mvae-x plugin; rename its entry point", which only the author can do
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [_FakeEntryPoint("third"), _FakeEntryPoint(clash)]
    )
    with pytest.raises(PluginError) as error:
        available_plugins()
    assert str(error.value) == message + "(pip uninstall mvae-third-party) or rename its entry point"


def test_loss_multipliers_combine_across_plugins():
    host = PluginHost.from_config(
        PluginsConfig(enabled=["halving", "extra"], halving={"factor": 0.5}, extra={"factor": 0.2}), AVAILABLE
    )
    multipliers = host.epoch_multipliers(view=None, epoch=0)
    assert multipliers.values["kl"] == pytest.approx(0.1)
    assert sorted(multipliers.sources["kl"]) == [["extra", "mvae_loss_weights"], ["halving", "mvae_loss_weights"]]


def test_a_module_plugin_without_config_is_accepted():
    import types

    module = types.ModuleType("module_plugin")
    module.mvae_loss_weights = hookimpl(lambda epoch: {"onset": 2.0})
    host = PluginHost.from_config(PluginsConfig(enabled=["mod"]), _available(mod=(module, "package m")))
    assert host.epoch_multipliers(view=None, epoch=0).values == {"onset": 2.0}
    with pytest.raises(ConfigError, match=r"plugins\.mod\.x"):
        PluginHost.from_config(PluginsConfig(enabled=["mod"], mod={"x": 1}), _available(mod=(module, "package m")))


def test_the_section_of_a_built_in_plugin_that_is_not_enabled_is_validated_too():
    with pytest.raises(
        ConfigError, match=r"plugins\.halving\.facter = 1: unknown setting; did you mean plugins\.halving\.factor\?"
    ):
        PluginHost.from_config(PluginsConfig(enabled=["extra"], halving={"facter": 1}), AVAILABLE)
    with pytest.raises(ConfigError, match=r"plugins\.halving\.factor = -1"):
        PluginHost.from_config(PluginsConfig(enabled=["none"], halving={"factor": -1}), AVAILABLE)
    host = PluginHost.from_config(PluginsConfig(enabled=["none"], halving={"factor": 0.25}), AVAILABLE)
    assert host.names == [] and host.resolved().model_dump() == {"enabled": []}  # checked, not used


def test_a_setting_that_is_not_a_finite_number_is_refused_in_a_plugin_section():
    with pytest.raises(ConfigError, match=r"^plugins\.halving\.factor = inf: must be a finite number"):
        PluginHost.from_config(PluginsConfig(enabled=["halving"], halving={"factor": "inf"}), AVAILABLE)


class Impostor:
    """Not the registered ``halving``, whose name it is given."""

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        pass


@pytest.mark.parametrize(("name", "origin"), [("halving", "built-in"), ("extra", "package mvae-extra")])
def test_a_plugin_object_may_not_take_the_name_of_another_registered_plugin(name, origin):
    with pytest.raises(
        PluginError,
        match=rf"plugin '{name}' from object tests.test_plugins:Impostor has the name of a {origin} plugin; give the "
        r"object another name with a \(name, object\) pair",
    ):
        PluginHost.from_config(PluginsConfig(enabled=[name]), AVAILABLE, objects={name: Impostor()})


def test_a_registered_plugin_built_in_python_runs_under_its_own_name():
    """An installed plugin's own object (e.g. with settings chosen in Python) is that plugin, not a clash."""
    own = Halving(Halving.Config(factor=0.25))
    host = PluginHost.from_config(PluginsConfig(enabled=["extra"]), AVAILABLE, objects={"extra": own})
    assert host.names == ["extra"] and host.pm.get_plugin("extra") is own


@pytest.mark.parametrize("name", ["kl_anneal", "ts_ramp", "lr_step_decay"])
def test_mvae_plugins_lists_each_default_as_a_run_records_it(name):
    # before, a schedule's default was listed as written in the Config ({name, start, end, epochs}), without the
    # parameters that validation fills in and config.toml records (delay = 0)
    listed = {field["name"]: field["default"] for field in describe(available_plugins()[name])["config"]}
    recorded = PluginHost.from_config(PluginsConfig(enabled=[name])).configs[name].model_dump(mode="json")
    assert listed == recorded


class Lenient:
    """A Config that leaves pydantic's ``extra`` unset (its default ignores unknown keys)."""

    class Config(BaseModel):
        weight: float = Field(0.1, ge=0)

    def __init__(self, config) -> None:
        self.config = config

    @hookimpl
    def mvae_epoch_end(self):
        return None


class Open(Lenient):
    class Config(BaseModel):
        model_config = ConfigDict(extra="allow")  # the author's own choice: any key is welcome
        weight: float = 0.1


def test_a_misspelt_setting_is_an_error_even_when_the_plugins_config_does_not_forbid_extra_keys():
    # before, {"wieght": 2} was dropped in silence: the run used weight 0.1, and config.toml did not show the typo
    available = _available(lenient=(Lenient, "package mvae-lenient"), open=(Open, "package mvae-open"))
    with pytest.raises(ConfigError, match=r"^plugins\.lenient\.wieght = 2: unknown setting; did you mean "):
        PluginHost.from_config(PluginsConfig(enabled=["lenient"], lenient={"wieght": 2}), available)
    host = PluginHost.from_config(PluginsConfig(enabled=["lenient"], lenient={"weight": 2}), available)
    assert host.configs["lenient"].weight == 2.0 and type(host.configs["lenient"]) is Lenient.Config
    host = PluginHost.from_config(PluginsConfig(enabled=["open"], open={"color": "red"}), available)
    assert host.configs["open"].model_extra == {"color": "red"}


class Deaf:
    """A Config with settings, and an __init__ that takes none: mvae constructs it as Deaf()."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        factor: float = 0.5

    def __init__(self) -> None:
        self.factor = 0.5

    @hookimpl
    def mvae_loss_weights(self):
        return {"kl": self.factor}


def test_a_config_whose_settings_could_never_reach_the_plugin_is_an_error():
    # before, --set plugins.deaf.factor=0.1 was validated and written to config.toml, and the run used 0.5
    available = _available(deaf=(Deaf, "package mvae-deaf"))
    message = (
        "plugin 'deaf' (package mvae-deaf) has a Config with settings, but its __init__ takes no argument, so they "
        "would never reach it; define __init__(self, config) (docs/plugins.md)"
    )
    with pytest.raises(PluginError) as error:
        PluginHost.from_config(PluginsConfig(enabled=["deaf"], deaf={"factor": 0.1}), available)
    assert str(error.value) == message
    assert describe(available["deaf"])["error"] == message
