"""PluginHost: the plugins of one run registered with pluggy, every hook called through ``pm.hook``, every result
checked and combined.

Registration wraps each hook implementation (``HookImpl.function``) once, so that whatever pluggy calls it from,
an exception or a malformed result becomes a :class:`PluginError` naming the plugin and the hook (the machine running
out of memory there, which is no bug of the plugin, a :class:`~mvae_core.out_of_memory.RanOutIn`), messages the plugin
``emit``s or ``record``s are attributed to it, ``MVAE_TRACE_PLUGINS=1`` prints the call, and in a training it draws
from the plugins' random stream, not the training's (:class:`PluginRandom`). Within a hook the plugins
run in the order ``plugins.enabled`` names them (so their messages appear in that order); ``tryfirst``/``trylast``,
wrappers (``wrapper=True``, ``hookwrapper=True``) and pluggy's own tracing are pluggy's.
The combining methods (:meth:`PluginHost.epoch_multipliers`, :meth:`PluginHost.adjust_terms`, …) state the merge
rules of docs/hooks.md; the core never special-cases a plugin by name.
"""

from __future__ import annotations

import collections
import copy
import functools
import importlib.metadata
import inspect
import math
import os
import sys
import traceback
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pluggy
import torch
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from mvae_core import hookspecs
from mvae_core.config import (
    ConfigError,
    MvaeConfig,
    PluginsConfig,
    dotted_settings,
    format_validation_error,
    settings_tree,
)
from mvae_core.epoch_labels import LABEL
from mvae_core.errors import InputError, shortened
from mvae_core.out_of_memory import RanOutIn, memory_ran_out
from mvae_core.plugins import (
    ConfigRefused,
    PluginError,
    PluginInfo,
    available_plugins,
    check_hooks,
    may_change_on_resume,
    resolve_enabled,
    validated_sections,
)
from mvae_core.provenance import distribution_version
from mvae_core.registry import package_of, suggested_path_part
from mvae_core.view import PluginOutbox, TrainerView

TRACE_ENV = "MVAE_TRACE_PLUGINS"
"""Set to 1 (or true, yes, on) to print every hook implementation's call (plugin, arguments, result) on stderr; 0
(false, no, off), empty or unset: no trace. Another value is an :class:`InputError` (:func:`tracing`)."""
TRACE_WORDS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False,
               "off": False, "": False}  # fmt: skip
OBJECT_ORIGIN = "object "
"""How a plugin handed over as a Python object is named as its origin and version (``object module:Class``), also
in a run's ``[provenance.versions]``."""


def tracing() -> bool:
    """Whether ``$MVAE_TRACE_PLUGINS`` asks for a trace (case and surrounding spaces ignored); a value that is none
    of :data:`TRACE_WORDS` is an :class:`InputError` naming the variable (``true`` was silently no trace)."""
    value = os.environ.get(TRACE_ENV, "")
    if (word := value.strip().lower()) not in TRACE_WORDS:
        on, off = ([w for w, traced in TRACE_WORDS.items() if traced is want and w] for want in (True, False))
        raise InputError(f"{TRACE_ENV}={value!r}: set it to {', '.join(on)} to print every plugin hook call on "
                         f"stderr, or to {', '.join(off)} (or leave it unset) for no trace")  # fmt: skip
    return TRACE_WORDS[word]


CHECK_CONFIG = "mvae_check_config"
"""The hook in which a :class:`~mvae_core.config.ConfigError` is a plugin's refusal of the config
(:class:`~mvae_core.plugins.ConfigRefused`), not its failure."""
TRAINING_STREAM_HOOKS = frozenset({"mvae_loss"})
"""The hooks whose implementations draw from the training's own random stream: ``mvae_loss`` computes part of the
training step, as the model does (its ``split="val"`` calls draw from the plugin stream:
:meth:`PluginHost.adjust_terms`)."""
START_HOOKS = frozenset({"mvae_load_state_dict", "mvae_ramp_end", "mvae_train_start", "mvae_state_dict"})
"""The hooks a resume calls again (or at a point an uninterrupted run does not: ``mvae_state_dict`` at a pause): each
call of a plugin's implementation starts from that plugin's start-up state (:meth:`PluginRandom.stream`), the same at
every call, so what they draw changes neither stream a resume continues."""
LR_HOOKS = frozenset(
    name
    for name, spec in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("mvae_") and "trainer" in inspect.signature(spec).parameters
)
"""The hooks after which each implementation's learning rates are checked (:func:`lr_problem`): every hook handed
the trainer, whose ``trainer.optimizer.param_groups[i]["lr"]`` a plugin may set in any of them (docs/hooks.md): one
set after validation (``mvae_epoch_end``, as a plateau schedule does) is the next epoch's."""
PLUGIN_STREAM = 0x706C7567
"""The entropy word beside ``train.seed`` that seeds the plugins' random states: the core's other seeds from
``train.seed`` (``[seed, rank]``, ``[seed, epoch, rank]``) never hold this value there."""


