"""The ``[plugins.<name>]`` section of an installed third-party plugin that is not enabled is validated, as a built-in
plugin's is (and so is the ``[model.<name>]`` section of a third-party model that is not used): a config keeps the
settings of plugins that ``--plugins`` leaves out (an ablation leaves each out in turn), and a typo there used to
wait, unnoticed, for the run that enables the plugin. Without a section, a plugin that is not enabled is still not
imported."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from mvae_core import hookimpl
from mvae_core.config import ConfigError, PluginsConfig, build_config
from mvae_core.models import ModelError, ModelInfo, available_models, resolve_model
from mvae_core.models.seed import SeedModel
from mvae_core.plugins import PluginError, PluginInfo, validated_sections
from tests.training import TINY

IMPORTS: list[str] = []


class Floor:
    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        nats: float = 0.5

    def __init__(self, config) -> None:
        self.config = config

    @hookimpl
    def mvae_epoch_end(self):
        return None


def _load():
    IMPORTS.append("floor")
    return Floor


def _broken():
    raise ImportError("No module named 'numpy_is_missing'")


AVAILABLE = {
    "floor": PluginInfo("floor", "package mvae-floor", "1.0", _load),
    "broken": PluginInfo("broken", "package mvae-broken", "1.0", _broken),
}


def test_a_typo_in_the_section_of_a_third_party_plugin_that_is_not_enabled_is_an_error():
    # before: accepted, and the typo surfaced only in the run that enabled the plugin
    with pytest.raises(ConfigError, match=r"^plugins\.floor\.nast = 1: unknown setting; did you mean plugins\.floor"
                                          r"\.nats\?$"):  # fmt: skip
        validated_sections(PluginsConfig(enabled=["all"], floor={"nast": 1}), AVAILABLE)
    with pytest.raises(ConfigError, match=r"^plugins\.floor\.nats = 'x': Input should be a valid number"):
        validated_sections(PluginsConfig(enabled=["none"], floor={"nats": "x"}), AVAILABLE)


def test_a_valid_section_of_a_plugin_that_is_not_enabled_leaves_it_out_of_the_run():
    configs = validated_sections(PluginsConfig(enabled=["none"], floor={"nats": 1.0}), AVAILABLE)
    assert configs == {}


def test_a_plugin_without_a_section_is_not_imported_unless_enabled():
    IMPORTS.clear()
    assert validated_sections(PluginsConfig(enabled=["none"]), AVAILABLE) == {}
    assert IMPORTS == []
    validated_sections(PluginsConfig(enabled=["none"], floor={}), AVAILABLE)
    assert IMPORTS == ["floor"]


def test_the_section_of_a_plugin_that_fails_to_import_names_the_plugin_and_its_package():
    with pytest.raises(PluginError) as error:
        validated_sections(PluginsConfig(enabled=["none"], broken={"x": 1}), AVAILABLE)
    line = _broken.__code__.co_firstlineno + 1  # where the stand-in for the package's import fails
    assert str(error.value) == (
        f"plugin 'broken' (package mvae-broken) failed to import: No module named 'numpy_is_missing' (at {__file__}:"
        f"{line}); its [plugins.broken] section is checked although the plugin is not enabled: remove the section to "
        "train without it"
    )


def test_the_section_of_a_third_party_model_that_is_not_used_is_validated_too(monkeypatch):
    class Wide(SeedModel):
        class Settings(BaseModel):
            width: int = 2

    registry = {**available_models(), "wide": ModelInfo("wide", "package mvae-wide", "0.1", lambda: Wide)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)
    with pytest.raises(ConfigError, match=r"^model\.wide\.widht = 3: unknown setting; did you mean model\.wide\.width"):
        resolve_model(build_config(None, [*TINY, "model.wide.widht=3"]))  # melody_rnn is used; before: accepted
    resolve_model(build_config(None, [*TINY, "model.wide.width=3"]))


def test_a_broken_third_party_model_imported_only_for_its_section_says_so(monkeypatch):
    def broken():
        raise ImportError("No module named 'numpy_is_missing'")

    registry = {**available_models(), "wide": ModelInfo("wide", "package mvae-wide", "0.1", broken)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)
    with pytest.raises(ModelError) as error:
        resolve_model(build_config(None, [*TINY, "model.wide.width=3"]))
    line = broken.__code__.co_firstlineno + 1  # where the stand-in for the package's import fails
    assert str(error.value) == (
        f"model 'wide' (package mvae-wide) failed to import: No module named 'numpy_is_missing' (at {__file__}:{line}); "
        "its [model.wide] section is checked although model.name is 'melody_rnn': remove the section to train "
        "without it"
    )
