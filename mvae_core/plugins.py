"""The plugin manager: find plugins, enable exactly the selected ones, validate them, call hooks per plugin.

A plugin is a class (built-in, listed in :data:`mvae_plugins.BUILTIN_PLUGINS`, or from another package through
the ``mvae.plugins`` entry-point group) with hook methods marked ``@hookimpl`` and optionally a pydantic
``Config`` model (its ``[plugins.<name>]`` section). It is constructed as ``Plugin(config)``. A module with
hook functions is accepted too (no config).

Hooks are called one implementation at a time (in pluggy's order) so that every result, event and error is
attributed to the plugin that produced it. The core never special-cases a plugin by name.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pluggy
import torch
from pydantic import BaseModel, ConfigDict, ValidationError

from mvae_core import hookspecs
from mvae_core.config import LOSS_TERMS, ConfigError, PluginsConfig, format_validation_error
from mvae_core.version import VERSION
from mvae_core.view import TrainerView

ENTRY_POINT_GROUP = "mvae.plugins"


class PluginError(RuntimeError):
    """A plugin is broken or misbehaved; the message names the plugin (and the hook, when one was running)."""


class NoConfig(BaseModel):
    """The config of a plugin without settings: its section must be empty."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class PluginInfo:
    name: str
    origin: str  # "built-in" or "package <distribution>"
    version: str
    load: Callable[[], Any]  # returns the plugin class or module

    def factory(self) -> Any:
        try:
            return self.load()
        except Exception as exc:
            raise PluginError(f"plugin {self.name!r} ({self.origin}) failed to import: {exc}") from exc

    def config_model(self) -> type[BaseModel]:
        return getattr(self.factory(), "Config", NoConfig)


def available_plugins() -> dict[str, PluginInfo]:
    """Built-ins plus every ``mvae.plugins`` entry point (a third-party name may not shadow a built-in)."""
    from mvae_plugins import BUILTIN_PLUGINS

    found: dict[str, PluginInfo] = {}
    for name, target in BUILTIN_PLUGINS.items():
        found[name] = PluginInfo(name, "built-in", VERSION, _importer(target))
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist else "unknown"
        origin = f"package {dist}"
        if ep.name in found:
            raise PluginError(
                f"plugin {ep.name!r} from {origin} has the name of a {found[ep.name].origin} plugin; rename its entry point"
            )
        found[ep.name] = PluginInfo(ep.name, origin, ep.dist.version if ep.dist else "unknown", ep.load)
    return found


def _importer(target: str) -> Callable[[], Any]:
    module, _, attribute = target.partition(":")
    return lambda: getattr(importlib.import_module(module), attribute) if attribute else importlib.import_module(module)