class PluginRandom:
    """torch's global random state while plugin hooks run: the plugin stream, or a plugin's start-up state.

    A hook implementation (but those of :data:`TRAINING_STREAM_HOOKS`) runs with torch's global CPU random state, and
    the CUDA one of ``device`` on a CUDA run, swapped for the plugin stream (``state``, seeded from ``seed``, the same
    in every process), which is put back after it with the training's stream: the training draws the same numbers
    whether or not plugins draw. The trainer saves ``state`` in every checkpoint and restores it, so the plugins'
    draws continue across a resume too. Hooks of :data:`START_HOOKS` draw from a state seeded from (``seed``, the
    plugin's name) at every call, and leave the plugin stream as it was. Hook calls nest (a hook wrapper around other
    implementations): the inner ones draw from the state the outermost set."""

    seed: int
    cuda: torch.device | None
    """The CUDA device whose random state is swapped too; None on a run without CUDA."""
    state: dict[str, torch.Tensor]
    """The plugin stream: ``cpu``, and ``cuda`` on a CUDA run (torch generator states)."""

    def __init__(self, seed: int, device: torch.device) -> None:
        self.seed = seed
        self.cuda = device if device.type == "cuda" else None
        self.state = self.seeded()
        self._inside = False

    def seeded(self, *entropy: int) -> dict[str, torch.Tensor]:
        """The state seeded from (``seed``, :data:`PLUGIN_STREAM`, ``*entropy``): ``cpu``, and ``cuda`` on a CUDA
        run."""
        seed = int(np.random.SeedSequence([self.seed, PLUGIN_STREAM, *entropy]).generate_state(1)[0])
        state = {"cpu": torch.Generator().manual_seed(seed).get_state()}
        if self.cuda is not None:
            state["cuda"] = torch.Generator(self.cuda).manual_seed(seed).get_state()
        return state

    def load(self, state: dict[str, torch.Tensor]) -> None:
        """Continue the plugin stream from a checkpoint's ``state`` (a run on CPU ignores its ``cuda`` part; a CUDA
        run of a CPU checkpoint keeps its seeded CUDA state). A state torch cannot take raises here, not in a hook."""
        torch.Generator().set_state(state["cpu"])
        self.state = {"cpu": state["cpu"]} | ({"cuda": state.get("cuda", self.state["cuda"])} if self.cuda else {})

    @contextmanager
    def stream(self, plugin: str | None = None) -> Iterator[None]:
        """Within the block, torch's global random state is the plugin stream (``plugin`` None), or ``plugin``'s
        start-up state; after it, the caller's again, and the plugin stream where the block's draws left it."""
        if self._inside:
            yield
            return
        caller = self._current()
        self._set(self.state if plugin is None else self.seeded(zlib.crc32(plugin.encode())))
        self._inside = True
        try:
            yield
        finally:
            self._inside = False
            if plugin is None:
                self.state = self._current()
            self._set(caller)

    def _current(self) -> dict[str, torch.Tensor]:
        state = {"cpu": torch.get_rng_state()}
        if self.cuda is not None:
            state["cuda"] = torch.cuda.get_rng_state(self.cuda)
        return state

    def _set(self, state: dict[str, torch.Tensor]) -> None:
        torch.set_rng_state(state["cpu"])
        if self.cuda is not None:
            torch.cuda.set_rng_state(state["cuda"], self.cuda)


class BadResult(ValueError):
    """A hook returned something its contract does not allow; the message completes ``plugin 'x': <hook> ...``."""


@dataclass
class Multipliers:
    """Loss-weight multipliers per term (the product of every plugin's) and, per term, the ``[plugin, hook]`` pairs
    that set it (for error messages; plain lists, so they go into a mid-epoch checkpoint as they are)."""

    values: dict[str, float] = field(default_factory=dict)
    sources: dict[str, list[list[str]]] = field(default_factory=dict)

    def multiply(self, term: str, value: float, setters: list[list[str]]) -> None:
        """In place: ``term``'s multiplier times ``value`` (1 before any), which ``setters`` set: the one rule by
        which multipliers combine."""
        self.values[term] = self.values.get(term, 1.0) * value
        self.sources.setdefault(term, []).extend(setters)

    def times(self, other: Multipliers) -> Multipliers:
        """Both sets combined: multipliers of the same term multiply."""
        if not other.values:
            return self
        combined = Multipliers(dict(self.values), {t: list(s) for t, s in self.sources.items()})
        for term, value in other.values.items():
            combined.multiply(term, value, other.sources.get(term, []))
        return combined

    def applied(self, terms: Iterable[str]) -> dict[str, float]:
        """``{term: multiplier}`` for every term of the run (1 where nobody set one); a multiplier for a term the run
        does not have is a :class:`PluginError` naming the plugin and its hook."""
        terms = list(terms)
        for term, setters in self.sources.items():
            if term not in terms:
                plugin, hook = setters[0]
                raise PluginError(
                    f"plugin {plugin!r}: {hook} returned unknown term {term!r}; this step's terms are {terms} "
                    "(the core's, and those plugins' mvae_loss returned in this step: a plugin that adds a term "
                    "returns it in every training step, a multiplier of 0 switching it off; docs/hooks.md)"
                )
        return {term: self.values.get(term, 1.0) for term in terms}


