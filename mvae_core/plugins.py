"""Which plugins exist and which run: discovery, enabling by name, validation of their config sections.

A plugin is a class (built-in, listed in :data:`mvae_plugins.BUILTIN_PLUGINS`, or from another package through
the ``mvae.plugins`` entry-point group) with hook methods marked ``@hookimpl`` and optionally a pydantic
``Config`` model (its ``[plugins.<name>]`` section). It is constructed as ``Plugin(config)``, or ``Plugin()`` when its
``__init__`` takes no argument. A module with hook functions is accepted too (no config). Python callers may also
hand over plugin objects directly (:func:`mvae_core.train`). :mod:`mvae_core.host` registers and calls them.
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo

from mvae_core.config import ConfigError, PluginsConfig, alias_keys, field_problem, setting_key
from mvae_core.errors import CORE_SOURCE, MvaeError
from mvae_core.hookspecs import HOOKS
from mvae_core.plugin_catalog import hook_names, printing_to_stderr
from mvae_core.registry import Registered, discover, dotted_name, import_failure, validate_settings
from mvae_core.suggest import did_you_mean
from mvae_core.version import NUMERICS

ENTRY_POINT_GROUP = "mvae.plugins"
MAY_CHANGE_ON_RESUME: JsonDict = {"mvae_resume": "may change"}
"""A plugin's setting given ``Field(..., json_schema_extra=MAY_CHANGE_ON_RESUME)`` changes nothing a run computes
(where a logger writes, how often it logs, when a warning is given): an edit of it in a run's ``config.toml`` before
``--resume`` is taken with a warning naming it. An edit of any other plugin setting refuses the resume. Typed as
pydantic's ``JsonDict``, the type ``Field``'s ``json_schema_extra`` takes (an inferred ``dict[str, str]`` is refused
by type checkers, ``dict`` being invariant)."""


def marked_settings(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The keys of ``model``'s settings that are marked :data:`MAY_CHANGE_ON_RESUME`, as a config writes them (an
    alias where a setting has one), dotted below a nested settings model (``log.every``); a marked setting whose value
    is such a model covers every key under it, so those are not listed again. ``mvae plugins`` names them."""
    found = []
    for name, field in model.model_fields.items():
        key = prefix + setting_key(model, name)
        if _marked(field):
            found.append(key)
        elif not prefix.count(".") > 8:  # nested models that nest themselves end somewhere
            found += [k for nested in _settings_models(field.annotation) for k in marked_settings(nested, key + ".")]
    return found


def may_change_on_resume(model: type[BaseModel], key: str) -> bool:
    """Whether ``key`` (a setting of ``model``, dotted below nested settings models, by its name or an alias) is a
    setting marked :data:`MAY_CHANGE_ON_RESUME`, or lies under one: an edit of it passes a resume with a warning."""
    part, _, rest = key.partition(".")
    field = next((f for name, f in model.model_fields.items() if part == name or part in alias_keys(f)), None)
    if field is None:
        return False
    return _marked(field) or (
        bool(rest) and any(may_change_on_resume(m, rest) for m in _settings_models(field.annotation))
    )


def _marked(field: FieldInfo) -> bool:
    """The one test of the mark: ``json_schema_extra`` holds :data:`MAY_CHANGE_ON_RESUME` (beside anything else)."""
    extra = field.json_schema_extra
    return isinstance(extra, dict) and all(extra.get(key) == value for key, value in MAY_CHANGE_ON_RESUME.items())


def _settings_models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models a setting's type holds as a table of settings (``Log``, ``Log | None``, ``Annotated[Log,
    …]``); none for a list or a dict of them, whose items a config's keys do not reach by name."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        return [model for arg in typing.get_args(annotation) for model in _settings_models(arg)]
    return []


class PluginError(MvaeError, RuntimeError):
    """A plugin is broken or misbehaved; the message names the plugin (and the hook, when one was running)."""


