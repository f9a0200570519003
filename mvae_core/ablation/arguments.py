"""The arguments of :func:`~mvae_core.ablation.session.ablate` checked before anything is read or written: the
numbers and the executor (:func:`check_options`), the overrides as assignments (:func:`assignments`), the base config
(:func:`base_config`) and the plan's configurations from ``mode``, ``plugins`` and ``configs``
(:func:`configurations`). Each bad argument is an :class:`~mvae_core.errors.OptionError` naming it (the command line
renders it as its option)."""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mvae_core.ablation.plan import MAX_SEEDS, MODES, REFERENCES, Configuration, expand, read_plan
from mvae_core.config import ConfigError, MvaeConfig, apply_override, dotted_settings, settings_tree, toml_literal
from mvae_core.decode_options import real_number, whole_number
from mvae_core.errors import OptionError
from mvae_core.suggest import did_you_mean

EXECUTORS = ("local", "ray")


Report = Callable[[str], None]
"""Receives one line of progress: the plan, the data read, each run as it ends."""


def check_options(
    seeds: int,
    samples: int,
    jobs: int | None,
    epochs: int | None,
    cpus_per_run: int,
    gpus_per_run: float,
    executor: str,
    address: str | None,
) -> None:
    """:func:`~mvae_core.ablation.session.ablate`'s numbers and executor checked, an :class:`OptionError` naming the
    first bad one: the counts whole and at least 1 (``jobs`` and ``epochs`` when given), ``seeds`` at most
    :data:`~mvae_core.ablation.plan.MAX_SEEDS`, ``samples`` at most evaluate's limit, a known executor, ``gpus_per_run`` a number >= 0, and the Ray-only arguments (``address``,
    ``cpus_per_run``, ``gpus_per_run``) left at their defaults without Ray."""
    numbers = {
        "seeds": seeds,
        "samples": samples,
        "jobs": jobs,
        "epochs": epochs,
        "cpus_per_run": cpus_per_run,
    }
    for name, value in numbers.items():
        if value is not None and whole_number(name, value) < 1:
            raise OptionError(name, f"must be at least 1, got {value}")
    from mvae_core.generation import MAX_LOOPS  # torch: not for the command's start-up

    if seeds > MAX_SEEDS:  # a typo's thousand seeds would be thousands of trainings
        raise OptionError(
            "seeds", f"must be at most {MAX_SEEDS} (each seed trains one run of every configuration), got {seeds}"
        )
    if samples > MAX_LOOPS:  # as evaluate's: each run decodes them in one batch, after its training
        raise OptionError("samples", f"must be at most {MAX_LOOPS}, got {samples}")
    if executor not in EXECUTORS:
        raise OptionError("executor", f"{executor!r}: choose 'local' or 'ray'")
    if real_number("gpus_per_run", gpus_per_run) < 0:
        raise OptionError("gpus_per_run", f"must be >= 0, got {gpus_per_run}")
    ray_only = {"address": address is not None, "cpus_per_run": cpus_per_run != 1, "gpus_per_run": gpus_per_run != 0}
    given = [name for name, is_given in ray_only.items() if is_given]
    if executor == "local" and given:
        raise OptionError(given[0], "goes with {executor} 'ray'", ("executor",))


class OverridesError(OptionError):
    """A malformed item of ``overrides``; the command line names it as the option that gives them, ``--set``."""

    def command_line_message(self) -> str:
        return f"--set {self.rule}"


def assignments(overrides: Mapping[str, Any] | Sequence[str]) -> list[str]:
    """``overrides`` as ``"dotted.key=value"`` assignments (what each configuration's TOML file is written from),
    each checked to have the form ``apply_override`` reads, so that the error names ``overrides``: a mapping's values
    written as TOML (a numpy number as the number it holds), one string as one assignment."""
    if isinstance(overrides, Mapping):
        return [f"{key}={_toml_value(key, value)}" for key, value in overrides.items()]
    assignments = [overrides] if isinstance(overrides, str) else list(overrides)
    for assignment in assignments:
        try:
            apply_override({}, assignment)  # an empty tree: only the form can be wrong
        except (ConfigError, TypeError):
            raise OverridesError("overrides", f"expects dotted.key=value, got {assignment!r}") from None
    return assignments


def _toml_value(key: str, value: Any) -> str:
    """``value`` as the right-hand side of a TOML assignment, on one line (:func:`~mvae_core.config.toml_literal`: a
    table inline, a numpy number as the number it holds); :class:`OverridesError` naming ``key`` when TOML has no
    such value (None, an object), found by reading the line back."""
    written = toml_literal(value)
    try:
        tomllib.loads(f"v = {written}")
    except tomllib.TOMLDecodeError:
        raise OverridesError(
            "overrides", f"{key}: {value!r} is no TOML value (a number, string, bool, list or table)"
        ) from None
    return written