def resolve_enabled(enabled: list[str], available: dict[str, PluginInfo]) -> list[str]:
    """Expand ``all`` (every built-in) and ``none``; unknown names are a :class:`ConfigError` with a suggestion."""
    names: list[str] = []
    for name in enabled:
        if name == "none":
            continue
        if name == "all":
            names.extend(n for n, info in available.items() if info.origin == "built-in")
            continue
        if name not in available:
            close = difflib.get_close_matches(name, list(available), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listing = ", ".join(sorted(available)) or "(none installed)"
            raise ConfigError(f"plugins.enabled: unknown plugin {name!r}{hint} Available: {listing}.")
        names.append(name)
    return list(dict.fromkeys(names))


def validated_sections(plugins: PluginsConfig, available: dict[str, PluginInfo]) -> dict[str, BaseModel]:
    """Validate every ``[plugins.<name>]`` section with that plugin's ``Config``; defaults for the rest."""
    sections = plugins.sections()
    for name in sections:
        if name not in available:
            raise ConfigError(f"plugins.{name}: there is no plugin named {name!r} to configure")
    configs: dict[str, BaseModel] = {}
    for name in resolve_enabled(plugins.enabled, available):
        try:
            configs[name] = available[name].config_model().model_validate(sections.get(name, {}))
        except ValidationError as exc:
            raise ConfigError(format_validation_error(exc, prefix=f"plugins.{name}.")) from None
    return configs


def _unsafe_value(value: Any) -> Any:
    """The first value in a nested state that is not plain data, or None when all of it is."""
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        items = list(value)
    elif value is None or type(value) in (str, int, float, bool) or isinstance(value, torch.Tensor):
        return None  # exact types: numpy.float64 subclasses float but a weights_only load refuses it
    else:
        return value
    return next((bad for item in items if (bad := _unsafe_value(item)) is not None), None)


def _one_line(error: Exception) -> str:
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


class PluginHost:
    """Registered plugins of one run and the calls the trainer makes into them."""

    def __init__(
        self,
        plugins: dict[str, Any],
        versions: dict[str, str] | None = None,
        configs: dict[str, BaseModel] | None = None,
        origins: dict[str, str] | None = None,
    ) -> None:
        self.versions = versions or {}
        self.configs = configs or {}
        origins = origins or {}

        def label(name: str) -> str:  # start-up errors name the package a plugin came from
            return f"{name!r} ({origins[name]})" if name in origins else repr(name)

        self.pm = pluggy.PluginManager("mvae")
        self.pm.add_hookspecs(hookspecs)
        for name, plugin in plugins.items():
            try:
                self.pm.register(plugin, name=name)
            except pluggy.PluginValidationError as exc:
                raise PluginError(f"plugin {label(name)} has an invalid hook: {_one_line(exc)}") from None
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) or repr(exc.plugin)
            raise PluginError(f"plugin {label(name)}: {_one_line(exc)} (not a hook of mvae_core.hookspecs)") from None

    @classmethod
    def from_config(cls, plugins: PluginsConfig, available: dict[str, PluginInfo] | None = None) -> PluginHost:
        available = available_plugins() if available is None else available
        instances, versions = {}, {}
        configs = validated_sections(plugins, available)
        for name, config in configs.items():
            info = available[name]
            factory = info.factory()
            try:
                instances[name] = factory(config) if inspect.isclass(factory) else factory
            except Exception as exc:
                raise PluginError(
                    f"plugin {name!r} ({info.origin}) failed to start: {type(exc).__name__}: {exc}"
                ) from exc
            versions[name] = info.version
        return cls(instances, versions, configs, {name: available[name].origin for name in configs})

    def resolved(self) -> PluginsConfig:
        """The plugins section as run: explicit names and every enabled plugin's full config."""
        sections = {name: config.model_dump(mode="json") for name, config in self.configs.items()}
        return PluginsConfig(enabled=list(self.configs), **sections)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin()]

    def call(self, hook: str, view: TrainerView | None = None, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook``; return ``[(plugin name, result)]`` for non-None results."""
        results = []
        for impl in reversed(getattr(self.pm.hook, hook).get_hookimpls()):
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            if view is not None:
                view._source = impl.plugin_name
                if "trainer" in impl.argnames:
                    args["trainer"] = view
            try:
                result = impl.function(**args)
            except Exception as exc:
                raise PluginError(f"plugin {impl.plugin_name!r} failed in {hook}: {type(exc).__name__}: {exc}") from exc
            finally:
                if view is not None:
                    view._source = "core"
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def loss_multipliers(self, view: TrainerView, epoch: int) -> dict[str, float]:
        """Every term's product of the multipliers plugins returned (1.0 where none did)."""
        multipliers = dict.fromkeys(LOSS_TERMS, 1.0)
        for plugin, weights in self.call("mvae_loss_weights", view, epoch=epoch):
            if not isinstance(weights, dict):
                raise PluginError(
                    f"plugin {plugin!r}: mvae_loss_weights must return a dict, got {type(weights).__name__}"
                )
            for term, value in weights.items():
                if term not in multipliers:
                    raise PluginError(
                        f"plugin {plugin!r}: mvae_loss_weights returned unknown term {term!r}; terms are {list(LOSS_TERMS)}"
                    )
                if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                    raise PluginError(
                        f"plugin {plugin!r}: mvae_loss_weights returned {term!r} = {value!r}; "
                        "a multiplier must be a finite number >= 0"
                    )
                multipliers[term] *= float(value)
        return multipliers

    def stop_requests(self, view: TrainerView, epoch: int, metrics: dict[str, Any]) -> list[str]:
        """Run every ``mvae_epoch_end``, then collect the stop reasons as ``"plugin: reason"``."""
        reasons = []
        for plugin, reason in self.call("mvae_epoch_end", view, epoch=epoch, metrics=metrics):
            if not isinstance(reason, str):
                raise PluginError(
                    f"plugin {plugin!r}: mvae_epoch_end must return a stop reason (str) or None, "
                    f"got {type(reason).__name__} {reason!r}"
                )
            if reason:
                reasons.append(f"{plugin}: {reason}")
        return reasons

    def state_dict(self, view: TrainerView) -> dict[str, Any]:
        """Each plugin's state under its name; refuses values a ``weights_only`` load could not read back."""
        states = dict(self.call("mvae_state_dict", view))
        for plugin, state in states.items():
            bad = _unsafe_value(state)
            if bad is not None:
                raise PluginError(
                    f"plugin {plugin!r}: mvae_state_dict returned a {type(bad).__name__} ({bad!r}); "
                    "state may hold only dict, list, tuple, str, int, float, bool, None and torch tensors "
                    "(convert numpy values with .item() or .tolist())"
                )
        return states

    def load_state_dict(self, states: dict[str, Any]) -> None:
        for impl in self.pm.hook.mvae_load_state_dict.get_hookimpls():
            if impl.plugin_name in states:
                try:
                    impl.function(state=states[impl.plugin_name])
                except Exception as exc:
                    raise PluginError(f"plugin {impl.plugin_name!r} failed in mvae_load_state_dict: {exc}") from exc