class ConfigRefused(ConfigError):
    """A plugin's ``mvae_check_config`` refused the run's config by raising a :class:`ConfigError`: that message (which
    names the field), after the plugin's name. A config error like any other (exit 2, before any data is read)."""

    @classmethod
    def by(cls, plugin: str, refusal: ConfigError) -> ConfigRefused:
        """The refusal ``refusal`` of the plugin ``plugin``, said as ``plugin 'x' refuses the config: <message>``."""
        said = f"plugin {plugin!r} refuses the config: "
        return cls(said + str(refusal), command_line=said + refusal.command_line_message())


class NoConfig(BaseModel):
    """The config of a plugin without settings: its section must be empty."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class PluginInfo(Registered):
    """A registered plugin (:class:`~mvae_core.registry.Registered`); ``load`` returns its class or module."""

    def imported(self) -> Any:
        """The plugin's class or module as imported (``load``); a :class:`PluginError` naming the plugin when that
        fails. What the package's code prints meanwhile goes to stderr
        (:func:`~mvae_core.plugin_catalog.printing_to_stderr`), as a model package's does, so that stdout holds only
        what the command prints (a ``--json`` stays parseable)."""
        try:
            with printing_to_stderr():
                return self.load()
        except Exception as exc:
            raise PluginError(import_failure(f"plugin {self.name!r} ({self.origin})", exc)) from exc

    def factory(self) -> Any:
        """The plugin's class or module, its hooks checked (:func:`check_hooks`): a :class:`PluginError` naming the
        plugin and its package when it fails to import or a hook would be refused or never called."""
        factory = self.imported()
        check_hooks(factory, f"plugin {self.name!r} ({self.origin})")
        return factory

    def config_model(self) -> type[BaseModel]:
        """The plugin's ``Config`` (:class:`NoConfig` when it has none); one that is not a pydantic model, or settings
        that could never reach the plugin (a class whose ``__init__`` takes no argument), is a :class:`PluginError`
        naming the plugin."""
        factory = self.imported()
        config = getattr(factory, "Config", NoConfig)
        if not (isinstance(config, type) and issubclass(config, BaseModel)):
            raise PluginError(
                f"plugin {self.name!r} ({self.origin}) has Config = {config!r}; it must be a pydantic BaseModel "
                "subclass (docs/plugins.md)"
            )
        if config.model_fields and inspect.isclass(factory) and not inspect.signature(factory).parameters:
            raise PluginError(
                f"plugin {self.name!r} ({self.origin}) has a Config with settings, but its __init__ takes no "
                "argument, so they would never reach it; define __init__(self, config) (docs/plugins.md)"
            )
        return config


def check_hooks(plugin: Any, label: str) -> None:
    """Raise ``PluginError("<label> has an invalid hook: …")`` (``label``: ``plugin 'x' (package p)``) for the hook
    mistakes that pluggy passes over in silence or reports without a hint: an attribute named like a hook but not
    marked ``@hookimpl`` (pluggy never calls it), a marked one (by its name, or its ``specname``) that is no hook
    (``on_epoch_end``: did you mean ``mvae_epoch_end``?),
    an argument the hook does not have,
    ``*args`` or ``**kwargs`` (pluggy fills only named arguments), and a plugin with no hook at all (an entry point
    naming a function, an object without marked methods): it would run and do nothing.
    ``plugin`` is a plugin class, object or module; nothing is constructed or called."""
    invalid = f"{label} has an invalid hook"
    for attribute in dir(plugin):
        value = getattr(plugin, attribute, None)
        options = getattr(value, "mvae_impl", None) if callable(value) else None
        marked = isinstance(options, dict)
        if not attribute.startswith("mvae_") and not marked:
            continue
        hook = (options.get("specname") or attribute) if marked else None  # @hookimpl(specname=...): any method name
        if hook is None:
            if attribute in HOOKS:
                other = _other_projects(value)
                how = f"marked by pluggy.HookimplMarker({other[0]!r}), not mvae's" if other else "not marked"
                raise PluginError(
                    f"{invalid}: {attribute} is {how} @hookimpl, so mvae would never call it; decorate it with "
                    "mvae_core.hookimpl (from mvae_core import hookimpl; docs/hooks.md)"
                )
        elif hook not in HOOKS:
            raise PluginError(
                f"{invalid}: {hook} is not a hook of mvae"
                f"{did_you_mean(hook, HOOKS, otherwise='; the hooks are ' + ', '.join(HOOKS))} (docs/hooks.md)"
            )
        else:
            spec, arguments = HOOKS[hook].parameters, _named_arguments(plugin, attribute)
            if starred := _starred(getattr(plugin, attribute)):
                raise PluginError(
                    f"{invalid}: {attribute}({starred}): pluggy passes a hook only the arguments it "
                    f"names, so {starred} stays empty; name those you use, from {', '.join(spec)} (docs/hooks.md)"
                )
            written = ", ".join(a.name if a.default is a.empty else f"{a.name}=…" for a in arguments)
            if keyword_only := [a.name for a in arguments if a.kind is a.KEYWORD_ONLY]:
                raise PluginError(
                    f"{invalid}: {attribute}({written}): pluggy never passes a keyword-only argument such as "
                    f"{keyword_only[0]!r}; write it before any * (docs/hooks.md)"
                )
            if unknown := [a for a in arguments if a.name not in spec]:
                default = "" if unknown[0].default is unknown[0].empty else " (a default does not make mvae pass it)"
                raise PluginError(
                    f"{invalid}: {attribute}({written}): {hook} has no argument {unknown[0].name!r}{default}"
                    f"{did_you_mean(unknown[0].name, spec)} Its arguments are {', '.join(spec)}; take any of them, "
                    "by name"
                )
    if not hook_names(plugin):
        what = getattr(plugin, "__qualname__", None) or getattr(plugin, "__name__", None) or type(plugin).__qualname__
        kind = "module" if inspect.ismodule(plugin) else "class" if inspect.isclass(plugin) else "object"
        kind = "function" if inspect.isroutine(plugin) else kind
        raise PluginError(
            f"{label} implements no hook of mvae: nothing in its {kind} {what} is marked @hookimpl, so mvae would "
            "never call it; mark its hooks with mvae_core.hookimpl, and point an entry point at the plugin class "
            "(module:Class) or module (docs/hooks.md)"
        )


def _other_projects(value: Any) -> list[str]:
    """The pluggy projects other than mvae whose ``HookimplMarker`` marked ``value`` (``pluggy.HookimplMarker("mvea")``
    stores its options as ``value.mvea_impl``): a hook that is marked, but for another project."""
    attributes = getattr(getattr(value, "__func__", value), "__dict__", {})
    return [name.removesuffix("_impl") for name, options in attributes.items()
            if name.endswith("_impl") and isinstance(options, dict) and "specname" in options]  # fmt: skip


def _starred(function: Any) -> str:
    """``*args`` / ``**kwargs`` of ``function`` as written (``""`` without them)."""
    parameters = inspect.signature(function).parameters.values()
    return ", ".join(f"{'*' if p.kind is p.VAR_POSITIONAL else '**'}{p.name}" for p in parameters
                     if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD))  # fmt: skip


def _named_arguments(plugin: Any, attribute: str) -> list[inspect.Parameter]:
    """The named arguments of the hook implementation ``plugin.attribute``, defaults included (mvae passes each that
    the hook has, and nothing else), ``self`` and ``*args``/``**kwargs`` left out (a function defined in a class,
    looked up on the class, still lists ``self``)."""
    parameters = list(inspect.signature(getattr(plugin, attribute)).parameters.values())
    if inspect.isclass(plugin) and isinstance(inspect.getattr_static(plugin, attribute), types.FunctionType):
        parameters = parameters[1:]
    return [p for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def available_plugins() -> dict[str, PluginInfo]:
    """Built-ins plus every ``mvae.plugins`` entry point (a third-party name may not shadow a built-in, nor be a
    name the config could never enable: :func:`unusable_name`)."""
    from mvae_plugins import BUILTIN_PLUGINS

    return discover("plugin", BUILTIN_PLUGINS, ENTRY_POINT_GROUP, PluginInfo, PluginError, unusable_name)


SWITCHES = ("enabled", "enable", "disabled", "disable")
"""Keys a user from other tools writes in a plugin's section to switch it on or off (``[plugins.x] enabled =
false``); unless the plugin's ``Config`` has such a setting, the error says where plugins are switched."""

