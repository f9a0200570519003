"""Discovery shared by the plugin and model registries: built-ins named by import target, plus an entry-point group.

A third-party entry point may not take a name that is already registered (a built-in, or an earlier entry point):
that is an error naming both origins, raised before anything is imported.
"""

from __future__ import annotations

import importlib.metadata
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from mvae_core.config import validate_section
from mvae_core.version import VERSION


@dataclass(frozen=True)
class Registered:
    """One registered name: where it comes from and how to import it (nothing is imported until ``load()``)."""

    name: str
    origin: str  # "built-in" or "package <distribution>"
    version: str
    load: Callable[[], Any]


R = TypeVar("R", bound=Registered)


def discover(
    kind: str, builtins: Mapping[str, str], group: str, entry: type[R], error: type[Exception]
) -> dict[str, R]:
    """``builtins`` (``{name: "module:attribute"}``) and every entry point of ``group``, by name, as ``entry``
    records; raises ``error`` naming both origins and the fix when an entry point reuses a registered name
    (``kind`` names the thing in the message, e.g. "plugin")."""
    found = {
        name: entry(name, "built-in", VERSION, lambda target=target: pkgutil.resolve_name(target))
        for name, target in builtins.items()
    }
    for ep in importlib.metadata.entry_points(group=group):
        distribution = ep.dist.name if ep.dist else "unknown"
        if ep.name in found:
            raise error(name_taken(kind, ep.name, distribution, found[ep.name].origin))
        found[ep.name] = entry(ep.name, f"package {distribution}", ep.dist.version if ep.dist else "unknown", ep.load)
    return found


def name_taken(kind: str, name: str, distribution: str, other: str) -> str:
    """The error for an entry point of the package ``distribution`` that registers a ``kind`` (``plugin``, ``model``,
    ``schedule``) under a ``name`` that ``other`` (an origin: ``built-in`` or ``package <distribution>``) has:
    both origins, and what a user can do about it."""
    taken = f"a built-in {kind}" if other == "built-in" else f"a {kind} from {other}"
    return (
        f"{kind} {name!r} from package {distribution} has the name of {taken}; uninstall one of the packages (pip "
        f"uninstall {distribution}) or rename its entry point"
    )


S = TypeVar("S", bound=BaseModel)


def validate_settings(model: type[S], section: Any, prefix: str) -> S:
    """A registered plugin's ``Config`` or model's ``Settings`` validating its section, the way mvae's own sections
    are validated (:func:`~mvae_core.config.validate_section`): an unknown key is an error with the closest valid
    one, also when the model leaves pydantic's ``extra`` unset, whose default would drop the key in silence (a typo
    then changed nothing, and ``config.toml`` did not show it). A model that sets ``extra`` itself keeps its choice."""
    if model.model_config.get("extra") is None:
        strict = type(
            model.__name__, (model,), {"__module__": model.__module__, "model_config": ConfigDict(extra="forbid")}
        )
        validate_section(strict, section, prefix)
    return validate_section(model, section, prefix)
