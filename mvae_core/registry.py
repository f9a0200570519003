"""Discovery shared by the plugin and model registries: built-ins named by import target, plus an entry-point group;
and the message of a registered package that fails to import (a plugin, a model or a schedule).

A third-party entry point may not take a name that is already registered (a built-in, or an earlier entry point):
that is an error naming both origins, raised before anything is imported.
"""

from __future__ import annotations

import copy
import importlib.metadata
import os
import pkgutil
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, RootModel, WrapValidator

from mvae_core.config import alias_keys, field_problem, unknown_key, validate_section
from mvae_core.errors import ConfigError
from mvae_core.suggest import did_you_mean
from mvae_core.version import VERSION


@dataclass(frozen=True)
class Registered:
    """One registered name: where it comes from and how to import it (nothing is imported until ``load()``)."""

    name: str
    origin: str  # "built-in" or "package <distribution>"
    version: str
    load: Callable[[], Any]


PACKAGE = "package "
"""How a :class:`Registered` origin names an installed distribution: ``package mvae-free-bits`` (else ``built-in``)."""


def package_of(origin: str) -> str | None:
    """The distribution a registered origin names (``package mvae-free-bits`` → ``mvae-free-bits``): what to ``pip
    install`` for it; None for a built-in (or a Python object's origin)."""
    return origin.removeprefix(PACKAGE) if origin.startswith(PACKAGE) else None


OWN_PACKAGES = ("mvae_core", "mvae_plugins", "schedules")
"""mvae's own top-level packages, beside this one: their frames are not a third-party package's line."""


def package_line(error: BaseException) -> str | None:
    """``file:line`` of the innermost frame of ``error``'s traceback that is neither Python's own library (the import
    machinery) nor mvae's (:data:`OWN_PACKAGES`): where a package's own code failed; None when no frame is."""
    import sysconfig
    import traceback
    from pathlib import Path

    root = Path(__file__).parents[1]
    skipped = (sysconfig.get_paths()["stdlib"], *(f"{root / package}{os.sep}" for package in OWN_PACKAGES))
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if not (frame.filename.startswith("<") or frame.filename.startswith(skipped)):
            return f"{frame.filename}:{frame.lineno}"
    return None


def import_failure(label: str, error: BaseException) -> str:
    """The message for a registered package that raised ``error`` on import: ``<label> failed to import: <error>``,
    then ``(at file:line)``, the :func:`package_line` where the package failed (a name error at its top, an import
    of a module not installed). No line when there is none (the entry point names a module that does not exist):
    then the entry point's likely mistake is named instead (``module.Class`` for ``module:Class``, or a module that is
    not installed)."""
    if (where := package_line(error)) is not None:
        return f"{label} failed to import: {error} (at {where})"
    if isinstance(error, AttributeError) and isinstance(module := error.obj, types.ModuleType) and error.name:
        # the entry point names what its module lacks
        public = [name for name in dir(module) if not name.startswith("_")]
        return (
            f"{label} failed to import: {error}: the entry point in the package's pyproject.toml "
            f"([project.entry-points]) names {module.__name__}:{error.name}{did_you_mean(error.name, public)}"
        )
    if isinstance(error, ModuleNotFoundError) and error.name:
        return f"{label} failed to import: {error}: {_missing_module(error.name)}"
    return f"{label} failed to import: {error}"


def _missing_module(name: str) -> str:
    """What an entry point naming the module ``name``, which is not there, got wrong: ``module.Class`` written for
    ``module:Class`` (its parent imported and is no package), or a module that is not installed."""
    names = f"the entry point in the package's pyproject.toml ([project.entry-points]) names {name}"
    parent, _, attribute = name.rpartition(".")
    if parent and (module := sys.modules.get(parent)) is not None and not hasattr(module, "__path__"):
        return f"{names}; write the module and what it holds with a colon: {parent}:{attribute}"
    return f"{names}, a module that is not installed: check its spelling, and that the package ships it"


R = TypeVar("R", bound=Registered)