KEYWORDS = ("all", "none")
"""The words of ``plugins.enabled`` that are not plugin names (``all``: every built-in; ``none``: no plugin)."""


def unusable_name(name: str) -> str | None:
    """Why a plugin could never be enabled or configured under ``name``, or None: a word ``plugins.enabled`` reads
    otherwise (:data:`KEYWORDS`), the key of ``[plugins]`` that holds that list, a comma (``--plugins a,b`` splits
    there) or surrounding spaces (names are stripped)."""
    if name in KEYWORDS:
        return f"{name!r} in plugins.enabled means {'every built-in plugin' if name == 'all' else 'no plugin'}"
    if name in PluginsConfig.model_fields:
        return f"[plugins] {name} is the list of plugins to enable, so it cannot be a plugin's section"
    if "," in name or name != name.strip() or not name:
        return "plugin names are separated by commas and stripped of spaces (--plugins a,b)"
    if dotted := dotted_name("plugin", "plugins", name):
        return dotted
    if name in ("mvae", *NUMERICS):
        return f"{name!r} is a key of a run's [provenance.versions] beside the plugins' own versions"
    if name == CORE_SOURCE:
        return f"{name!r} is the source of mvae's own events in metrics.jsonl (its warnings and stops)"
    return None


def _switch_advice(name: str, switch: str, value: Any, enabled: list[str], running: bool) -> str:
    """What a switch (:data:`SWITCHES`) in the section of the plugin ``name`` is told: plugins are switched by
    ``[plugins] enabled`` (now the list ``enabled``; ``running``: it enables the plugin), and how to do there what
    ``switch = value`` asked for: enabling it (a third-party plugin above all, which ``all`` leaves out: the list with
    its name added), or leaving it out."""
    where = "a plugin is switched on and off by [plugins] enabled (--plugins), not in its own section"
    if isinstance(value, bool) and value == switch.startswith("enable"):  # enabled = true, disabled = false
        if running:
            return f"{where}, where it is enabled already"
        names = [*(n for n in enabled if n != "none"), name]
        return f"{where}; to enable it, add it there (enabled = {json.dumps(names)}, --plugins {','.join(names)})"
    return f"{where}; to leave it out, list the others ('all' is every built-in)"


