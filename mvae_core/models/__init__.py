"""The model registry: ``[model] name`` picks an architecture, built-in or from an installed package.

Built-ins are listed in :data:`BUILTIN_MODELS` (``{name: "module:Class"}``); other packages add theirs through the
``mvae.models`` entry-point group (a name may not shadow a built-in). A model is a subclass of
:class:`~mvae_core.models.base.MelodyModel`; its own settings are the ``[model.<name>]`` section of the config,
validated by its ``Settings`` model. ``mvae models`` lists them (docs/models.md). What mvae checks of a model's
class and of what its methods return is :mod:`mvae_core.models.contract` (re-exported here).
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from mvae_core.config import ConfigError, ModelConfig, MvaeConfig
from mvae_core.models.contract import (
    NOTE_RULE,
    ModelContractError,
    ModelError,
    check_added_terms,
    check_cells,
    check_decoder_modules,
    check_notes,
    check_player,
    check_reconstruction_options,
    check_terms,
    contract_problems,
    model_code,
)
from mvae_core.registry import Registered, discover, dotted_name, import_failure, package_of, validate_settings
from mvae_core.suggest import closest

if TYPE_CHECKING:  # not at run time: models.base imports torch, and `mvae models` lists without it
    from mvae_core.models.base import MelodyModel

__all__ = [
    "BUILTIN_MODELS",
    "ENTRY_POINT_GROUP",
    "NOTE_RULE",
    "VERSION_KEY_PREFIX",
    "ModelContractError",
    "ModelError",
    "ModelInfo",
    "available_models",
    "build_model",
    "check_added_terms",
    "check_cells",
    "check_decoder_modules",
    "check_notes",
    "check_player",
    "check_reconstruction_options",
    "check_terms",
    "installed_model_version",
    "model_code",
    "model_packages",
    "model_versions",
    "resolve_model",
    "unusable_name",
]

ENTRY_POINT_GROUP = "mvae.models"

BUILTIN_MODELS: dict[str, str] = {
    "melody_rnn": "mvae_core.models.melody_rnn:MelodyRNN",
    "seed": "mvae_core.models.seed:SeedModel",
}


@dataclass(frozen=True)
class ModelInfo(Registered):
    """A registered model (:class:`~mvae_core.registry.Registered`); ``load`` returns its class."""

    def imported(self) -> Any:
        """What the entry point names, imported (``load``): what the package's code prints meanwhile goes to stderr
        (:func:`~mvae_core.plugin_catalog.printing_to_stderr`), so that a command's ``--json`` on stdout stays
        parseable (``mvae encode --json`` of a run of the model, ``mvae models --json``)."""
        from mvae_core.plugin_catalog import printing_to_stderr

        with printing_to_stderr():
            return self.load()

    def model_class(self) -> type[MelodyModel]:
        """The class (:meth:`imported`), checked to be a concrete :class:`~mvae_core.models.base.MelodyModel` with
        the class attributes of the contract (docs/models.md, "Writing a model"); a :class:`ModelError` naming the
        model and what it lacks otherwise."""
        from mvae_core.models.base import MelodyModel

        try:
            cls = self.imported()
        except Exception as exc:
            raise ModelError(import_failure(f"model {self.name!r} ({self.origin})", exc)) from exc
        if not (isinstance(cls, type) and issubclass(cls, MelodyModel)):
            raise ModelContractError(
                f"model {self.name!r} ({self.origin}) is not a mvae_core.models.base.MelodyModel subclass: "
                f"{_what_it_names(self, cls)}"
            )
        if problems := contract_problems(cls):
            raise ModelContractError(
                f"model {self.name!r} ({self.origin}) {'; '.join(problems)} (docs/models.md, Writing a model)"
            )
        return cls


def _what_it_names(info: ModelInfo, found: Any) -> str:
    """What the entry point of the model ``info`` names instead of a model class (``found``), and what it must name:
    ``the entry point names mvae_lite_mlp:factory, a function; it must name the model's class``."""
    names = "it is" if info.origin == "built-in" else "the entry point names"
    if isinstance(found, type):
        return f"{names} {found.__module__}:{found.__qualname__}, a class that does not subclass it"
    if isinstance(found, types.ModuleType):
        named = f"{found.__name__}, a module"
    elif callable(found) and hasattr(found, "__qualname__"):
        named = f"{found.__module__}:{found.__qualname__}, a function"
    else:
        named = f"a value of type {type(found).__name__}"
    return f"{names} {named}; it must name the model's class"


def available_models() -> dict[str, ModelInfo]:
    """Built-ins plus every ``mvae.models`` entry point, by name (a third-party name may not shadow a built-in, nor
    be a key of ``[model]``: :func:`unusable_name`)."""
    return discover("model", BUILTIN_MODELS, ENTRY_POINT_GROUP, ModelInfo, ModelError, unusable_name)