def discover(
    kind: str,
    builtins: Mapping[str, str],
    group: str,
    entry: type[R],
    error: type[Exception],
    unusable: Callable[[str], str | None] = lambda name: None,
) -> dict[str, R]:
    """``builtins`` (``{name: "module:attribute"}``) and every entry point of ``group``, by name, as ``entry``
    records; raises ``error`` naming both origins and the fix when an entry point reuses a registered name, and
    naming the package and the reason when ``unusable(name)`` says why the config could never use an entry point's
    name (``kind`` names the thing in the message, e.g. "plugin")."""
    found = {
        name: entry(name, "built-in", VERSION, lambda target=target: pkgutil.resolve_name(target))
        for name, target in builtins.items()
    }
    for ep in importlib.metadata.entry_points(group=group):
        distribution = ep.dist.name if ep.dist else "unknown"
        if (reason := unusable(ep.name)) is not None:
            raise error(
                f"{kind} {ep.name!r} from package {distribution} has a name mvae cannot use: {reason}; uninstall "
                f"the package (pip uninstall {distribution}) or rename its entry point"
            )
        if ep.name in found:
            raise error(name_taken(kind, ep.name, distribution, found[ep.name].origin))
        found[ep.name] = entry(ep.name, PACKAGE + distribution, ep.dist.version if ep.dist else "unknown", ep.load)
    return found


def name_taken(kind: str, name: str, distribution: str, other: str) -> str:
    """The error for an entry point of the package ``distribution`` that registers a ``kind`` (``plugin``, ``model``,
    ``schedule``) under a ``name`` that ``other`` (an origin: ``built-in`` or ``package <distribution>``) has:
    both origins, and what a user can do about it (uninstall one of two packages; a built-in stays)."""
    said = f"{kind} {name!r} from package {distribution} has the name of"
    if other == "built-in":  # mvae's own: only the package can go
        return (
            f"{said} a built-in {kind}; uninstall the package (pip uninstall {distribution}) or rename its entry point"
        )
    return (
        f"{said} a {kind} from {other}; uninstall one of the packages (pip uninstall {distribution}) or rename its "
        "entry point"
    )


def dotted_name(kind: str, section: str, name: str) -> str | None:
    """Why ``name`` cannot be a ``kind``'s name when it is also the key of its ``[<section>.<name>]`` settings: a dot
    separates the parts of a config key, so ``--set <section>.a.b.<setting>=…`` could not tell the name from the
    setting after it; None for a name without a dot."""
    if "." not in name:
        return None
    return f"a dot separates the parts of a config key ({section}.<name>.<setting>), so a {kind}'s name has none"


def suggested_path_part(name: str) -> str | None:
    """What to name ``name`` instead where it is one part of a dotted path (``plugins.<plugin>.<key>``,
    ``val.<term>``, split at dots): without surrounding spaces, its dots made underscores; None when ``name`` is
    one already."""
    fitted = name.strip().replace(".", "_")
    return None if fitted == name else fitted


S = TypeVar("S", bound=BaseModel)


def validate_settings(model: type[S], section: Any, prefix: str) -> S:
    """A registered plugin's ``Config`` or model's ``Settings`` validating its section, the way mvae's own sections
    are validated (:func:`~mvae_core.config.validate_section`): an unknown key is a :class:`ConfigError` with the
    closest valid one, at any depth (``model.x.inner.sise``, ``plugins.y.bands[1].widht``), also where a pydantic
    model leaves ``extra`` unset, whose default would drop the key in silence (a typo then changed nothing, and
    ``config.toml`` did not show it). A model that sets ``extra`` itself keeps its choice. The top model is also
    validated as a copy that forbids unknown keys, which sees its keys after its own validators (one may rename
    them); nested models are checked by walking the input beside the result (:func:`_ignored_key`).

    An exception other than pydantic's (a validator's ``KeyError``, say: a bug of the package, since a model refuses
    a value with a ``ValueError``) is a :class:`ConfigError` naming the section and the package's line, not a
    traceback."""
    try:
        if model.model_config.get("extra") is None:
            strict = type(
                model.__name__, (model,), {"__module__": model.__module__, "model_config": ConfigDict(extra="forbid")}
            )
            validate_section(strict, copy.deepcopy(section), prefix)  # copies: a validator may change its input
        validated = validate_section(model, copy.deepcopy(section), prefix)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(_settings_code_failed(prefix, exc)) from exc
    if (ignored := _ignored_key(section, validated, prefix)) is not None:
        field, value, message = ignored
        raise ConfigError(field_problem(field, value, message))
    return validated


