"""A typo anywhere inside a package's settings is an error naming its dotted path, not a key dropped in silence:
nested pydantic models of a model's ``Settings`` or a plugin's ``Config`` (also in lists, dicts and optional
fields) leave pydantic's ``extra`` unset as often as the top-level one does."""

from __future__ import annotations

import pytest
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from mvae_core import hookimpl
from mvae_core.config import ConfigError, PluginsConfig, build_config
from mvae_core.host import PluginHost
from mvae_core.models import ModelInfo, available_models, resolve_model
from mvae_core.models.seed import SeedModel
from mvae_core.plugins import PluginInfo
from tests.training import TINY


class Band(BaseModel):  # extra left unset, as most authors leave it
    width: int = 2
    gain: float = 1.0


class Nested(SeedModel):
    class Settings(BaseModel):
        band: Band = Band()
        bands: list[Band] = []
        named: dict[str, Band] = {}
        maybe: Band | None = None


def _resolve(monkeypatch, *overrides: str):
    registry = {**available_models(), "nested": ModelInfo("nested", "package mvae-x", "0.1", lambda: Nested)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)
    return resolve_model(build_config(None, [*TINY, 'model.name="nested"', *overrides]))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("model.nested.band.widht=3", "model.nested.band.widht = 3: unknown setting; did you mean "
                                      "model.nested.band.width?"),
        ("model.nested.bands=[{width = 1}, {gian = 2.0}]", "model.nested.bands[1].gian = 2.0: unknown setting; did "
                                                           "you mean model.nested.bands[1].gain?"),
        ("model.nested.named={low = {widht = 1}}", "model.nested.named.low.widht = 1: unknown setting; did you mean "
                                                   "model.nested.named.low.width?"),
        ("model.nested.maybe={gain = 1.0, colour = 1}", "model.nested.maybe.colour = 1: unknown setting; valid here: "
                                                        "width, gain"),
        ("model.nested.band.sub={a = 1}", "model.nested.band.sub: unknown section; valid here: width, gain"),
    ],
)  # fmt: skip
def test_a_typo_inside_a_nested_model_of_a_package_models_settings_is_an_error(monkeypatch, override, message):
    # before: each of these trained with the default, and config.toml did not show the typo
    with pytest.raises(ConfigError) as error:
        _resolve(monkeypatch, override)
    assert str(error.value) == message


def test_valid_nested_settings_still_reach_the_model(monkeypatch):
    _, settings = _resolve(
        monkeypatch, "model.nested.band.width=5", "model.nested.bands=[{gain = 0.5}]", "model.nested.maybe={width = 4}"
    )
    assert settings.band.width == 5 and settings.bands[0].gain == 0.5 and settings.maybe.width == 4


class Layer(BaseModel):
    weight: float = Field(0.1, ge=0)


class Layered:
    class Config(BaseModel):
        layer: Layer = Layer()

    def __init__(self, config) -> None:
        self.config = config

    @hookimpl
    def mvae_epoch_end(self):
        return None


def _host(section: dict):
    available = {"layered": PluginInfo("layered", "package mvae-layered", "1.0", lambda: Layered)}
    return PluginHost.from_config(PluginsConfig(enabled=["layered"], layered=section), available)


def test_a_typo_inside_a_nested_model_of_a_plugins_config_is_an_error():
    with pytest.raises(ConfigError, match=r"^plugins\.layered\.layer\.wieght = 2: unknown setting; did you mean "
                                          r"plugins\.layered\.layer\.weight\?$"):  # fmt: skip
        _host({"layer": {"wieght": 2}})
    assert _host({"layer": {"weight": 2}}).configs["layered"].layer.weight == 2.0


class Aliased(BaseModel):
    colour: str = Field("red", alias="color")
    size: int = Field(1, validation_alias=AliasChoices("size", "sz"))


class Shorthand(BaseModel):
    """Takes ``{"w": 3}`` as ``{"width": 3}``: a before-validator that renames its input's keys itself."""

    width: int = 1

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value):
        return {"width": value.pop("w")} if isinstance(value, dict) and "w" in value else value


class Mixed(BaseModel):
    aliased: Aliased = Aliased()
    short: Shorthand = Shorthand()
    layer: Layer = Layer()
    open: dict = {}

    @field_validator("layer", mode="before")
    @classmethod
    def _number(cls, value):
        return {"weight": value} if isinstance(value, int | float) else value