class PluginHost:
    """Registered plugins of one run and the calls the trainer makes into them (``host.hook.<name>(...)``)."""

    versions: dict[str, str]
    configs: dict[str, BaseModel]
    packages: dict[str, str]
    """The distribution of each plugin from a package (what ``[provenance.packages]`` records)."""
    pm: pluggy.PluginManager
    outbox: PluginOutbox | None
    optimizer: torch.optim.Optimizer | None
    """The run's optimiser, whose learning rates are checked after the hooks of :data:`LR_HOOKS` (None: not bound)."""
    lr_setters: dict[str, str]
    """The plugins that set a learning rate in this run so far, each with the (first) hook it did so in."""
    random: PluginRandom | None
    hook: pluggy.HookRelay

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
        # what [provenance.packages] records: the distribution of each plugin from a package
        self.packages = {name: package for name, origin in origins.items() if (package := package_of(origin))}

        def label(name: str) -> str:  # start-up errors name the package a plugin came from
            return f"{name!r} ({origins[name]})" if name in origins else repr(name)

        first: dict[int, str] = {}  # pluggy's own refusal printed the manager's table on two lines
        for name, plugin in plugins.items():
            if (other := first.setdefault(id(plugin), name)) != name:
                raise PluginError(
                    f"plugins {other!r} and {name!r} are the same object ({_qualified(plugin)}); a plugin keeps its "
                    "state in itself, so pass a new instance for each name"
                )
        for name, plugin in plugins.items():  # objects too (an installed one's class was checked when imported): a
            check_hooks(plugin, f"plugin {name!r}")  # hook pluggy would never call, a misspelt one, with a did-you-mean
        self.pm = pluggy.PluginManager("mvae")
        self.pm.add_hookspecs(hookspecs)
        # pluggy calls the last registered first: registered backwards, the plugins run (and their messages appear)
        # in the order plugins.enabled names them
        for name, plugin in reversed(plugins.items()):
            try:
                self.pm.register(plugin, name=name)
            except pluggy.PluginValidationError as exc:
                raise PluginError(f"plugin {label(name)} has an invalid hook: {one_line(exc)}") from None
            except ValueError as exc:  # the same object or name twice
                raise PluginError(f"plugin {label(name)} cannot be registered: {exc}") from None
        self.outbox = self.optimizer = None
        self.lr_setters = {}
        self.random = None  # set by the trainer: no swap of random states before
        self._returned: list[tuple[Any, str]] = []  # (result, plugin) of the implementations of the call in progress
        self._trace = _trace_line if tracing() else None
        for plugin in plugins.values():
            for caller in self.pm.get_hookcallers(plugin) or []:
                for impl in caller.get_hookimpls():
                    if impl.plugin is plugin:
                        impl.function = self._attributed(impl, caller.name)
        self.hook = self.pm.hook

    @classmethod
    def from_config(
        cls,
        plugins: PluginsConfig,
        available: dict[str, PluginInfo] | None = None,
        objects: dict[str, Any] | None = None,
    ) -> PluginHost:
        """The host of the enabled plugins: registered ones constructed from their validated sections, plus plugin
        ``objects`` handed over by a Python caller (named by their keys, listed in ``plugins.enabled``).

        An object under the name of a registered plugin (built-in or installed) must be an instance of that plugin's
        class (the plugin itself, built in Python, e.g. with its own settings); another object may not take the
        name, as an entry point may not (:func:`mvae_core.registry.discover`): that is a :class:`PluginError` naming
        both, raised before anything is constructed.

        An object with a settings model (:func:`object_settings`) has its settings in :attr:`configs`, so that
        :meth:`resolved` records them as ``[plugins.<name>]``; a section of ``plugins`` for it (a run's
        ``config.toml`` that recorded them) must hold the object's own settings (:func:`check_object_section`).
        Its version (:func:`object_version`) names its class and the distribution that class comes from."""
        available = available_plugins() if available is None else available
        objects = objects or {}
        for name, plugin in objects.items():
            if name in available and not _is_instance_of(plugin, available[name]):
                raise PluginError(
                    f"plugin {name!r} from object {_qualified(plugin)} has the name of a {available[name].origin} "
                    f"plugin; give the object another name with a (name, object) pair"
                )
        settings = {name: config for name, plugin in objects.items() if (config := object_settings(plugin)) is not None}
        sections = plugins.sections()
        for name, config in settings.items():
            if name in sections:
                check_object_section(name, sections[name], config)
        # the sections of those objects checked: each object is configured by itself
        left = PluginsConfig(enabled=plugins.enabled, **{n: s for n, s in sections.items() if n not in settings})
        instances, versions, origins = {}, {}, {}
        configs = validated_sections(left, available, set(objects))
        for name, config in configs.items():
            info = available[name]
            instances[name], versions[name], origins[name] = construct(info, config), info.version, info.origin
        for name, plugin in objects.items():
            instances[name], origins[name] = plugin, f"{OBJECT_ORIGIN}{_qualified(plugin)}"
            versions[name] = object_version(plugin)
        order = _enabled_order(plugins, available, objects)
        return cls({n: instances[n] for n in order}, versions, configs | settings, origins)

    def bind(self, outbox: PluginOutbox, optimizer: torch.optim.Optimizer | None = None) -> None:
        """The outbox of the trainer view whose ``emit``/``record`` calls are attributed to the plugin being called,
        and the run's ``optimizer``, whose learning rates a plugin may set (checked after :data:`LR_HOOKS`)."""
        self.outbox, self.optimizer = outbox, optimizer

    def resolved(self) -> PluginsConfig:
        """The plugins section as run: every plugin by name (objects too), in the order they run in (so a resume
        calls them in that order again), and every registered plugin's full config."""
        sections = {name: settings_tree(config) for name, config in self.configs.items()}
        return PluginsConfig(enabled=self.names, **sections)

    @property
    def names(self) -> list[str]:
        """The plugins in the order ``plugins.enabled`` names them, the order their hooks are called in."""
        return [name for name, _ in reversed(self.pm.list_name_plugin())]

    def implementing(self, *hooks: str) -> list[str]:
        """The plugins that implement any of ``hooks``, in :attr:`names` order."""
        found = {impl.plugin_name for hook in hooks for impl in getattr(self.hook, hook).get_hookimpls()}
        return [name for name in self.names if name in found]

    def may_change_on_resume(self, key: str) -> bool:
        """Whether ``key`` (``plugins.<name>.<setting>...``) is a setting that its plugin's config marks
        :data:`~mvae_core.plugins.MAY_CHANGE_ON_RESUME`."""
        section, _, rest = key.partition(".")
        name, _, setting = rest.partition(".")
        if section != "plugins" or name not in self.configs:
            return False
        return may_change_on_resume(type(self.configs[name]), setting)

    def wants(self, argument: str, *hooks: str) -> bool:
        """Whether any implementation of ``hooks`` declares ``argument`` (so the core computes it only then)."""
        return any(
            argument in impl.argnames or argument in impl.kwargnames
            for hook in hooks
            for impl in getattr(self.hook, hook).get_hookimpls()
        )

    # -- collecting results (merge rules: docs/hooks.md) --------------------------------------------------------

    def check_config(self, config: MvaeConfig) -> None:
        """Every enabled plugin's ``mvae_check_config`` with ``config``, the run's config as it would train: a plugin
        that refuses it raises :class:`~mvae_core.plugins.ConfigRefused` (a :class:`ConfigError` naming the plugin,
        then the field); one that fails, a :class:`PluginError` naming the plugin and the hook. What they draw from
        torch's global random state moves no stream: the caller's state is put back after them (CPU; a check has no
        business on a device)."""
        with torch.random.fork_rng(devices=[]):
            self.hook.mvae_check_config(config=config)

    def declarations(self, hook: str, config: MvaeConfig, kind: type) -> list[tuple[str, Any]]:
        """``(plugin, result)`` of every plugin's ``hook`` (``mvae_added_terms``, ``mvae_watched_entries``, called
        with ``config``) that returned something, each called alone so that its result is known to be its own; a
        result of another type than ``kind``, or holding anything but strings, is a :class:`PluginError` naming the
        plugin."""
        results = []
        for name in self.implementing(hook):
            for result in self._only(name, hook)(config=config):
                items = [*result.keys(), *result.values()] if isinstance(result, dict) else result
                if not isinstance(result, kind) or not all(isinstance(item, str) for item in items):
                    shape = "a list of term names" if kind is list else "a dict of {setting: entry} strings"
                    raise PluginError(f"plugin {name!r}: {hook} must return {shape} or None, got {result!r}")
                if hook == "mvae_added_terms":  # refused here, before any data, not at mvae_loss' first step
                    for term in result:
                        if (problem := term_name_problem(term)) is not None:
                            raise PluginError(f"plugin {name!r}: {hook} declares a term named {term!r}; {problem}")
                results.append((name, result))
        return results

    def ramps_end(self, view: TrainerView) -> int:
        """The latest ``mvae_ramp_end`` over all plugins; 0 when none ramps."""
        return max(self._collect(self.hook.mvae_ramp_end, trainer=view), default=0)

    def epoch_multipliers(self, view: TrainerView, epoch: int) -> Multipliers:
        return self._multipliers(self.hook.mvae_loss_weights, trainer=view, epoch=epoch)

    def step_multipliers(self, view: TrainerView, epoch: int, step: int) -> Multipliers:
        return self._multipliers(self.hook.mvae_step_start, trainer=view, epoch=epoch, step=step)

    def adjust_terms(
        self, view: TrainerView, batch: torch.Tensor, output: Any, terms: dict[str, torch.Tensor], split: str
    ) -> tuple[dict[str, torch.Tensor], dict[str, str], dict[str, str]]:
        """The batch's terms after every ``mvae_loss`` result, ``{replaced term: plugin}`` and ``{added term:
        plugin}``. A term replaced, or added, by two plugins is a :class:`PluginError` naming both."""
        # validation only watches the training: its calls draw from the plugin stream
        random = self.random if split != "train" and self.hook.mvae_loss.get_hookimpls() else None
        with random.stream() if random is not None else nullcontext():
            results = self._collect(self.hook.mvae_loss, trainer=view, batch=batch, output=output, terms=dict(terms),
                                    split=split, keep_origins=True)  # fmt: skip
        if not results:
            return terms, {}, {}
        adjusted = dict(terms)
        replaced: dict[str, str] = {}  # term: the plugin that replaced it
        added: dict[str, str] = {}  # term: the plugin that added it
        for result, plugin in results:
            for name, value in result.items():
                claimed = replaced if name in terms else added
                if name in claimed:
                    verb = "replace" if claimed is replaced else "add"
                    clash = f"plugins {claimed[name]!r} and {plugin!r} both {verb} the loss term {name!r} in mvae_loss"
                    fix = (
                        "enable only one of them ({} of a new run, or [plugins] enabled in the config.toml of the "
                        "run to {})"
                    )
                    raise PluginError(
                        f"{clash}; {fix.format('plugins=', 'resume')}",
                        command_line=f"{clash}; {fix.format('--plugins', '--resume')}",
                    )
                if claimed is replaced and split == "train":
                    _check_replacement_learns(plugin, name, value)
                claimed[name] = plugin
                adjusted[name] = value
        return adjusted, replaced, added

    def validation_ended(self, view: TrainerView, epoch: int, metrics: dict[str, Any]) -> None:
        """Run every ``mvae_validation_end`` with a deep copy of ``metrics`` (the epoch's validation numbers), as
        :meth:`stop_requests` hands its record: a plugin that changes it, nested tables included, changes nothing
        the core writes."""
        self.hook.mvae_validation_end(trainer=view, epoch=epoch, metrics=copy.deepcopy(metrics))

    def stop_requests(self, view: TrainerView, epoch: int, metrics: dict[str, Any]) -> list[str]:
        """Run every ``mvae_epoch_end``, then collect the stop reasons as ``"plugin: reason"``. The plugins get a deep
        copy of ``metrics`` (the epoch's record), so one that changes it, nested tables included, changes neither
        the record the core writes nor ``trainer.multipliers`` (whose dict is the record's ``weights``)."""
        seen = copy.deepcopy(metrics)
        results = self._collect(self.hook.mvae_epoch_end, trainer=view, epoch=epoch, metrics=seen, keep_origins=True)
        return [f"{plugin}: {reason}" for reason, plugin in results if reason]

    def state_dict(self, view: TrainerView) -> dict[str, Any]:
        """Each plugin's state under its name (``mvae_state_dict`` is called per plugin)."""
        states = {}
        for name in self.names:
            results = self._only(name, "mvae_state_dict")(trainer=view)
            if results:
                states[name] = results[0]
        return states

    def load_state_dict(self, states: dict[str, Any]) -> None:
        """Hand each plugin the state it saved (plugins without saved state are not called)."""
        for name in self.names:
            if name in states:
                self._only(name, "mvae_load_state_dict")(state=states[name])

    # -- internals ----------------------------------------------------------------------------------------------

    def _multipliers(self, hook: pluggy.HookCaller, **kwargs: Any) -> Multipliers:
        """Every plugin's ``{term: multiplier}`` result of ``hook``, combined (:meth:`Multipliers.multiply`)."""
        combined = Multipliers()
        for weights, plugin in self._collect(hook, keep_origins=True, **kwargs):
            for term, value in weights.items():
                combined.multiply(term, float(value), [[plugin, hook.name]])
        return combined

    def _collect(self, hook: pluggy.HookCaller, keep_origins: bool = False, **kwargs: Any) -> list[Any]:
        """``hook(**kwargs)``'s results; with ``keep_origins``, as ``(result, plugin)`` pairs. pluggy returns the
        non-None results in call order, as the implementations returned them, unless a hook wrapper changed the list:
        then each result is matched by identity, and one no plugin returned is attributed to "a hook wrapper"."""
        self._returned.clear()
        try:
            results = hook(**kwargs)
            returned = self._returned
            if len(returned) == len(results) and all(r is mine for r, (mine, _) in zip(results, returned, strict=True)):
                return returned.copy() if keep_origins else results
            self._check_wrapped(hook, results)
            origins = [(r, next((p for mine, p in returned if mine is r), "a hook wrapper")) for r in results]
            return origins if keep_origins else results
        finally:
            self._returned.clear()

    def _check_wrapped(self, hook: pluggy.HookCaller, results: Any) -> None:
        """What a hook wrapper made of ``hook``'s results: a list, whose items no plugin returned pass the hook's
        result check, or a :class:`PluginError` naming the wrappers (a dict where the list belongs crashed training
        far from the plugin; a string was read a character at a time as stop reasons)."""
        wrappers = ", ".join(repr(i.plugin_name) for i in hook.get_hookimpls() if i.wrapper or i.hookwrapper)
        if not isinstance(results, list):
            raise PluginError(
                f"plugin {wrappers}: a wrapper of {hook.name} must return the list of results its yield gave (changed "
                f"or not), got {type(results).__name__}"
            )
        check = RESULT_CHECKS.get(hook.name)
        for result in results:
            if check is not None and not any(result is mine for mine, _ in self._returned):
                try:
                    check(result)
                except BadResult as exc:
                    raise PluginError(f"plugin {wrappers}: {hook.name} (a result its wrapper added) {exc}") from None

    def _rates(self) -> list[Any]:
        """The optimiser's learning rates, as its parameter groups hold them (none when no optimiser is bound)."""
        return [group["lr"] for group in self.optimizer.param_groups] if self.optimizer is not None else []

    def _check_lr(self, plugin: str, hook: str) -> None:
        """A :class:`PluginError` naming ``plugin`` and ``hook`` when a learning rate of the optimiser is not one
        (:func:`lr_problem`) after that implementation set one: torch failed later with a traceback naming no plugin, or
        the run trained on to a non-finite loss blamed on ``train.lr``."""
        for i, group in enumerate(self.optimizer.param_groups if self.optimizer is not None else []):
            if (problem := lr_problem(group["lr"])) is not None:
                raise PluginError(
                    f"plugin {plugin!r}: {hook} set optimizer.param_groups[{i}]['lr'] to {problem}; a learning rate is "
                    "a finite number >= 0 (a Python float; numpy numbers and 0-d floating-point tensors are taken too)"
                )

    def _only(self, name: str, hook: str) -> Callable[..., list[Any]]:
        """``hook`` of the plugin ``name`` alone (and its own wrappers), through pluggy."""
        others = [plugin for other, plugin in self.pm.list_name_plugin() if other != name]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def _stream(self, hook: str, plugin: str) -> AbstractContextManager[None]:
        """The random state ``plugin``'s implementation of ``hook`` draws from (:class:`PluginRandom`)."""
        if self.random is None or hook in TRAINING_STREAM_HOOKS:
            return nullcontext()
        return self.random.stream(plugin if hook in START_HOOKS else None)

    @contextmanager
    def _speaking(self, plugin: str, hook: str, function: Callable[..., Any]) -> Iterator[None]:
        """While ``plugin``'s implementation of ``hook`` (``function``) runs, ``emit``/``record`` are attributed to it,
        and an error it raises becomes a :class:`PluginError` naming it, the hook and, when the traceback passes
        through it, the innermost line of the plugin's own code (``(at file:line)``; the CLI shows no traceback);
        but the machine running out of memory there (:func:`~mvae_core.out_of_memory.memory_ran_out`) is no bug of
        the plugin: that becomes a :class:`~mvae_core.out_of_memory.RanOutIn` saying where, which a training ends
        with as it ends with any memory running out (:func:`~mvae_core.run_ending.machine_limits`). One raised by
        another plugin that a wrapper wraps passes through as it is."""
        outbox = self.outbox
        previous = (outbox.speaker, outbox.hook) if outbox is not None else (plugin, hook)
        if outbox is not None:
            outbox.speaker, outbox.hook = plugin, hook
        try:
            yield
        except (PluginError, ConfigRefused, RanOutIn):
            raise
        except ConfigError as exc:
            if hook != CHECK_CONFIG:
                raise self._failure(plugin, hook, function, exc) from exc
            raise ConfigRefused.by(plugin, exc) from exc
        except Exception as exc:
            if memory_ran_out(exc) is not None:
                raise RanOutIn(f"in {hook} of plugin {plugin!r}") from exc
            raise self._failure(plugin, hook, function, exc) from exc
        finally:
            if outbox is not None:
                outbox.speaker, outbox.hook = previous

    @staticmethod
    def _failure(plugin: str, hook: str, function: Callable[..., Any], exc: Exception) -> PluginError:
        """The :class:`PluginError` of ``plugin``'s implementation of ``hook`` (``function``) that raised ``exc``:
        the plugin, the hook, the error and, when the traceback passes through it, the plugin's own line."""
        where = own_code_line(exc, function)
        return PluginError(
            f"plugin {plugin!r} failed in {hook}: {type(exc).__name__}: {one_line(exc)}"
            + (f" (at {where})" if where else "")
        )

    def _attributed(self, impl: pluggy.HookImpl, hook: str) -> Callable[..., Any]:
        """``impl.function`` wrapped: errors and bad results name the plugin, emits are attributed, calls traced."""
        function, plugin, check = impl.function, impl.plugin_name, RESULT_CHECKS.get(hook)
        names = [*impl.argnames, *impl.kwargnames]

        if impl.wrapper or impl.hookwrapper:

            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self._speaking(plugin, hook, function), self._stream(hook, plugin):
                    return (yield from function(*args, **kwargs))

            return wrapper

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            rates = self._rates() if hook in LR_HOOKS else None
            with self._speaking(plugin, hook, function), self._stream(hook, plugin):
                result = function(*args, **kwargs)
            if rates is not None and any(a is not b for a, b in zip(rates, self._rates(), strict=False)):
                self.lr_setters.setdefault(plugin, hook)
                self._check_lr(plugin, hook)
            if self._trace is not None:
                self._trace(hook, plugin, dict(zip(names, args, strict=False)) | kwargs, result)
            if result is not None:
                if check is not None:
                    try:
                        check(result)
                    except BadResult as exc:
                        raise PluginError(f"plugin {plugin!r}: {hook} {exc}") from None
                self._returned.append((result, plugin))
            return result

        return call