def base_config(config: Any) -> Path | dict[str, Any] | None:
    """``config`` as :func:`~mvae_core.config.build_config` reads it, as :func:`mvae_core.train` takes it: a TOML
    file's path, a config tree (a mapping) or an :class:`MvaeConfig`; an :class:`OptionError` for anything else."""
    if config is None or isinstance(config, str | os.PathLike):
        return optional_path(config)
    if isinstance(config, Mapping):
        return dict(config)
    if isinstance(config, MvaeConfig):
        return config.model_dump(mode="json", exclude_none=True)
    raise OptionError("config", f"is a TOML file's path, a config tree (dict) or an MvaeConfig, got {config!r}")


def optional_path(value: str | os.PathLike[str] | None) -> Path | None:
    """``value`` as a :class:`~pathlib.Path`, or None when it is None (``configs``, a config file's path)."""
    return None if value is None else Path(value)


def configurations(
    mode: str | None, plugins: str | Sequence[str] | None, configs: Path | None
) -> tuple[list[Configuration], tuple[str, ...]]:
    """The configurations of the plan, and the references of its paired differences (a configs file's own, else
    :data:`~mvae_core.ablation.plan.REFERENCES`)."""
    from mvae_core.plugins import available_plugins, expand_all, unknown_plugin

    if mode is not None and mode not in MODES:
        raise OptionError("mode", f"{mode!r} is not a mode{did_you_mean(mode, MODES)} Modes: {', '.join(MODES)}.")
    if configs is not None or mode == "list":
        if mode not in (None, "list"):
            raise OptionError("configs", f"goes with {{mode}} 'list', not {{mode}} {mode!r}", ("mode",))
        if configs is None:
            raise OptionError(
                "configs", "is needed by {mode} 'list': a TOML file naming the configurations to run", ("mode",)
            )
        if plugins is not None:
            raise OptionError(
                "plugins",
                "does not apply to {mode} 'list': each configuration of the configs file names its own",
                ("mode",),
            )
        return read_plan(configs)
    if isinstance(plugins, str | None):
        given = ("all" if plugins is None else plugins).split(",")
    else:
        given = list(plugins) if isinstance(plugins, Sequence) else [plugins]
    if objects := [p for p in given if not isinstance(p, str)]:
        why = (
            f"takes registered plugin names, not {objects[0]!r}: ablate trains each configuration in its own process, "
        )
        if registered := _registered_name(objects[0]):  # an installed plugin's own class: its name does it
            why += f"which cannot get a Python object; it is plugin {registered!r}: give that name, its settings as overrides"
            from mvae_core.host import object_settings

            if (settings := object_settings(objects[0])) is not None:  # spelled out: what differs from the defaults
                try:
                    defaults = settings_tree(type(settings).model_validate({}))
                except ValidationError:  # a setting without a default: every setting is spelled out
                    defaults = {}
                # a table (a schedule) that differs is spelled out whole: its other keys may not fit the default's
                own = {k: v for k, v in settings_tree(settings).items() if k not in defaults or defaults[k] != v}
                overrides = {f"plugins.{registered}.{key}": v for key, v in dotted_settings(own).items()}
                why += (f" (overrides={overrides!r}, the object's settings where they differ from the defaults)" if overrides
                        else " (none: the object has the plugin's default settings)")  # fmt: skip
        else:
            why += ("which cannot get a Python object; package the plugin (docs/plugins.md, Writing, testing and "
                    "publishing a plugin) and give its name")  # fmt: skip
        raise OptionError("plugins", why)
    names = [n.strip() for n in given]
    if not all(names):
        raise OptionError("plugins", f"{plugins!r} has an empty name; name the plugins (comma-separated), or 'all'")
    if "none" in names:
        raise OptionError("plugins", "'none' leaves nothing to switch on and off; name the plugins, or 'all'")
    available = available_plugins()
    try:
        names = expand_all(names, available)
    except ConfigError as exc:  # a built-in named beside all: named as the option, in a training's words
        raise OptionError("plugins", str(exc)) from None
    if unknown := next((name for name in names if name not in available), None):  # named as the option, not a config's
        raise OptionError("plugins", f"names an {unknown_plugin(unknown, available)}")
    return expand(mode or "leave-one-out", names), REFERENCES


def _registered_name(plugin: object) -> str | None:
    """The registered name of the plugin whose class (or module) ``plugin`` is, or is an instance of; None when no
    installed plugin is."""
    from mvae_core.plugins import available_plugins

    kind = plugin if isinstance(plugin, type) else type(plugin)
    for name, info in available_plugins().items():
        with contextlib.suppress(Exception):  # a plugin that fails to import is not this one
            if info.imported() in (kind, plugin):
                return name
    return None