def _settings_code_failed(prefix: str, error: Exception) -> str:
    """The error for a section (``prefix``, e.g. ``plugins.x.``) whose settings' own code raised ``error``, which
    pydantic passes through (anything but a ``ValueError`` or an ``AssertionError``)."""
    from mvae_core.host import one_line

    where = package_line(error)
    return (
        f"{prefix.removesuffix('.')}: checking these settings raised {type(error).__name__}: {one_line(error)}"
        + (f" (at {where})" if where else "")
        + "; the code that defines them refuses a value with a ValueError, so this is a bug of its package: try "
        "other values, or leave the settings out for the defaults, and tell the package's authors"
    )


def _ignored_key(data: Any, value: Any, path: str) -> tuple[str, Any, str] | None:
    """The first key of the input ``data`` that validating it into ``value`` dropped, as ``(dotted field, its
    value, what is wrong)``; None if none was. ``data`` and ``value`` are walked together through models, lists and
    dicts (``path`` is the dotted path so far, ending in a dot). A model whose ``extra`` is unset drops unknown
    keys. A model with a ``before``/``wrap`` validator may rewrite its input itself (rename a key, nested ones
    too, as a validator migrating old settings does), so nothing in it is judged, nor is a field with such a
    validator walked; the top model's own keys are still checked by :func:`validate_settings`'s strict copy."""
    if isinstance(value, RootModel):
        return _ignored_key(data, value.root, path)
    if isinstance(value, BaseModel) and isinstance(data, dict):
        cls = type(value)
        if _rewrites_input(cls, None):  # its validator sees the raw input and may rewrite any of it, nested keys too
            return None
        keys = _input_keys(cls)
        if cls.model_config.get("extra") is None:
            for key, item in data.items():
                if key not in keys:
                    message = unknown_key(str(key), list(keys), path, isinstance(item, dict))
                    return f"{path}{key}", item, message
        walked = [(item, getattr(value, keys[key]), f"{path}{key}") for key, item in data.items()
                  if key in keys and not _rewrites_input(cls, keys[key])]  # fmt: skip
    elif isinstance(value, list | tuple) and isinstance(data, list | tuple) and len(value) == len(data):
        walked = [(item, value[i], f"{path.removesuffix('.')}[{i}]") for i, item in enumerate(data)]
    elif isinstance(value, dict) and isinstance(data, dict):
        walked = [(item, value[key], f"{path}{key}") for key, item in data.items() if key in value]
    else:
        return None
    return next((bad for item, got, where in walked if (bad := _ignored_key(item, got, f"{where}.")) is not None), None)


def _input_keys(cls: type[BaseModel]) -> dict[str, str]:
    """The keys an input of ``cls`` may use, each with its field's name: the field names (unless an alias replaces
    them) and the aliases a key can be (the ``validation_alias``, else the ``alias``)."""
    by_name = cls.model_config.get("populate_by_name") or cls.model_config.get("validate_by_name")
    keys: dict[str, str] = {}
    for name, field in cls.model_fields.items():
        aliases = alias_keys(field)
        if by_name or not aliases:
            keys[name] = name
        keys.update((alias, name) for alias in aliases if alias)
    return keys


def _rewrites_input(cls: type[BaseModel], field: str | None) -> bool:
    """Whether a ``before``, ``wrap`` or ``plain`` validator of ``cls`` sees the raw input first: of the model
    (``field`` None) or of the field ``field``, declared by ``@field_validator`` (naming the field, or ``"*"``: every
    field) or in the field's ``Annotated`` type (``BeforeValidator``, ``WrapValidator``, ``PlainValidator``)."""
    decorators = cls.__pydantic_decorators__
    if field is None:
        return any(d.info.mode in ("before", "wrap") for d in decorators.model_validators.values())
    declared = any(
        d.info.mode in ("before", "wrap", "plain") and (field in d.info.fields or "*" in d.info.fields)
        for d in decorators.field_validators.values()
    )
    annotated = (BeforeValidator, WrapValidator, PlainValidator)
    return declared or any(isinstance(rule, annotated) for rule in cls.model_fields[field].metadata)