def expand_all(names: Sequence[str], available: Mapping[str, PluginInfo]) -> list[str]:
    """``names`` with ``all`` replaced, where it stands, by every built-in plugin of ``available`` (a third-party one
    is named beside it: ``all,free_bits``): the one reading of ``all``, for ``plugins.enabled`` (a training, each
    configuration of an ablation) and for ``mvae ablate --plugins``. A built-in named beside ``all`` (in Python, a
    plugin object of a built-in's name too) would be named twice, which no list may: a :class:`ConfigError` naming
    it and the fix, whose message its caller prefixes with the list's name."""
    builtins = [name for name, info in available.items() if info.origin == "built-in"]
    if "all" in names and (twice := next((name for name in names if name in builtins), None)):
        raise ConfigError(
            f"{twice!r} is named beside 'all', which enables every built-in plugin already, {twice} among them; name "
            f"each plugin once: drop {twice!r} (its settings go under [plugins.{twice}] all the same), or name the "
            "built-ins to run instead of 'all'"
        )
    return [expanded for name in names for expanded in (builtins if name == "all" else [name])]


def resolve_enabled(enabled: list[str], available: dict[str, PluginInfo], objects: Collection[str] = ()) -> list[str]:
    """Expand ``all`` (:func:`expand_all`) and ``none``; skip the names of plugin ``objects`` a Python caller handed
    over. An unknown name is a :class:`ConfigError` saying why (:func:`unknown_plugin`), and so is a built-in named
    beside ``all``."""
    try:
        expanded = expand_all(enabled, available)
    except ConfigError as exc:
        raise ConfigError(f"plugins.enabled: {exc}") from None
    names: list[str] = []
    for name in expanded:
        if name == "none" or name in objects:
            continue
        if name not in available:
            raise ConfigError(f"plugins.enabled: {unknown_plugin(name, available)}")
        names.append(name)
    return list(dict.fromkeys(names))