def construct(info: PluginInfo, config: BaseModel) -> Any:
    """The plugin of ``info``: a class is constructed with its validated config when its ``__init__`` takes an
    argument, without one otherwise; a module is used as it is."""
    factory = info.factory()
    if not inspect.isclass(factory):
        return factory
    try:
        takes_config = bool(inspect.signature(factory).parameters)
        return factory(config) if takes_config else factory()
    except Exception as exc:
        where = own_code_line(exc, factory.__init__)  # the plugin's own line, as for a hook that raises
        raise PluginError(
            f"plugin {info.name!r} ({info.origin}) failed to start: {type(exc).__name__}: {one_line(exc)}"
            + (f" (at {where})" if where else "")
        ) from exc


def object_settings(plugin: Any) -> BaseModel | None:
    """The settings of a plugin object: its ``config`` when that is an instance of its class's ``Config``, a pydantic
    model (as the built-ins' and docs/plugins.md's plugins have them) whose settings a config can write
    (:func:`~mvae_core.config.settings_tree`); None for an object without such a settings model, of which a run
    records only its class."""
    model = getattr(type(plugin), "Config", None)
    config = getattr(plugin, "config", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel) and isinstance(config, model)):
        return None
    try:
        settings_tree(config)
    except PydanticSerializationError:  # a setting of a type no config file can hold: an object without settings
        return None
    return config


