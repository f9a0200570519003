"""The model and plugins a run trains with, resolved before any data is read: ``plugins=`` split into registered
names and plugin objects (:func:`split_plugins`), the model and the plugin host built from the config
(:func:`resolved_model_and_plugins`, with the note of plugins configured but not enabled; :func:`checked_config`,
the config as the run trains with it, which the model and every enabled plugin accepted), the plugins a resumed run
must get back (:func:`check_plugins_given_back`), and the versions installed here of what a config trains with
(:func:`installed_versions`, for the errors that name them).
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from pydantic import ValidationError

from mvae_core.config import (
    LOSS_TERMS,
    ConfigError,
    MvaeConfig,
    PluginsConfig,
    field_problem,
    format_validation_error,
    settings_tree,
)
from mvae_core.errors import ResumeRefused
from mvae_core.host import OBJECT_ORIGIN, PluginHost, rebuilt_from_settings
from mvae_core.metrics_record import TIMING_STD_KEYS
from mvae_core.models import build_model, resolve_model
from mvae_core.models.contract import model_code
from mvae_core.plugins import PluginError, available_plugins
from mvae_core.progress import Advice
from mvae_core.run import RunDir
from mvae_core.run_files import CONFIG
from mvae_core.run_versions import code_versions
from mvae_core.suggest import closest, did_you_mean
from mvae_core.wording import noun_for

PluginSpec = str | tuple[str, Any] | Any
"""An item of ``plugins``: a registered name, a ``(name, object)`` pair, or a plugin object (named after its class)."""


def resolved_model_and_plugins(
    cfg: MvaeConfig, objects: dict[str, Any], run: RunDir | None
) -> tuple[MvaeConfig, PluginHost, Advice | None]:
    """The model and plugins of ``cfg`` resolved and checked before any data is read (:func:`checked_config`), and
    the model built once (a model whose ``__init__`` fails): the config with every setting the run trains with, the
    plugin host, and the advice about plugins configured but not enabled. ``run``: the run being resumed, whose
    ``config.toml`` its errors name."""
    try:
        resolved, host = checked_config(cfg, objects)
    except ConfigError as exc:
        if run is None:
            raise
        # e.g. the model's package is not installed, or a plugin's new version no longer has a setting
        raise ConfigError(f"{run.path / CONFIG}: {run.with_version_hint(str(exc), installed_versions(cfg))}") from None
    idle = _configured_not_enabled(cfg.plugins, host, objects)
    with torch.random.fork_rng(devices=[]):
        build_model(resolved)
    return resolved, host, idle


def checked_config(cfg: MvaeConfig, objects: Mapping[str, Any] | None = None) -> tuple[MvaeConfig, PluginHost]:
    """The config of a run as it trains, once the model and the enabled plugins (registered ones and ``objects``)
    accepted it, and its plugin host: every setting resolved, defaults included (what ``config.toml`` records, so a
    later default cannot change it). Refused, before any data is read, with a :class:`ConfigError` naming the field:
    an unknown model or plugin, a bad setting, the model's ``check_config``, and any enabled plugin's
    ``mvae_check_config`` (:class:`~mvae_core.plugins.ConfigRefused`, naming the plugin too); a plugin that fails
    to start or fails in its check is a :class:`~mvae_core.plugins.PluginError`. What a training, ``mvae data
    inspect`` and every configuration of an ablation go through before any data is read. What the model's and the
    plugins' code draws from torch's global random state meanwhile (a plugin's ``__init__``, ``mvae_check_config``,
    ``mvae_added_terms``, ``mvae_watched_entries``) moves no stream: the caller's CPU state is put back after it
    (this code has no business on a device)."""
    with torch.random.fork_rng(devices=[]):
        _, settings = resolve_model(cfg)
        host = PluginHost.from_config(cfg.plugins, objects=dict(objects or {}))
        sections = cfg.model.sections | {cfg.model.name: settings_tree(settings)}
        resolved = cfg.model_copy(
            update={"plugins": host.resolved(), "model": cfg.model.model_copy(update={"sections": sections})}
        )
        host.check_config(resolved)
        check_watched_entries(host, resolved)
    return resolved, host


TERM_TABLES = {"train": "total", "val": "total", "weights": None}
"""The tables of an epoch's record keyed by loss term, each with the key it has beside the terms (None: none)."""
FIXED_TABLES = {"timing_std": TIMING_STD_KEYS}
"""The tables of an epoch's record whose entries are the same in every run, whatever the model and plugins:
validation's ``timing_std`` (the true and the reconstructed timeshift's std at the validation notes)."""