class Mixing(Layered):
    Config = Mixed


def test_aliases_validators_that_rename_keys_and_authors_choices_are_respected():
    available = {"mixing": PluginInfo("mixing", "package mvae-mixing", "1.0", lambda: Mixing)}

    def config(section):
        return PluginHost.from_config(PluginsConfig(enabled=["mixing"], mixing=section), available).configs["mixing"]

    got = config({"aliased": {"color": "blue", "sz": 3}, "short": {"w": 4}, "layer": 0.5, "open": {"any": 1}})
    assert (got.aliased.colour, got.aliased.size, got.short.width, got.layer.weight) == ("blue", 3, 4, 0.5)
    with pytest.raises(ConfigError, match=r"^plugins\.mixing\.aliased\.colour = 'blue': unknown setting; did you "
                                          r"mean plugins\.mixing\.aliased\.color\?$"):  # fmt: skip
        config({"aliased": {"colour": "blue"}})  # the alias replaces the field's name as a key


class Forbidding(Layered):
    class Config(BaseModel):
        model_config = ConfigDict(extra="ignore")  # the author's own choice: unknown keys are dropped
        layer: Layer = Layer()


def test_a_model_that_chose_to_ignore_unknown_keys_keeps_its_choice_but_its_nested_models_are_checked():
    available = {"forbidding": PluginInfo("forbidding", "package mvae-f", "1.0", lambda: Forbidding)}
    host = PluginHost.from_config(PluginsConfig(enabled=["forbidding"], forbidding={"other": 1}), available)
    assert host.configs["forbidding"].layer.weight == 0.1
    with pytest.raises(ConfigError, match=r"^plugins\.forbidding\.layer\.wieght = 1: unknown setting"):
        PluginHost.from_config(PluginsConfig(enabled=["forbidding"], forbidding={"layer": {"wieght": 1}}), available)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")  # pydantic refuses the key itself; mvae names the closest one
    size: int = 3


class StrictAll(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Strict] = []
    by: dict[str, Strict] = {}
    maybe: Strict | None = None


class StrictPlugin(Layered):
    Config = StrictAll


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"items": [{"size": 1}, {"sizee": 2}]}, "plugins.strict.items[1].sizee = 2: unknown setting; did you mean "
                                                 "plugins.strict.items[1].size?"),
        ({"by": {"a": {"siz": 1}}}, "plugins.strict.by.a.siz = 1: unknown setting; did you mean "
                                    "plugins.strict.by.a.size?"),
        ({"maybe": {"sizze": 1}}, "plugins.strict.maybe.sizze = 1: unknown setting; did you mean "
                                  "plugins.strict.maybe.size?"),
    ],
)  # fmt: skip
def test_a_forbidden_key_in_a_list_dict_or_optional_section_names_the_closest_key(section, message):
    # before: "unknown setting; valid here: (none)", as if the section had no settings
    available = {"strict": PluginInfo("strict", "package mvae-strict", "1.0", lambda: StrictPlugin)}
    with pytest.raises(ConfigError) as error:
        PluginHost.from_config(PluginsConfig(enabled=["strict"], strict=section), available)
    assert str(error.value) == message


class ShorthandConfig(Layered):
    Config = Shorthand  # a before-validator renames "w" to "width"; extra left unset


def test_a_typo_beside_a_key_renaming_validator_is_still_an_error_at_the_top():
    # the top model is validated as a copy that forbids unknown keys, after its own validators
    available = {"short": PluginInfo("short", "package mvae-short", "1.0", lambda: ShorthandConfig)}

    def config(section):
        return PluginHost.from_config(PluginsConfig(enabled=["short"], short=section), available).configs["short"]

    assert config({"w": 3}).width == 3
    with pytest.raises(ConfigError, match=r"^plugins\.short\.widht = 3: unknown setting; did you mean "):
        config({"widht": 3})


def test_a_setting_for_a_model_without_settings_says_it_has_none():
    """``model.seed.widht = 3`` said ``valid here: (none)``; the seed model has no settings of its own."""
    with pytest.raises(ConfigError, match=r"^model\.seed\.widht = 3: unknown setting; model\.seed has no settings$"):
        resolve_model(build_config(None, ['model.name="seed"', "model.seed.widht=3"]))
