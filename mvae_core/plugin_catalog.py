"""What ``mvae plugins`` shows: every available plugin with its origin, hooks and settings, as plain dicts.

Listing **imports** every plugin (built-in and entry point), because its hooks and its ``Config`` model live in its
code; it never constructs a plugin and never calls a hook. A plugin that fails to import, or whose hooks do not
match the contract, is listed with its error instead of stopping the listing.

torch is imported only inside :func:`catalog` (through :mod:`mvae_core.plugins`), so importing this module is cheap.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import inspect
import sys
import types
import typing
from collections.abc import Sequence
from typing import Any

import annotated_types
import pluggy
from pydantic import BaseModel
from pydantic_core import PydanticUndefined, to_jsonable_python

from mvae_core.config import setting_key
from mvae_core.hookspecs import HOOKS


@dataclasses.dataclass(frozen=True)
class ListedAs:
    """``Annotated`` metadata giving the name a listing (``mvae plugins``, ``mvae models``, their ``--json``) shows
    for a setting's type where its Python type tells a user nothing: a field typed
    ``Annotated[dict[str, Any], ListedAs("schedule (mvae schedules)")]`` is listed with that ``type``, not as
    ``dict[str, Any]``. Validation ignores it (pydantic keeps metadata it does not know, unused), and a type
    checker reads the type it annotates. ``schedules.ScheduleTable`` is one."""

    name: str


def catalog() -> list[dict[str, Any]]:
    """One entry per available plugin (built-ins first, then entry points), see :func:`describe`."""
    from mvae_core.plugins import available_plugins

    return [describe(info) for info in available_plugins().values()]  # each imported printing to stderr


def printing_to_stderr() -> contextlib.AbstractContextManager[Any]:
    """While a package is imported (a plugin's, :meth:`~mvae_core.plugins.PluginInfo.imported`; a model's; a
    schedule's, for a listing): what its code prints goes to stderr, so that stdout holds what the command prints
    alone (``--json`` stays parseable)."""
    return contextlib.redirect_stdout(sys.stderr)


def describe(info: Any) -> dict[str, Any]:
    """``name``, ``version``, ``origin``, ``description``, ``hooks``, ``config`` (fields: :func:`config_fields`, with
    :func:`with_resume_marks`) and ``error`` (or None).

    ``info`` is a :class:`mvae_core.plugins.PluginInfo`. Its factory (class or module) is imported, inspected and
    checked against the hook contract the way ``mvae train`` checks it, without constructing it.
    """
    from mvae_core.host import PluginHost
    from mvae_core.plugins import PluginError, marked_settings

    entry: dict[str, Any] = {"name": info.name, "version": info.version, "origin": info.origin}
    entry |= {"description": "", "hooks": [], "config": [], "error": None}
    try:
        factory = info.imported()
    except PluginError as exc:
        entry["error"] = str(exc)
        return entry
    entry["description"] = description(factory)
    entry["hooks"] = hook_names(factory)
    try:
        model = info.config_model()
        entry["config"] = with_resume_marks(config_fields(model), marked_settings(model))
        info.factory()  # the start-up checks of `mvae train`: mvae's own of the hooks, then pluggy's
        PluginHost({info.name: factory}, origins={info.name: info.origin})
    except Exception as exc:
        entry["error"] = str(exc) if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
    return entry


def with_resume_marks(fields: list[dict[str, Any]], marked: list[str]) -> list[dict[str, Any]]:
    """``fields`` (:func:`config_fields`), where a resume takes an edit of a setting (``marked``: the keys marked
    ``MAY_CHANGE_ON_RESUME``, :func:`mvae_core.plugins.marked_settings`) with ``may_change_on_resume``: ``True`` for
    the setting itself, or the keys under it (``["every"]`` of a table ``log``) that are marked."""
    marks = []
    for field in fields:
        under = [key.removeprefix(field["name"] + ".") for key in marked if key.startswith(field["name"] + ".")]
        mark = True if field["name"] in marked else under
        marks.append(field | {"may_change_on_resume": mark} if mark else field)
    return marks


def hook_names(factory: Any) -> list[str]:
    """The hooks a plugin class or module implements: its attributes carrying pluggy's ``mvae_impl`` marker.

    Found statically (pluggy's own discovery, no instance is made); in contract order, unknown names last.
    """
    manager = pluggy.PluginManager("mvae")
    found = set()
    for attribute in dir(factory):
        opts = manager.parse_hookimpl_opts(factory, attribute)
        if opts is not None:
            found.add(opts.get("specname") or attribute)
    return [hook for hook in HOOKS if hook in found] + sorted(found - set(HOOKS))


def description(factory: Any) -> str:
    """First line of the plugin class's docstring, else of its module's docstring ("" when there is none), with
    reStructuredText's ````literal```` marks as single backticks, as ``mvae schedules`` shows a schedule's."""
    own = factory.__dict__.get("__doc__") if inspect.isclass(factory) else getattr(factory, "__doc__", None)
    module = inspect.getmodule(factory) if inspect.isclass(factory) else None
    for doc in (own, getattr(module, "__doc__", None)):
        lines = inspect.cleandoc(doc).splitlines() if isinstance(doc, str) else []
        if lines and lines[0].strip():
            return lines[0].strip().replace("``", "`")
    return ""


def config_fields(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Each field of a plugin's pydantic ``Config`` (a model's ``Settings``, a schedule's parameters): ``name``,
    ``type``, ``constraints`` (its bounds, e.g. ``["> 0", "<= 1"]``), ``default`` (JSON-able: as a run records it,
    after the model's validators, e.g. a schedule with every parameter), ``required``, ``description`` (first
    line)."""
    fields, validated = [], _validated_defaults(model)
    for name, field in model.model_fields.items():
        required = field.is_required()
        default = None if required else field.get_default(call_default_factory=True)
        fields.append(
            {
                "name": setting_key(model, name),
                "type": _listed_name(field.metadata) or _type_name(field.annotation),
                "constraints": _constraints(field.metadata),
                "default": validated.get(name, None if default is PydanticUndefined else _jsonable(default)),
                "required": required,
                "description": (field.description or "").strip().split("\n", 1)[0],
            }
        )
    return fields


_BOUNDS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "min_length": "len >=", "max_length": "len <="}


def _constraints(metadata: list[Any]) -> list[str]:
    """A field's bounds (``Field(gt=0, le=1)``, ``annotated_types``) as ``["> 0", "<= 1"]``."""
    found = []
    for item in metadata:
        if isinstance(item, annotated_types.BaseMetadata):
            for key, symbol in _BOUNDS.items():
                if getattr(item, key, None) is not None:
                    found.append(f"{symbol} {getattr(item, key)}")
    return found


def _validated_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The defaults as the model validates them (what ``config.toml`` records), or ``{}`` when it cannot be built
    without settings (a required field) or its validators refuse its own defaults."""
    try:
        return model().model_dump(mode="json")
    except Exception:
        return {}


def _listed_name(metadata: Sequence[Any]) -> str | None:
    """The name a :class:`ListedAs` among a type's ``Annotated`` metadata gives it (the last, as pydantic reads
    ``Annotated`` metadata in order), else None."""
    names = [item.name for item in metadata if isinstance(item, ListedAs)]
    return names[-1] if names else None


def _type_name(annotation: Any) -> str:
    """A setting's type as its listing shows it: the name a :class:`ListedAs` gives it, else names without their
    modules (``list[Path]``, not ``list[pathlib.Path]``), an optional one as ``X | None`` (also ``Optional[X]``),
    and an enum with the values a config gives it (``Mode ('fast', 'slow')``), which its name alone does not
    tell."""
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return f"{annotation.__name__} ({', '.join(repr(member.value) for member in annotation)})"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _listed_name(annotation.__metadata__) or _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(arg) for arg in args)
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(arg) for arg in args)}]"
    if origin is not None and args:
        name = getattr(origin, "__name__", None) or str(origin).replace("typing.", "")
        return f"{name}[{', '.join('...' if arg is Ellipsis else _type_name(arg) for arg in args)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _jsonable(value: Any) -> Any:
    try:
        return to_jsonable_python(value)
    except Exception:
        return repr(value)
