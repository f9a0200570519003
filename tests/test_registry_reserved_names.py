"""An installed package whose entry point takes a name the config could never use (a plugin called ``all``, ``none``
or ``enabled``, a model called ``hidden``) is refused when mvae looks for plugins or models, naming the package and
why, as a name two packages register is. Before, such a plugin was listed but could never be enabled (``all``,
``none``), or crashed the run's config (``enabled``), and such a model's settings overwrote a ``[model]`` setting in
``config.toml``."""

from __future__ import annotations

import importlib.metadata

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.models import ModelError, available_models
from mvae_core.models.seed import SeedModel
from mvae_core.plugins import PluginError, available_plugins
from tests.test_plugins import Halving


class _Dist:
    name = "mvae-odd"
    version = "1.0"


class _EntryPoint:
    def __init__(self, name: str, target: object) -> None:
        self.name, self.dist, self.target = name, _Dist(), target

    def load(self) -> object:
        return self.target


def _installed(monkeypatch, group: str, name: str, target: object) -> None:
    entry = _EntryPoint(name, target)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [entry] if group == wanted else [])
    wanted = group


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("all", "'all' in plugins.enabled means every built-in plugin"),
        ("none", "'none' in plugins.enabled means no plugin"),
        ("enabled", "[plugins] enabled is the list of plugins to enable, so it cannot be a plugin's section"),
        ("a,b", "plugin names are separated by commas and stripped of spaces (--plugins a,b)"),
        (" pad", "plugin names are separated by commas and stripped of spaces (--plugins a,b)"),
        ("my.pad", "a dot separates the parts of a config key (plugins.<name>.<setting>), so a plugin's name has none"),
        ("torch", "'torch' is a key of a run's [provenance.versions] beside the plugins' own versions"),
        ("mvae", "'mvae' is a key of a run's [provenance.versions] beside the plugins' own versions"),
        ("core", "'core' is the source of mvae's own events in metrics.jsonl (its warnings and stops)"),
    ],
)
def test_a_plugin_whose_name_could_never_be_enabled_is_refused_naming_its_package(monkeypatch, name, reason):
    _installed(monkeypatch, "mvae.plugins", name, Halving)
    with pytest.raises(PluginError) as error:
        available_plugins()
    assert str(error.value) == (
        f"plugin {name!r} from package mvae-odd has a name mvae cannot use: {reason}; uninstall the package (pip "
        "uninstall mvae-odd) or rename its entry point"
    )


def test_mvae_plugins_and_train_exit_2_naming_the_package(monkeypatch, tmp_path):
    _installed(monkeypatch, "mvae.plugins", "all", Halving)
    runner = CliRunner()
    for args in (["plugins"], ["train", str(tmp_path), "--epochs", "1", "--out", str(tmp_path / "run")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "plugin 'all' from package mvae-odd has a name mvae cannot use" in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["hidden", "name", "sections"])
def test_a_model_named_like_a_model_setting_is_refused_naming_its_package(monkeypatch, name):
    _installed(monkeypatch, "mvae.models", name, SeedModel)
    with pytest.raises(ModelError) as error:
        available_models()
    assert str(error.value) == (
        f"model {name!r} from package mvae-odd has a name mvae cannot use: model.{name} is a setting of [model], so "
        f"it cannot be the model's [model.{name}] settings table; uninstall the package (pip uninstall mvae-odd) or "
        "rename its entry point"
    )


def test_ordinary_names_are_still_registered(monkeypatch):
    _installed(monkeypatch, "mvae.plugins", "halving_x", Halving)
    assert available_plugins()["halving_x"].origin == "package mvae-odd"
    _installed(monkeypatch, "mvae.models", "wide_x", SeedModel)
    assert available_models()["wide_x"].origin == "package mvae-odd"