def check_object_section(name: str, section: Any, config: BaseModel) -> None:
    """A ``[plugins.<name>]`` section given with plugin object ``name`` (a run's ``config.toml`` records the object's
    settings there) holds the settings ``config`` of that object, validated by its ``Config``; else a
    :class:`~mvae_core.config.ConfigError` naming each setting with both values (the object configures itself: a
    section cannot give it other settings)."""
    model = type(config)
    try:
        given = dotted_settings(settings_tree(model.model_validate(section)))
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, f"plugins.{name}.", model)) from None
    own = dotted_settings(settings_tree(config))
    if differ := [key for key in dict.fromkeys([*given, *own]) if given.get(key) != own.get(key)]:
        values = ", ".join(f"{key} {given.get(key)!r} here, {own.get(key)!r} in the object" for key in differ)
        raise ConfigError(
            f"plugins.{name}: the plugin object {name!r} has other settings than this section ({values}); a run's "
            "config.toml records the settings its plugin objects trained with, so give an object with those, or (a "
            "new run) leave the section out: the object configures itself"
        )


def object_version(plugin: Any) -> str:
    """What ``[provenance.versions]`` records of a plugin object: ``object module:Class`` (:data:`OBJECT_ORIGIN`),
    and ``from <distribution> <version>`` when its class comes from an installed distribution (``object
    mvae_plugins.kl_anneal:KlAnneal from mvae 0.1.0``); a class of a script or notebook names none."""
    cls = type(plugin)
    origin = f"{OBJECT_ORIGIN}{_qualified(plugin)}"
    top = cls.__module__.partition(".")[0]
    distribution = next(iter(importlib.metadata.packages_distributions().get(top, [])), None)
    version = None if distribution is None else distribution_version(distribution)
    return origin if version is None else f"{origin} from {distribution} {version}"