def check_watched_entries(host: PluginHost, config: MvaeConfig) -> None:
    """Refuse, before any data is read, an entry of ``train``, ``val`` or ``weights`` that a plugin's setting watches
    (``mvae_watched_entries``) and that names no term of the run: the core's, those the model adds with the run's
    settings (:func:`model_added_terms`, asked only for an entry none of the others names), ``total`` and those
    plugins declare (``mvae_added_terms``); where a plugin's ``mvae_loss`` may add terms it does not declare, only a
    name close to a known term (a typo) is refused. An entry of a table of :data:`FIXED_TABLES` must name one of its
    entries. A :class:`ConfigError` naming the setting (``plugins.<plugin>.<setting>``: the core knows the name a
    plugin runs under, the plugin need not) and the closest name; a malformed declaration is a :class:`PluginError`
    (:meth:`PluginHost.declarations`) naming the plugin and the hook, and so is a declared setting the plugin's
    section does not have (a list's item is named by its index, ``keys.0``; an object without a settings model has
    no section to check against)."""
    model_terms = functools.cache(lambda: model_added_terms(config))  # the model is built once, and only to ask
    declared = declared_terms(host, config, model_terms)
    added = [term for _, terms in declared for term in terms]
    # a plugin whose mvae_loss may add terms it does not declare (written before mvae_added_terms): a name far from
    # every known term may be one of them, and is left to the first epoch's record
    undeclared = set(host.implementing("mvae_loss")) - {name for name, _ in declared}
    for plugin, watched in host.declarations("mvae_watched_entries", config, dict):
        section = config.plugins.sections().get(plugin)  # None: an object without a settings model
        for setting, entry in watched.items():
            if section is not None and not _has_setting(section, setting):
                settings = ", ".join(_setting_paths(section)) or "none"
                raise PluginError(
                    f"plugin {plugin!r}: mvae_watched_entries names the setting {setting!r}, which plugins.{plugin} "
                    f"does not have (its settings: {settings}); a key is a setting of the plugin's own section, dotted "
                    "below it, and an item of a list setting is named by its index ('keys.0'; docs/hooks.md)"
                )
            table, _, term = str(entry).partition(".")
            if table in FIXED_TABLES and term not in FIXED_TABLES[table]:
                entries = FIXED_TABLES[table]
                raise ConfigError(
                    field_problem(
                        f"plugins.{plugin}.{setting}",
                        entry,
                        f"{table} has no entry {term!r}{did_you_mean(term, entries)} Its entries: {', '.join(entries)}",
                    )
                )
            if table not in TERM_TABLES:
                continue
            beside = [TERM_TABLES[table]] if TERM_TABLES[table] else []
            if term in (*LOSS_TERMS, *added, *beside):
                continue
            terms = [*LOSS_TERMS, *model_terms(), *added, *beside]
            if term not in terms and (not undeclared or closest(term, terms) is not None):
                raise ConfigError(
                    field_problem(
                        f"plugins.{plugin}.{setting}",
                        entry,
                        f"{table} has no term {term!r}{did_you_mean(term, terms)} Its terms in this run: "
                        f"{', '.join(terms)} (a term a plugin adds is among them when that plugin declares it in "
                        f"mvae_added_terms, docs/hooks.md); {MODEL_TERMS_RULE.format(model=config.model.name)}",
                    )
                )


def _has_setting(section: Any, path: str) -> bool:
    """Whether ``path`` (dotted; a list's item by its index, ``keys.0``) names a value in ``section``."""
    node = section
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _setting_paths(section: dict[str, Any], prefix: str = "") -> list[str]:
    """The dotted paths of ``section``'s settings, a table's settings below its name."""
    paths = []
    for key, value in section.items():
        paths += _setting_paths(value, f"{prefix}{key}.") if isinstance(value, dict) else [f"{prefix}{key}"]
    return paths