def unknown_plugin(name: str, available: Collection[str]) -> str:
    """Why ``name`` names no plugin of ``available``: ``unknown plugin 'kl_anel'; did you mean 'kl_anneal'?
    Available: … If 'kl_anel' is a plugin of a package, install it …`` (the closest name, case and ``-``/``_``
    ignored; the installing sentence, :data:`NOT_INSTALLED`, as the unknown model's error says it, for any name), or
    the list with commas where ``name`` is known names separated by spaces or semicolons (``"kl_anneal ts_ramp"``)."""
    choices = [*available, *KEYWORDS]
    hint = did_you_mean(name, choices)
    install = f" {NOT_INSTALLED.format(name=repr(name))}"
    if len(words := name.replace(";", " ").split()) > 1 and all(w in choices for w in words):
        hint, install = f"; plugin names are separated by commas: did you mean {','.join(words)!r}?", ""
    return (
        f"unknown plugin {name!r}{hint} Available: {', '.join(sorted(available)) or '(none installed)'} "
        f"(and {', '.join(KEYWORDS)}).{install}"
    )


NOT_INSTALLED = "If {name} is a plugin of a package, install it (mvae plugins lists what is installed)."
"""What :func:`unknown_plugin` says of any unknown name, as the unknown model's error does: a plugin of a package not
installed here (``pip install examples/mvae-tensorboard`` for ``tensorboard``) is unknown until it is."""


def validated_sections(
    plugins: PluginsConfig, available: dict[str, PluginInfo], objects: Collection[str] = ()
) -> dict[str, BaseModel]:
    """The validated config of every enabled registered plugin (defaults where it has no section), by name.

    Every ``[plugins.<name>]`` section is validated by that plugin's ``Config``, also when the plugin is not enabled
    (an unknown key is an error with the closest valid one): a config keeps the settings of plugins that a run's
    ``--plugins`` leaves out, and they are checked as the settings of enabled plugins are. For a third-party plugin
    that means importing its package (as enabling it by name does; docs/plugins.md, Trust model): without a section,
    a plugin that is not enabled is not imported. A section for no registered plugin, or for a plugin object
    (``objects``), is a :class:`ConfigError`; an object under a name no plugin may have (:func:`unusable_name`:
    ``all``, ``torch``, ``a.b``, …) is a :class:`PluginError`."""
    for name in objects:
        if reason := unusable_name(name):
            raise PluginError(
                f"plugin object {name!r} cannot run under that name: {reason}; give it another name with a (name, "
                "object) pair"
            )
    sections = plugins.sections()
    for name in sections:
        if name in objects:
            raise ConfigError(f"plugins.{name}: plugin {name!r} is a Python object; configure the object itself")
        if name not in available:
            raise ConfigError(
                f"plugins.{name}: there is no plugin named {name!r} to configure"
                f"{did_you_mean(name, [*available, 'enabled'])} A plugin from a package is configured only where the "
                f"package is installed (mvae plugins lists them): install it, or remove the [plugins.{name}] section"
            )
        if not isinstance(sections[name], dict):
            table = (
                f"plugins.{name} = {sections[name]!r}: a plugin's settings are a table ([plugins.{name}] in a config "
                "file, or"
            )
            raise ConfigError(
                f"{table} overrides={{'plugins.{name}.KEY': VALUE}})",
                command_line=f"{table} --set plugins.{name}.KEY=VALUE)",
            )

    def validated(name: str) -> BaseModel:
        model, section = available[name].config_model(), sections.get(name, {})
        if switch := next((key for key in section if key in SWITCHES and key not in model.model_fields), None):
            value = section[switch]
            raise ConfigError(
                field_problem(
                    f"plugins.{name}.{switch}",
                    value,
                    _switch_advice(name, switch, value, plugins.enabled, name in enabled),
                )
            )
        return validate_settings(model, section, prefix=f"plugins.{name}.")

    enabled = resolve_enabled(plugins.enabled, available, objects)
    for name in sections:
        if name not in enabled:  # not enabled, so not used, but a typo in it is an error all the same
            try:
                validated(name)
            except PluginError as exc:  # say why a plugin nobody enabled was imported
                raise PluginError(
                    f"{exc}; its [plugins.{name}] section is checked although the plugin is not enabled: remove the "
                    "section to train without it"
                ) from exc
    return {name: validated(name) for name in enabled}