def object_class(version: str) -> str | None:
    """The class (``module:Class``) that a ``[provenance.versions]`` entry of a plugin object (:func:`object_version`)
    names; None for an entry of a registered plugin (its version)."""
    if not version.startswith(OBJECT_ORIGIN):
        return None
    return version.removeprefix(OBJECT_ORIGIN).partition(" ")[0]


def object_class_version(version: str) -> str | None:
    """The version of its distribution that a plugin object's ``[provenance.versions]`` entry (:func:`object_version`)
    names (``object mvae_plugins.kl_anneal:KlAnneal from mvae 0.1.0`` → ``0.1.0``); None when it names none (a class
    of a script, a run recorded before objects named one, or an entry of a registered plugin)."""
    if object_class(version) is None:
        return None
    words = version.removeprefix(OBJECT_ORIGIN).split()
    return words[3] if len(words) == 4 and words[1] == "from" else None


def is_registered_class(plugin_class: str, info: PluginInfo) -> bool:
    """Whether ``plugin_class`` (``module:Class``, :func:`object_class`) is the class of the registered plugin
    ``info`` (imported; a plugin that fails to import is not)."""
    try:
        factory = info.imported()
    except PluginError:
        return False
    return inspect.isclass(factory) and _qualified(factory) == plugin_class


def rebuilt_from_settings(
    name: str, version: str, sections: Collection[str], registered: Mapping[str, PluginInfo] | None = None
) -> bool:
    """Whether the plugin ``name`` that a run trained as a Python object (its ``[provenance.versions]`` entry
    ``version``, :func:`object_version`) can be constructed again without the object: its class is the ``registered``
    plugin of that name (the same class, not a subclass; default: :func:`available_plugins`), and the run recorded its
    settings (``name`` in ``sections``, its ``[plugins.<name>]`` tables: :func:`object_settings`), which construct it
    as they construct the registered plugin. An object of another class (a notebook's), or one without a settings
    model, is not."""
    plugin_class = object_class(version)
    if plugin_class is None or name not in sections:
        return False
    registered = available_plugins() if registered is None else registered
    return name in registered and is_registered_class(plugin_class, registered[name])