def declared_terms(
    host: PluginHost, config: MvaeConfig, model_terms: Callable[[], tuple[str, ...]]
) -> list[tuple[str, list[str]]]:
    """``(plugin, terms)`` of every plugin's ``mvae_added_terms`` (:meth:`PluginHost.declarations`). A declared name
    of a core term, or of a term the model adds with the run's settings (``model_terms()``, :func:`model_added_terms`
    of the run's config, asked only when a plugin declares a term), is a :class:`~mvae_core.plugins.PluginError`
    naming the plugin, the hook and the term: ``mvae_loss`` returning that name replaces the run's term, so the
    plugin would train without it under its own multiplier, not add one. A term two plugins declare is one too,
    naming both (before any data, where their ``mvae_loss`` would be refused at the first step)."""
    declared = host.declarations("mvae_added_terms", config, list)
    if not any(terms for _, terms in declared):
        return declared
    taken = {term: "the core's" for term in LOSS_TERMS} | {term: "the model's" for term in model_terms()}
    declaring: dict[str, str] = {}
    for plugin, terms in declared:
        for term in terms:
            if term in taken:
                raise PluginError(
                    f"plugin {plugin!r}: mvae_added_terms declares {term!r}, {taken[term]} term: returned by its "
                    f"mvae_loss it replaces that term rather than adding one (docs/hooks.md, mvae_loss); declare only "
                    f"new names, none of {', '.join(taken)} (where a setting of plugins.{plugin} names the term, "
                    "choose another name there)"
                )
            if declaring.setdefault(term, plugin) != plugin:
                raise PluginError(
                    f"plugins {declaring[term]!r} and {plugin!r} both declare the loss term {term!r} in "
                    "mvae_added_terms; enable only one of them, or give one of them another name for its term"
                )
    return declared


MODEL_TERMS_RULE = (
    "a term the model adds is among them when the run's settings of the model add it ([model.{model}]: mvae models "
    "lists them; docs/models.md, added_terms)"
)
"""The rule a refused watched term states for a model's own terms, after the plugins' (``{model}``: its name)."""


def model_added_terms(config: MvaeConfig) -> tuple[str, ...]:
    """The loss terms the model of ``config`` adds to the core's as the run's settings build it
    (:meth:`~mvae_core.models.base.MelodyModel.added_terms`: ``melody_rnn``'s ``bag`` where its ``bag_weight`` is
    above 0). The model is built to ask (random weights; torch's random state is left as it was), so an exception of
    its code is a :class:`~mvae_core.models.contract.ModelError` naming it."""
    with torch.random.fork_rng(devices=[]):
        model = build_model(config)
    with model_code(config.model.name, "added_terms"):
        return tuple(model.added_terms())


def _configured_not_enabled(plugins: PluginsConfig, host: PluginHost, objects: Mapping[str, Any]) -> Advice | None:
    """A note naming the plugins that have a ``[plugins.<name>]`` section but do not run because ``plugins.enabled``
    relies on ``all`` (every built-in plugin, so none from another package), and how to enable them; None when
    there are none. A list that names its plugins leaves the others out on purpose (``--plugins``, an ablation's
    configurations), so it gets no note."""
    if "all" not in plugins.enabled:
        return None
    idle = [name for name in plugins.sections() if name not in host.configs and name not in objects]
    if not idle:
        return None
    enabled = [*(name for name in plugins.enabled if name != "all" and name not in objects), *idle]
    enabled = ["all", *dict.fromkeys(enabled)]
    said = (f"configured but not enabled, so not run: {', '.join(f'[plugins.{name}]' for name in idle)} ('all' in "
            f"plugins.enabled means the built-in plugins only); enable with")  # fmt: skip
    in_file = f"or enabled = {json.dumps(enabled)} under [plugins] in the config"
    return Advice(f"{said} plugins={enabled!r} ({in_file})", f"{said} --plugins {','.join(enabled)} ({in_file})")


