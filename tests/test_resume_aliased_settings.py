"""A run whose config uses an aliased setting (a plugin's ``Config`` or a model's ``Settings`` field with a pydantic
alias: ``colour`` written ``color``) resumes: ``config.toml`` records each setting under the key a config writes.
Before, it recorded the field's name, which the resume's config check then refused as an unknown setting."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import AliasChoices, BaseModel, Field

import mvae_core
from mvae_core import hookimpl
from mvae_core.models import ModelInfo, available_models
from mvae_core.models.seed import SeedModel
from mvae_core.plugins import PluginInfo, available_plugins
from tests.training import TINY


class Brush(BaseModel):
    size: int = Field(1, validation_alias="sz")  # an input alias only: dumped by alias, the key is still "size"


class Painter:
    class Config(BaseModel):
        colour: str = Field("red", alias="color")
        width: int = Field(1, validation_alias=AliasChoices("w", "width"))
        brushes: list[Brush] = [Brush()]

    def __init__(self, config) -> None:
        self.config = config

    @hookimpl
    def mvae_epoch_end(self):
        return None


class Wide(SeedModel):
    name = "wide"

    class Settings(BaseModel):
        shade: str = Field("grey", alias="tint")


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = {**available_plugins(), "painter": PluginInfo("painter", "package mvae-paint", "1.0", lambda: Painter)}
    models = {**available_models(), "wide": ModelInfo("wide", "package mvae-wide", "0.1", lambda: Wide)}
    for module in ("mvae_core.run_plugins", "mvae_core.host", "mvae_core.plugins"):  # importers first
        monkeypatch.setattr(f"{module}.available_plugins", lambda: plugins, raising=False)
    monkeypatch.setattr("mvae_core.models.available_models", lambda: models)


def test_a_run_with_aliased_settings_resumes_with_them(registered, synth_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    overrides = [*TINY, 'model.name="wide"', 'model.wide.tint="blue"', 'plugins.painter.color="green"',
                 "plugins.painter.w=3", "plugins.painter.brushes=[{sz = 2}]"]  # fmt: skip
    mvae_core.train(synth_dir, out, overrides=overrides, plugins=["painter"], epochs=1, progress=False)
    written = tomllib.loads((out / "config.toml").read_text())
    painter = {"color": "green", "w": 3, "brushes": [{"sz": 2}]}
    assert written["plugins"]["painter"] == painter  # before: colour, width and size, refused when read again
    assert written["model"]["wide"] == {"tint": "blue"}  # before: {"shade": "blue"}
    result = mvae_core.train(out=out, resume=True, epochs=2, progress=False)  # before: ConfigError, unknown setting
    assert result.outcome == "trained" and result.epochs_run == 2
    written = tomllib.loads((out / "config.toml").read_text())
    assert written["plugins"]["painter"] == painter and written["model"]["wide"] == {"tint": "blue"}