def _enabled_order(plugins: PluginsConfig, available: dict[str, PluginInfo], objects: dict[str, Any]) -> list[str]:
    """Registered and object plugins in the order ``plugins.enabled`` names them, ``all`` expanded where it stands
    (:func:`resolve_enabled`); each once, since a name given twice, or a built-in beside ``all``, was refused before
    (:class:`~mvae_core.config.PluginsConfig`, :func:`~mvae_core.plugins.expand_all`)."""
    order = [[name] if name in objects else resolve_enabled([name], available, objects) for name in plugins.enabled]
    return [name for names in order for name in names]


def _is_instance_of(plugin: Any, info: PluginInfo) -> bool:
    """``plugin`` is an object of the registered plugin ``info``'s class (which this imports)."""
    factory = info.factory()
    return isinstance(factory, type) and isinstance(plugin, factory)


def _qualified(plugin: Any) -> str:
    cls = plugin if inspect.ismodule(plugin) or inspect.isclass(plugin) else type(plugin)
    return f"{cls.__module__}:{cls.__qualname__}" if not inspect.ismodule(cls) else cls.__name__


# -- result checks: each raises BadResult with the end of a message "plugin 'x': <hook> ..." --------------------------


def lr_problem(value: Any) -> str | None:
    """What is wrong with ``value`` as a learning rate (``str '0.001'``, ``nan``, ``-0.1``), or None when it is a
    finite number >= 0: a Python or numpy int or float (not a bool), or a 0-d floating-point tensor."""
    if isinstance(value, torch.Tensor):
        if value.dim() or not value.is_floating_point():
            return f"a {str(value.dtype).removeprefix('torch.')} tensor of shape {list(value.shape)}"
        number = value.item()
    elif isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return f"{type(value).__name__} {shortened(repr(value))}"
    else:
        number = float(value)
    return None if math.isfinite(number) and number >= 0 else repr(number)