def check_plugins_given_back(cfg: MvaeConfig, run: RunDir, objects: dict[str, Any], epochs: int | None) -> None:
    """A resumed run gets back every plugin it was started with: registered ones by name, objects from the caller,
    but an object that :func:`~mvae_core.host.rebuilt_from_settings` constructs again (it may be given back, and need
    not). ``epochs``: the budget the caller asked for (None: none given), which the resume a refusal names carries."""
    versions = run.read_provenance().get("versions", {})
    used = {name: str(versions.get(name, "")) for name in cfg.plugins.enabled}
    registered = available_plugins()
    budget = [] if epochs is None else [f"epochs={epochs}"]
    for name, origin in used.items():
        if name in objects or (name in registered and not origin.startswith(OBJECT_ORIGIN)):
            continue
        if rebuilt_from_settings(name, origin, cfg.plugins.sections(), registered):
            continue
        if origin.startswith(OBJECT_ORIGIN):  # even where a registered plugin has its name: that is another plugin
            raise ResumeRefused(
                f"{run.path} was trained with plugin {name!r}, a Python object ({origin.removeprefix(OBJECT_ORIGIN)}); "
                f"resume it from Python with the plugin objects it was trained with: {run.resume_call(*budget)}"
            )
        package = run.read_provenance().get("packages", {}).get(name)
        install = f"install it (pip install '{package}=={origin}')" if package and origin else "install it"
        section = f" and its [plugins.{name}] section" if name in cfg.plugins.sections() else ""
        raise ResumeRefused(
            f"{run.path} was trained with plugin {name!r} (version {origin or 'unknown'}), which is not installed here; "
            f"{install}, or continue without it: remove it from [plugins] enabled{section} in {run.path / 'config.toml'}"
        )
    extra = sorted(set(objects) - set(used))
    if extra:
        raise ResumeRefused(
            f"{run.path} was not trained with {noun_for(len(extra), 'plugin')} {', '.join(extra)}; "
            "a resume keeps its plugins"
        )


def installed_versions(cfg: MvaeConfig) -> dict[str, str | None]:
    """The versions installed here of what ``cfg`` trains with, keyed as ``[provenance.versions]`` (None: not
    installed): mvae, the model's package and each enabled plugin's."""
    plugins = available_plugins()
    return {
        **code_versions(cfg.model.name),
        **{name: plugins[name].version if name in plugins else None for name in cfg.plugins.enabled},
    }


def split_plugins(plugins: str | Sequence[PluginSpec] | None) -> tuple[list[str], dict[str, Any]]:
    """Registered names, and plugin objects by name (``(name, object)`` pairs, or objects named after their class).
    One string is names, comma-separated (``"kl_anneal, ts_ramp"``), read as ``plugins.enabled`` reads it (and
    ``--plugins``): a :class:`ConfigError` for an empty name, ``none`` beside others or a name given twice."""
    if plugins is None:
        return [], {}
    if isinstance(plugins, str):
        try:
            return PluginsConfig.model_validate({"enabled": plugins}).enabled, {}  # its validator splits the names
        except ValidationError as exc:  # plugins.enabled = 'a,,b': an empty plugin name; …
            raise ConfigError(format_validation_error(exc, prefix="plugins.")) from None
    names, objects = [], {}
    for spec in plugins:
        if isinstance(spec, str):
            names.append(spec)
            continue
        if isinstance(spec, tuple) and (len(spec) != 2 or not isinstance(spec[0], str)):
            raise ConfigError(f"plugins: a pair is (name, plugin object), got {spec!r}")
        name, plugin = spec if isinstance(spec, tuple) else (_snake_case(spec), spec)
        if plugin is None or isinstance(plugin, int | float | bytes | list | dict | tuple):
            raise ConfigError(
                f"plugins: {plugin!r} is not a plugin; give names, plugin objects or (name, object) pairs"
            )
        if inspect.isclass(plugin):
            raise ConfigError(
                f"plugins: {name!r} is the class {plugin.__qualname__}, not a plugin object; pass "
                f"{plugin.__qualname__}() (its hooks are methods of an object)"
            )
        if name in objects:
            raise ConfigError(f"plugins: two plugin objects are named {name!r}; pass (name, object) pairs")
        objects[name] = plugin
    return names, objects


def _snake_case(plugin: Any) -> str:
    cls = plugin if inspect.isclass(plugin) or inspect.ismodule(plugin) else type(plugin)
    name = cls.__name__.rsplit(".", 1)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