def unusable_name(name: str) -> str | None:
    """Why a model could not be configured under ``name``, or None: a key of ``[model]`` (``hidden``, ``name``, …)
    cannot also be the model's ``[model.<name>]`` settings table, a name with a dot could not be told apart from
    the setting after it (``--set model.<name>.<setting>=…``, the ``[model.<name>]`` that ``mvae models`` names), and
    another character than a TOML bare key's (a space, say) needs quotes there that ``--set`` does not read."""
    if name in ModelConfig.model_fields:
        return f"model.{name} is a setting of [model], so it cannot be the model's [model.{name}] settings table"
    if (dotted := dotted_name("model", "model", name)) is not None:
        return dotted
    if not BARE_KEY.fullmatch(name):
        return (
            "a model's name is a key of the config ([model.<name>], --set model.<name>.<setting>=…), so it has only "
            "letters, digits, _ and -"
        )
    return None


BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
"""A TOML bare key: what a model's name may be (:func:`unusable_name`)."""


def resolve_model(config: MvaeConfig) -> tuple[type[MelodyModel], BaseModel]:
    """The class of ``[model] name`` and its validated ``[model.<name>]`` settings, after the model's own check of
    the rest of the config (:meth:`~mvae_core.models.base.MelodyModel.check_config`). An unknown name, a section for
    an unknown model or a bad setting is a :class:`ConfigError` naming the field (and the closest valid name).

    The section of a model that is not ``name`` is validated too (it is not used, but a typo in it is an error), a
    third-party model's as well: its package is imported for that, as it is for a config that uses the model."""
    cfg = config.model
    available = available_models()
    for name in [cfg.name, *cfg.sections]:
        if name not in available:
            where = "model.name" if name == cfg.name else f"model.{name}"
            # a typo, or a model of a package not installed here (a run's config.toml names it): say both
            match = closest(name, available)
            hint = (
                f"; did you mean {match!r}? If {name!r} is a model of a package, install it (a run trained with it "
                "needs it)."
                if match
                else "; no installed package provides it (a run trained with it needs that package installed)."
            )
            raise ConfigError(
                f"{where}: unknown model {name!r}{hint} Available: {', '.join(sorted(available))} (mvae models)."
            )
    for name, section in cfg.sections.items():
        if name != cfg.name:  # not used, but a typo in it is an error all the same
            try:
                unused = available[name].model_class()
            except ModelError as exc:  # say why a model nobody chose was imported
                raise type(exc)(
                    f"{exc}; its [model.{name}] section is checked although model.name is {cfg.name!r}: remove the "
                    "section to train without it"
                ) from exc
            validate_settings(unused.Settings, section, prefix=f"model.{name}.")
    cls = available[cfg.name].model_class()
    settings = validate_settings(cls.Settings, cfg.sections.get(cfg.name, {}), prefix=f"model.{cfg.name}.")
    with model_code(cfg.name, "check_config"):
        cls.check_config(config)
    return cls, settings


VERSION_KEY_PREFIX = "model."
"""``[provenance.versions]`` keys a model's package as ``model.<name>`` (plugins by their names, mvae as ``mvae``)."""


def model_versions(config: MvaeConfig) -> dict[str, str]:
    """What ``[provenance.versions]`` records of the model: ``{"model.<name>": version}`` for a model from a
    package (its distribution's version), nothing for a built-in (mvae's own version covers it)."""
    info = available_models()[config.model.name]
    return {} if info.origin == "built-in" else {VERSION_KEY_PREFIX + info.name: info.version}


def model_packages(config: MvaeConfig) -> dict[str, str]:
    """What ``[provenance.packages]`` records of the model: ``{"model.<name>": distribution}`` for a model from a
    package (what to ``pip install`` to load the run elsewhere), nothing for a built-in."""
    package = package_of(available_models()[config.model.name].origin)
    return {VERSION_KEY_PREFIX + config.model.name: package} if package else {}


def installed_model_version(name: str) -> dict[str, str | None]:
    """``{"model.<name>": version}``, keyed as :func:`model_versions` keys it, with the version of the model
    ``name`` installed here (None: no installed model has that name): what a run's recorded version is compared
    with."""
    info = available_models().get(name)
    return {VERSION_KEY_PREFIX + name: info.version if info else None}


def build_model(config: MvaeConfig) -> MelodyModel:
    """A new :class:`~mvae_core.models.base.MelodyModel` of ``[model] name`` for ``config`` (random weights,
    training mode). An exception of the model's ``__init__`` becomes a :class:`ModelError` naming the model, as do
    a ``decoder_modules`` entry that is none of its modules or parameters (``mvae bend`` would leave it alone), a
    ``check_options`` that refuses the deterministic decoding validation uses (:func:`check_reconstruction_options`)
    and an ``added_terms`` name no term may have (:func:`check_added_terms`): all before any data is read."""
    cls, settings = resolve_model(config)
    with model_code(config.model.name, "__init__"):
        model = cls(config.model, settings, config.data.pitch_classes)
    check_decoder_modules(config.model.name, model)
    check_reconstruction_options(config.model.name, model)
    with model_code(config.model.name, "added_terms"):
        added = model.added_terms()
    check_added_terms(config.model.name, added)
    return model