def _check_ramp_end(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        # a schedule's end_epoch() is a float (20.0): "a whole number" alone read as if 20.0 were refused for its value
        convert = "; return an int (math.ceil of a schedule's end_epoch())" if isinstance(value, float) else ""
        if isinstance(value, np.integer) and value >= 0:  # computed with numpy: its value is fine, not its type
            convert = "; return a Python int (convert with int(...))"
        raise BadResult(
            f"must return a whole number of epochs >= 0 (or None), got {type(value).__name__} {value!r}{convert}"
        )


def _check_multipliers(value: Any) -> None:
    if not isinstance(value, dict):
        raise BadResult(f"must return a dict of {{term: multiplier}}, got {type(value).__name__}")
    for term, multiplier in value.items():
        if not isinstance(term, str):
            raise BadResult(f"returned a term named {term!r}; term names are strings")
        if isinstance(multiplier, bool) or not isinstance(multiplier, int | float):
            raise BadResult(
                f"returned {term!r} = {multiplier!r}, a {type(multiplier).__name__}; a multiplier is a Python int or "
                "float (convert with float(...))"
            )
        if not math.isfinite(multiplier) or multiplier < 0:
            raise BadResult(f"returned {term!r} = {multiplier!r}; a multiplier must be a finite number >= 0")


def term_name_problem(name: str) -> str | None:
    """Why a plugin's loss term cannot be named ``name`` (what ``mvae_loss`` returns, what ``mvae_added_terms``
    declares), with the name to use instead; None for a name it may have. A term's name is one part of the dotted
    paths that name its numbers (``train.<term>``, ``val.<term>``, ``weights.<term>``: ``mvae plot --metric``,
    summary.csv, a setting's watched entry), which are split at dots, so it has no dot, as a plugin's name and a
    recorded number's key have none. Nor is it a label of the console's epoch line
    (:data:`~mvae_core.epoch_labels.LABEL`: ``loss``, ``elbo``, …), which would show the term's number beside its own
    under one label. A core term's name (``kl``) is not refused here: ``mvae_loss`` returning it replaces that
    term."""
    if not name or name == "total":
        return "use a non-empty name other than 'total'"
    if name in LABEL:
        return (
            f"a label the epoch line shows of its own ({', '.join(LABEL)}), which the term would share; use another "
            f"name, e.g. {name + '_term'!r}"
        )
    if (fitted := suggested_path_part(name)) is not None:
        return (
            "a term's name has no dot or surrounding spaces (it is one part of paths such as val.<term>, split at "
            f"dots by mvae plot --metric, summary.csv and watched entries), e.g. {fitted!r}"
        )
    return None


def _check_terms(value: Any) -> None:
    if not isinstance(value, dict):
        raise BadResult(f"must return a dict of {{term: scalar tensor}}, got {type(value).__name__}")
    for name, tensor in value.items():
        if not isinstance(name, str):
            raise BadResult(f"returned a term named {name!r}; use a non-empty name other than 'total'")
        if (problem := term_name_problem(name)) is not None:
            raise BadResult(f"returned a term named {name!r}; {problem}")
        if not (isinstance(tensor, torch.Tensor) and tensor.dim() == 0 and tensor.is_floating_point()):
            if isinstance(tensor, torch.Tensor):
                dtype = str(tensor.dtype).removeprefix("torch.")
                what = (
                    f"a {dtype} tensor of shape {list(tensor.shape)}"
                    if tensor.dim()
                    else f"a 0-dimensional {dtype} tensor"
                )
            else:
                what = f"a {type(tensor).__name__}"
            raise BadResult(
                f"returned {name!r} as {what}; a term must be a scalar floating-point tensor (.mean() of a batch's "
                "values, .float() of an integer one)"
            )


def _check_replacement_learns(plugin: str, term: str, value: torch.Tensor) -> None:
    """A :class:`PluginError` when ``plugin`` replaced the model's training ``term`` by a finite tensor that carries
    no gradient: the run would go on and exit 0 without ever learning from that term (a replaced ``kl`` trained
    with no KL gradient, in silence). A non-finite one is left to the non-finite check, which names it so; an added
    term without a gradient changes only the total's number and is allowed."""
    if torch.is_grad_enabled() and not value.requires_grad and bool(torch.isfinite(value)):
        raise PluginError(
            f"plugin {plugin!r}: mvae_loss replaced the training term {term!r} with a tensor that carries no gradient "
            "(made with .item(), .detach(), numpy or under torch.no_grad), so training would no longer learn from "
            f"it; compute it from output's tensors, or switch the term off with a multiplier of 0 from "
            "mvae_loss_weights (docs/hooks.md)"
        )


def _check_no_result(value: Any) -> None:
    raise BadResult(
        f"returned {type(value).__name__} {shortened(repr(value))}; it returns nothing, and refuses a config by raising "
        "mvae_core.ConfigError with a message naming the field (docs/hooks.md)"
    )


def _check_stop_reason(value: Any) -> None:
    if not isinstance(value, str):
        raise BadResult(f"must return a stop reason (str) or None, got {type(value).__name__} {value!r}")


def _check_state(value: Any) -> None:
    if not isinstance(value, dict):
        raise BadResult(f"must return a dict (or None), got {type(value).__name__}")
    bad = _unsafe_value(value)
    if bad is not None:
        raise BadResult(
            f"returned a {type(bad).__name__} ({shortened(repr(bad))}); state may hold only dict, list, tuple, str, "
            "int, float, bool, None and torch tensors (OrderedDict and Counter too), not other subclasses of them "
            f"({_state_conversion(bad)}): a resume loads the checkpoint with torch.load(weights_only=True), which "
            "refuses anything else"
        )


def _state_conversion(bad: Any) -> str:
    """How to make ``bad``, a value plugin state may not hold (:func:`_unsafe_value`), into one it may."""
    if isinstance(bad, tuple) and hasattr(bad, "_fields"):
        return "convert a namedtuple with ._asdict() or tuple(...)"
    if isinstance(bad, dict | list | tuple):
        plain = next(kind for kind in (dict, list, tuple) if isinstance(bad, kind)).__name__
        return f"convert it with {plain}(...)"
    return "convert numpy values with .item() or .tolist()"


RESULT_CHECKS: dict[str, Callable[[Any], None]] = {
    CHECK_CONFIG: _check_no_result,
    "mvae_ramp_end": _check_ramp_end,
    "mvae_loss_weights": _check_multipliers,
    "mvae_step_start": _check_multipliers,
    "mvae_loss": _check_terms,
    "mvae_epoch_end": _check_stop_reason,
    "mvae_state_dict": _check_state,
}
"""What each hook whose result is used may return; the other hooks' results are ignored."""


STATE_MAPPINGS = (dict, collections.OrderedDict, collections.Counter)
"""The mappings plugin state may hold, as exactly these types: those ``torch.load(weights_only=True)`` loads (a
``defaultdict`` or another subclass of dict it refuses, so the run could not be resumed)."""


def _unsafe_value(value: Any) -> Any:
    """The first value in a nested state that is not plain data, or None when all of it is. Containers are checked by
    exact type as the leaves are: a ``defaultdict``, a ``namedtuple`` or a subclass of list is no plain data to a
    ``weights_only`` load."""
    if type(value) in STATE_MAPPINGS:
        items = [*value.keys(), *value.values()]
    elif type(value) in (list, tuple):
        items = list(value)
    elif value is None or type(value) in (str, int, float, bool) or isinstance(value, torch.Tensor):
        return None  # exact types: numpy.float64 subclasses float but a weights_only load refuses it
    else:
        return value
    return next((bad for item in items if (bad := _unsafe_value(item)) is not None), None)


def own_code_line(error: BaseException, function: Callable[..., Any]) -> str | None:
    """``file:line`` of the innermost frame of ``error``'s traceback that is a plugin's (or a model's) own code: the
    file of ``function`` (its hook, or the method that raised), or any file of the package that file belongs to (not
    mvae_core's); ``None`` when none is."""
    code = getattr(inspect.unwrap(function), "__code__", None)
    if code is None:
        return None
    own = {code.co_filename}
    top = sys.modules.get(getattr(function, "__module__", None) or "", None)
    package = sys.modules.get(top.__name__.partition(".")[0]) if top is not None else None
    roots = [] if package is None or package.__name__ == "mvae_core" else list(getattr(package, "__path__", []))
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if frame.filename in own or any(frame.filename.startswith(os.path.join(root, "")) for root in roots):
            return f"{frame.filename}:{frame.lineno}"
    return None


def one_line(error: BaseException) -> str:
    """``error``'s message on one line (its lines joined by ``; ``): a plugin's or a model's exception in an error."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def _trace_line(hook: str, plugin: str, arguments: dict[str, Any], result: Any) -> None:
    shown = ", ".join(f"{k}={_short(v)}" for k, v in arguments.items() if k != "trainer")
    sys.stderr.write(f"mvae trace: {hook} {plugin}({shown}) -> {_short(result)}\n")


def _short(value: Any, limit: int = 100) -> str:
    """A one-line description: tensors by shape (and value when scalar), long reprs cut."""
    if isinstance(value, torch.Tensor):
        return f"tensor({value.item():.6g})" if value.dim() == 0 else f"tensor{list(value.shape)}"
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {_short(v, 40)}" for k, v in value.items()) + "}"
    elif isinstance(value, tuple) and hasattr(value, "_fields"):
        text = f"{type(value).__name__}(...)"
    else:
        text = repr(value)
    return shortened(text, limit)
