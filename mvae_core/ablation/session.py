"""An ablation as one library call: :func:`ablate` plans the configurations, validates and writes their configs,
parses the data once, trains every configuration × seed (local worker processes or Ray tasks) and writes the
summary. ``mvae ablate`` parses its options, calls it, prints what it returns and maps its errors to exit codes.

Re-running with the same ``out`` skips finished runs and resumes unfinished ones; a different configuration under
an existing name is refused. Failed runs do not raise: they are rows with a status other than ``ok``
(:attr:`AblationResult.failed`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tomllib
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from mvae_core.ablation import runner
from mvae_core.ablation.facts import GENERATED_SEED
from mvae_core.ablation.figure import draw
from mvae_core.ablation.plan import (
    ALL,
    DEFAULT_OUT,
    DEFAULT_SAMPLES,
    DEFAULT_SEEDS,
    MODES,
    REFERENCES,
    Configuration,
    PlanError,
    expand,
    read_plan,
)
from mvae_core.ablation.ray_executor import check_room, joined, live_nodes, run_on_ray, shared_paths
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import Outcome, Task
from mvae_core.ablation.summary import (
    NOT_RECORDED,
    markdown,
    per_config,
    produced_before,
    statistics,
    warnings_by_config,
    write_csv,
)
from mvae_core.ablation.summary import paired as paired_differences
from mvae_core.config import ConfigError, MvaeConfig, apply_override, build_config, config_tree
from mvae_core.data.corpus import CORPUS_PREFIX
from mvae_core.data.load import CONTENT_CHARS, absolute_data
from mvae_core.decode_options import real_number, whole_number
from mvae_core.errors import DataError, InputError, OptionError, RunInterrupted
from mvae_core.files import atomic_write
from mvae_core.generation import DecodeOptions
from mvae_core.progress import Advice, command_line
from mvae_core.run import RunDir, finite, last_part_versions
from mvae_core.starting_weights import StartingWeights, read_starting_weights
from mvae_core.suggest import did_you_mean
from mvae_core.tools import ToolError, require_extra
from mvae_core.torchrun_env import world_size
from mvae_core.version import THREADS, VERSION
from mvae_core.wording import listed

EXECUTORS = ("local", "ray")

Report = Callable[[str], None]
"""Receives one line of progress: the plan, the data read, each run as it ends."""


@dataclass(frozen=True)
class AblationResult:
    """What an ablation wrote into its folder, ``path`` (``out`` of :func:`ablate`)."""

    path: Path
    configurations: list[Configuration]
    rows: list[dict[str, Any]]
    """One per configuration × seed, as in ``summary.csv`` (``status`` ``ok`` or why not)."""
    written: list[Path]
    """``summary.csv``, ``summary.md``, ``summary.json`` and, with matplotlib installed, ``ablation.png``."""
    warnings: list[tuple[str, str, str]]
    """(configuration, a plugin's start-up warning, the seeds that gave it)."""
    plot_missing: str | None
    """Why ``ablation.png`` was not drawn (matplotlib missing), else None."""
    outside_plan: str = ""
    """The runs in ``out/runs`` this summary leaves out (another ``seeds`` or plan), with how to include them (an
    :class:`~mvae_core.progress.Advice`: ``seeds=N`` here, ``--seeds N`` as its ``command_line``); ``""`` when there
    are none."""
    references: tuple[str, ...] = REFERENCES
    """The configurations summary.md takes paired differences against (:meth:`paired`): ``all`` and ``none``, or a
    ``configs`` file's ``references``."""

    @property
    def out(self) -> Path:
        """The old name of :attr:`path` (the name :class:`~mvae_core.RunResult` and the others use); warns."""
        warnings.warn("AblationResult.out is now AblationResult.path", DeprecationWarning, stacklevel=2)
        return self.path

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The rows of the runs that did not end well (``status`` other than ``ok``: why, as ``summary.csv`` says)."""
        return [row for row in self.rows if row["status"] != "ok"]

    def per_configuration(self) -> list[dict[str, Any]]:
        """``summary.md``'s per-configuration statistics: per configuration, ``config``, ``runs``, ``ok``, ``stops``
        (a Counter of what stopped its ok runs) and, per metric of ``summary.csv`` (``best_val_elbo``, ...), an
        :class:`~mvae_core.ablation.stats.Estimate` (``n``, ``mean``, ``std``, ``low``, ``high``: the 95 %
        t-interval) over its ok runs, with ``missing`` (metric → a Counter of why runs lack it)."""
        return per_config(self.rows, self.configurations)

    def paired(self, reference: str = ALL) -> list[dict[str, Any]]:
        """``summary.md``'s paired differences against ``reference`` (``"all"`` or ``"none"``, or any configuration):
        per other configuration, ``config``, ``pairs`` and, per metric, the
        :class:`~mvae_core.ablation.stats.Estimate` of *configuration − reference* over the seeds where both runs are
        ok, with ``missing`` as in :meth:`per_configuration` (also ``other model`` and ``other validation loops``
        for pairs whose runs are not compared on a metric); ``[]`` when no configuration has that name, or
        it is the only one."""
        return paired_differences(self.rows, self.configurations, reference)

    def __repr__(self) -> str:
        """``AblationResult('runs/ablation', 7 configurations, 21 runs (1 failed), summary.md)``: what it is in a
        notebook cell, not every row of the summary (``rows`` has them)."""
        failed = f" ({len(self.failed)} failed)" if self.failed else ""
        summary = next((path.name for path in self.written if path.suffix == ".md"), "no summary")
        return (
            f"AblationResult({str(self.path)!r}, {len(self.configurations)} configurations, {len(self.rows)} runs"
            f"{failed}, {summary})"
        )


def ablate(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    plugins: str | Sequence[str] | None = None,
    mode: str | None = None,
    configs: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | Mapping[str, Any] | MvaeConfig | None = None,
    overrides: Mapping[str, Any] | Sequence[str] = (),
    seeds: int = DEFAULT_SEEDS,
    epochs: int | None = None,
    jobs: int | None = None,
    samples: int = DEFAULT_SAMPLES,
    out: str | os.PathLike[str] = DEFAULT_OUT,
    executor: str = "local",
    address: str | None = None,
    cpus_per_run: int = 1,
    gpus_per_run: float = 0.0,
    report: Report | None = None,
    init_from: str | os.PathLike[str] | None = None,
) -> AblationResult:
    """Train every configuration × ``seeds`` (``train.seed`` 0 … N−1) as a normal run under ``out/runs`` and
    summarise them (docs/ablation.md).

    :param data: MIDI files, folders or ``corpus:essen`` (one, or a list; default ``corpus:essen``).
    :param plugins: the plugins to switch on and off (names, or a comma-separated string; default every built-in):
        registered names only, as each run trains in a process of its own (a plugin object is an OptionError).
    :param mode: ``leave-one-out`` (default), ``add-one``, ``factorial``, or ``list`` (with ``configs``).
    :param configs: a TOML file naming the configurations (implies ``mode="list"``).
    :param config: the base config of every run, as :func:`mvae_core.train` takes it (a TOML file, a config tree or
        an ``MvaeConfig``); ``overrides`` apply over it, as ``train`` takes them: ``{"train.lr": 3e-4}`` or
        ``["train.lr=3e-4"]`` (or one such string).
    :param jobs: runs at once (default: this machine's CPU cores). ``executor="ray"`` runs Ray tasks instead, on the
        cluster at ``address`` (default: a local Ray instance), ``cpus_per_run`` / ``gpus_per_run`` each, at most
        ``jobs`` at once (default: as many as the cluster has room for).
    :param samples: latent points each run's best model decodes for the generated-timing columns.
    :param init_from: every new run starts from these weights, as :func:`mvae_core.train` takes them (a trained
        run's folder, its ``model.safetensors`` or ``checkpoint.pt``): an ablation of fine-tuning. Read once before
        anything runs; a configuration the weights do not fit is a :class:`ConfigError` naming it, and runs already
        in ``out`` that started from other weights (or from none) are a :class:`PlanError`.
    :param report: called with each line of progress (the plan, the data read, each run as it ends), e.g. ``print``;
        by default nothing is said.
    :raises InputError, PlanError, ConfigError, PluginError: a bad option, plan or configuration, before anything
        runs (nothing is written). A bad option is an :class:`~mvae_core.errors.OptionError` naming the argument
        (the ``mvae ablate`` command renders it as its option).
    :raises RayUnavailable: ``executor="ray"`` and Ray is not installed, nothing answers at ``address`` within
        :data:`~mvae_core.ablation.ray_executor.CONNECT_SECONDS`, or Ray cannot join or start (nothing is written);
        an :class:`~mvae_core.errors.OptionError` when no node of the cluster has ``cpus_per_run`` CPUs or
        ``gpus_per_run`` GPUs (nothing is written).
    :raises DataError: a DATA path does not exist (nothing is written), or the data gives no loops.
    :raises PlanError: runs in ``out`` trained on other contents of the same DATA (files edited, added or removed
        since) while this plan has runs to train: found once the data is read, before anything trains.
    :raises RunInterrupted: SIGINT/SIGTERM/SIGHUP; finished runs are kept, running ones checkpointed (run it again).
    :raises InputError: under torchrun (``WORLD_SIZE`` > 1): every rank would run the whole ablation.
    """
    if (world := world_size()) > 1:
        raise InputError(
            f"an ablation starts its own processes (the local pool, or Ray on several machines: docs/scaling.md) and "
            f"cannot run under torchrun (WORLD_SIZE={world}): start it without torchrun"
        )
    _check_numbers(seeds, samples, jobs, epochs, cpus_per_run, gpus_per_run, executor, address)
    overrides = _assignments(overrides)
    from mvae_core.data.load import absolute_data, check_paths, data_arguments

    out, configs, config = Path(out), _path(configs), _base_config(config)
    report = report if report is not None else _say_nothing
    if not callable(report):
        raise OptionError("report", f"takes a function of one line of text, such as print, got {report!r}")
    data = data_arguments(data) or _default_data()
    check_paths(data)  # a mistyped DATA path names itself, before anything is written
    arms, references = _configurations(mode, plugins, configs)
    starting = None if init_from is None else read_starting_weights(init_from)  # read once, before anything runs
    built, files = _built_configs(arms, config, overrides, out, starting)
    moved = _check_same_data(arms, data, out)
    _check_same_start(arms, out, starting)
    # a Ray task runs on any node, in a folder of Ray's: its command and log name absolute paths
    planned = (absolute_data(data), out.absolute()) if executor == "ray" else (data, out)
    tasks, skipped = runner.plan_tasks(arms, seeds, epochs, *planned, starting.file if starting else None)
    # Ray only for runs to train (a re-run that only summarises starts none); nothing is written before it joins
    with_ray = executor == "ray" and bool(tasks)
    if with_ray and address is None:  # a local instance gets this machine's cores: too many is known before it starts
        check_room(cpus_per_run, 0, [{"CPU": runner.cores()}])
    with joined(address) if with_ray else contextlib.nullcontext():
        if with_ray:
            check_room(cpus_per_run, gpus_per_run, live_nodes())
        for path, text in files.items():
            atomic_write(path, partial(Path.write_text, data=text, encoding="utf-8"), durable=False)
        contents = _warm_cache(data, built, jobs or runner.cores(), report)
        _relocate(moved, data, out, report)
        if tasks:  # a re-run that only summarises trains nothing on the data as it is now
            _check_same_content(arms, built, contents, data, out)
        if executor == "ray":
            at_once = f", at most {jobs} at once" if jobs else ""
            where = f"; Ray tasks ({address or 'a local Ray instance'}), {cpus_per_run} CPU(s) each{at_once}"
        else:
            jobs = jobs or runner.cores()
            where = f"; {min(jobs, len(tasks))} at once, {runner.threads_per_run(jobs, runner.cores())} torch thread(s) each"
        report(
            f"ablation: {len(arms)} configurations × {_seeds(seeds)} = {len(arms) * seeds} runs in {out}: "
            f"{len(skipped)} finished (skipped), {sum(t.action == 'resumed' for t in tasks)} to resume, "
            f"{sum(t.action == 'new' for t in tasks)} new" + (where if tasks else "")
        )
        if left_out := _outside_plan(arms, seeds, out):
            report(left_out)
        outcomes = _execute(tasks, executor, jobs, data, out, cpus_per_run, gpus_per_run, report)
    with _interrupts_while("measuring the runs' generated notes for the summary; every run is kept"):
        mode = mode or ("list" if configs else "leave-one-out")
        return _summarise(arms, built, seeds, samples, out, outcomes, data, mode, starting, references)


def _check_numbers(
    seeds: int,
    samples: int,
    jobs: int | None,
    epochs: int | None,
    cpus_per_run: int,
    gpus_per_run: float,
    executor: str,
    address: str | None,
) -> None:
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


def _assignments(overrides: Mapping[str, Any] | Sequence[str]) -> list[str]:
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
    """``value`` as the right-hand side of a TOML assignment, on one line; :class:`OverridesError` naming ``key``
    when TOML has no such value."""
    import tomli_w

    value = value.item() if hasattr(value, "item") and callable(value.item) else value  # numpy and torch scalars
    try:
        written = tomli_w.dumps({"v": value}).partition("=")[2]
    except TypeError:
        raise OverridesError(
            "overrides", f"{key}: {value!r} is no TOML value (a number, string, bool or list)"
        ) from None
    return " ".join(line.strip() for line in written.strip().splitlines())  # tomli_w writes an array on lines


def _say_nothing(line: str) -> None:
    """:func:`ablate`'s ``report`` when none is given."""


def _base_config(config: Any) -> Path | dict[str, Any] | None:
    """``config`` as :func:`~mvae_core.config.build_config` reads it, as :func:`mvae_core.train` takes it: a TOML
    file's path, a config tree (a mapping) or an :class:`MvaeConfig`; an :class:`OptionError` for anything else."""
    if config is None or isinstance(config, str | os.PathLike):
        return _path(config)
    if isinstance(config, Mapping):
        return dict(config)
    if isinstance(config, MvaeConfig):
        return config.model_dump(mode="json", exclude_none=True)
    raise OptionError("config", f"is a TOML file's path, a config tree (dict) or an MvaeConfig, got {config!r}")


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value is None else Path(value)


def _seeds(seeds: int) -> str:
    return "1 seed (train.seed 0)" if seeds == 1 else f"{seeds} seeds (train.seed 0–{seeds - 1})"


def _default_data() -> list[str]:
    from mvae_core.data.corpus import DEFAULT_DATA

    return DEFAULT_DATA


def _configurations(
    mode: str | None, plugins: str | Sequence[str] | None, configs: Path | None
) -> tuple[list[Configuration], tuple[str, ...]]:
    """The configurations of the plan, and the references of its paired differences (a configs file's own, else
    :data:`~mvae_core.ablation.plan.REFERENCES`)."""
    from mvae_core.plugins import available_plugins, unknown_plugin
    from mvae_plugins import BUILTIN_PLUGINS

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
        else:
            why += ("which cannot get a Python object; package the plugin (docs/plugins.md, Writing, testing and "
                    "publishing a plugin) and give its name")  # fmt: skip
        raise OptionError("plugins", why)
    names = [n.strip() for n in given]
    if not all(names):
        raise OptionError("plugins", f"{plugins!r} has an empty name; name the plugins (comma-separated), or 'all'")
    if "none" in names:
        raise OptionError("plugins", "'none' leaves nothing to switch on and off; name the plugins, or 'all'")
    names = [m for n in names for m in (BUILTIN_PLUGINS if n == "all" else [n])]
    available = available_plugins()
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
            if info.load() in (kind, plugin):
                return name
    return None


def _built_configs(
    arms: list[Configuration],
    base: Path | dict[str, Any] | None,
    overrides: list[str],
    out: Path,
    starting: StartingWeights | None = None,
) -> tuple[list[MvaeConfig], dict[Path, str]]:
    """Validate every configuration (config keys, plugin names and sections, the model and its settings, and that
    the ``starting`` weights fit it, with their model settings as defaults, as ``mvae train --init-from`` resolves
    them) and return
    the configs with the text of each ``out/configs/<name>.toml`` (written once nothing else can fail). A file already
    there whose config differs (an earlier, different plan) is refused: one :class:`PlanError` naming every
    configuration that differs and how."""
    import tomli_w

    from mvae_core.models import resolve_model
    from mvae_core.plugins import available_plugins, validated_sections

    built, files = [], {}
    available = available_plugins()
    base_tree: dict[str, Any] = {}
    if base is not None:
        build_config(base)  # unreadable or invalid: an error naming the file or the field
        base_tree = config_tree(base) if isinstance(base, Path) else base
    inherited = starting.defaults() if starting else None
    for arm in arms:
        try:
            flags = {"plugins.enabled": list(arm.plugins)}
            built.append(build_config(base, [*overrides, *arm.overrides], flags, inherited))
            validated_sections(built[-1].plugins, available)
            resolve_model(built[-1])  # an unknown model name or setting, or a broken model package, before any run
            if starting:
                starting.check(built[-1])
            files[out / "configs" / f"{arm.name}.toml"] = tomli_w.dumps(arm.tree(base_tree, overrides))
        except ConfigError as exc:
            raise ConfigError(
                f"configuration {arm.name!r}: {exc}",
                command_line=f"configuration {arm.name!r}: {exc.command_line_message()}",
            ) from None
    changes: dict[str, list[str]] = {}  # how a configuration differs → the configurations that differ so
    for arm, (path, text) in zip(arms, files.items(), strict=True):
        if path.exists() and (change := _change(path.read_text(encoding="utf-8"), text)):
            changes.setdefault(change, []).append(repr(arm.name))
    if changes:
        listed = "; ".join(f"{', '.join(names)}: {change}" for change, names in changes.items())
        raise PlanError(
            f"{out} holds an earlier ablation whose configurations differ from this plan ({listed}); choose another "
            f"output folder, or, to redo those configurations, delete their runs/<name> and configs/<name>.toml in {out}"
        )
    return built, files


def _check_same_data(arms: list[Configuration], data: list[str], out: Path) -> list[Path]:
    """The runs already in ``out`` of the planned configurations trained on ``data`` (their ``[provenance] data``,
    absolute paths as ``mvae train`` keeps them): finished ones would be skipped and unfinished ones resumed on their
    own data, so a summary under this command's DATA would mix data sets. Else one :class:`PlanError` naming them.
    Returns the runs whose data is gone from where they have it (each path missing, as many as DATA): moved, to be
    pointed at DATA (:func:`_relocate`), which checks that it gives their split."""
    from mvae_core.data.load import absolute_data

    wanted = absolute_data(data)
    others: dict[str, list[str]] = {}  # the other data → the runs trained on it
    moved: list[Path] = []
    missing: set[str] = set()  # paths of that other data that are gone (moved in part, or given in another order)
    for arm in arms:
        for path in sorted((out / "runs" / arm.name).glob("seed-*")):
            try:
                trained_on = RunDir(path).read_data() if RunDir(path).exists() else wanted
            except ConfigError:
                continue  # an unreadable config: its resume reports it
            if trained_on != wanted and _gone(trained_on, len(wanted)):
                moved.append(path)
            elif trained_on != wanted:
                others.setdefault(" ".join(trained_on), []).append(str(path.relative_to(out)))
                missing |= {d for d in trained_on if not d.startswith(CORPUS_PREFIX) and not os.path.lexists(d)}
    if others:
        listed = "; ".join(f"{', '.join(runs)} on {trained_on}" for trained_on, runs in others.items())
        moved_hint = (f" ({', '.join(sorted(missing))} is gone: if it moved, give the new place of each of "
                      "those runs' DATA paths, in their order)" if missing else "")  # fmt: skip
        raise PlanError(
            f"{out} holds runs trained on other data than {' '.join(wanted)} ({listed}); give the same DATA to "
            f"continue that ablation{moved_hint}, or choose another output folder"
        )
    return moved


def _check_same_content(
    arms: list[Configuration], built: list[MvaeConfig], contents: dict[str, dict[str, str]], data: list[str], out: Path
) -> None:
    """Called when the plan trains runs: the runs already in ``out`` of the planned configurations trained on the
    sources DATA gives now, with the same file contents (``split.json``'s names and digests against ``contents``,
    :func:`_warm_cache`'s, by ``[data]`` section): the same paths edited in place, or a folder with files added or
    removed, would train new seeds on other music than the finished runs that are skipped, under one summary. Else
    one :class:`PlanError` naming the runs and the files. Runs without ``split.json`` (trained before it was kept)
    are not compared, and files are compared by name only for runs that kept no digests in it."""
    from mvae_core.data.load import absolute_data

    changed: dict[str, list[str]] = {}  # what changed → the runs it concerns
    for arm, cfg in zip(arms, built, strict=True):
        read = contents[cfg.data.model_dump_json()]  # by the names DATA gives, which a run keeps absolute
        content = dict(zip(absolute_data(list(read)), read.values(), strict=True))
        for path in sorted((out / "runs" / arm.name).glob("seed-*")):
            run = RunDir(path)
            split = run.read_split() if run.exists() else None
            if split is None:
                continue
            names = set(split["train"]) | set(split["validation"])
            parts = [
                (what, found)
                for what, found in (
                    ("edited", run.edited_sources({n: d for n, d in content.items() if n in names})),
                    ("new", sorted(set(content) - names)),
                    ("gone", sorted(names - set(content))),
                )
                if found
            ]
            if parts:
                key = ", ".join(f"{len(found)} {what} ({listed(found)})" for what, found in parts)
                changed.setdefault(key, []).append(str(path.relative_to(out)))
    if changed:
        said = "; ".join(f"{', '.join(runs)}: {what}" for what, runs in changed.items())
        raise PlanError(
            f"{out} holds runs trained on other contents of {' '.join(data)} than it has now ({said}); the runs "
            "to train would learn other music than these under one summary: restore the files to continue that "
            "ablation, or choose another output folder"
        )


def _check_same_start(arms: list[Configuration], out: Path, starting: StartingWeights | None) -> None:
    """The runs already in ``out`` of the planned configurations started from the ``starting`` weights (their
    ``[provenance.init_from] weights_sha256``), or, without them, from their own: else one :class:`PlanError` naming
    them, as a summary would compare runs fine-tuned from other weights, or not fine-tuned."""
    wanted = starting.digest if starting else None
    others: list[str] = []
    for arm in arms:
        for path in sorted((out / "runs" / arm.name).glob("seed-*")):
            run = RunDir(path)
            try:
                record = run.read_provenance().get("init_from") if run.exists() else None
            except ConfigError:
                continue  # an unreadable config: its resume reports it
            started = record.get("weights_sha256") if isinstance(record, dict) else None
            if started != wanted:
                others.append(str(path.relative_to(out)))
    if others:
        now = f"the weights of {starting.file}" if starting else "their own random weights (no init_from)"
        raise PlanError(
            f"{out} holds runs that started from other weights than {now} ({', '.join(others)}); give the same "
            "init_from to continue that ablation, or choose another output folder"
        )


def _gone(trained_on: list[str], arguments: int) -> bool:
    """A run's DATA moved away: as many arguments as given now, and none of its paths is there any more."""
    paths = [d for d in trained_on if not d.startswith(CORPUS_PREFIX)]
    return len(trained_on) == arguments and bool(paths) and not any(os.path.lexists(d) for d in paths)


def _relocate(runs: list[Path], data: list[str], out: Path, report: Report) -> None:
    """Point each run whose data moved at ``data`` (:func:`mvae_core.session.relocate`); a run whose split the data
    does not give is a :class:`PlanError` naming it."""
    from mvae_core.session import relocate

    for path in runs:
        try:
            relocate(path, data, jobs=1)
        except DataError as exc:
            raise PlanError(f"{path.relative_to(out)}: its data moved, and {exc}") from None
    if runs:
        report(f"data moved: {len(runs)} run(s) now read {' '.join(data)}")


def _change(old: str, new: str) -> str:
    """How the config ``new`` differs from ``old`` (TOML texts): ``train.lr unset → 0.0005, …``; ``""`` for none."""
    try:
        before = _flat(tomllib.loads(old))
    except tomllib.TOMLDecodeError:
        return "the file there is not valid TOML"
    after = _flat(tomllib.loads(new))
    keys = [*before, *(key for key in after if key not in before)]
    return ", ".join(
        f"{key} {_shown(before, key)} → {_shown(after, key)}" for key in keys if before.get(key) != after.get(key)
    )


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"train": {"lr": 1}}`` → ``{"train.lr": 1}``."""
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat |= _flat(value, f"{prefix}{key}.")
        else:
            flat[prefix + key] = value
    return flat


def _shown(flat: dict[str, Any], key: str) -> str:
    return json.dumps(flat[key], ensure_ascii=False) if key in flat else "unset"


def _outside_plan(arms: list[Configuration], seeds: int, out: Path) -> Advice | str:
    """A note naming the runs in ``out/runs`` that this plan does not summarise (seeds at or above ``seeds``, or
    configurations it does not have, from an earlier command), with how to include them, said as the argument
    (``seeds=N``) and on the command line (``--seeds N``); ``""`` when there are none. They are kept, but a summary
    rewritten without them would otherwise drop their rows without a word."""
    planned = {arm.name for arm in arms}
    found = [(p.parent, p.parent.name.removeprefix("seed-")) for p in (out / "runs").glob("*/seed-*/config.toml")]
    seed_of = {path: int(seed) for path, seed in found if seed.isdigit()}  # runs/<name>/seed-<k>, as ablate names them
    outside = sorted(
        (path for path, seed in seed_of.items() if path.parent.name not in planned or seed >= seeds),
        key=lambda path: (path.parent.name, seed_of[path]),
    )
    if not outside:
        return ""
    names = [str(path.relative_to(out)) for path in outside]
    shown = listed(names)
    mine = [seed_of[path] for path in outside if path.parent.name in planned]
    other = sorted({p.parent.name for p in outside} - planned)

    def note(seeds_given: Callable[[int], str]) -> str:
        hints = [seeds_given(max(mine) + 1)] if mine else []  # not another plan's seeds: those would train new runs
        hints += [f"the plan that has {', '.join(other)}"] if other else []
        return (
            f"not summarised: {len(names)} run(s) in {out} outside this plan ({shown}); they are kept, give "
            f"{' and '.join(hints)} to summarise them with the others"
        )

    return Advice(note(lambda n: f"seeds={n}"), note(lambda n: f"--seeds {n}"))


def _settings_line(arms: list[Configuration], built: list[MvaeConfig], out: Path) -> str:
    """What every run was trained with besides its configuration's plugins and overrides: the model, and the settings
    its ``configs/<name>.toml`` shares with every other configuration's (``--config`` and the command's ``--set``),
    which the table of configurations does not show."""
    flats = [_flat(tomllib.loads((out / "configs" / f"{arm.name}.toml").read_text(encoding="utf-8"))) for arm in arms]
    shared = [
        f"`{key} = {_shown(flats[0], key)}`"
        for key, value in flats[0].items()
        if key != "plugins.enabled" and all(key in flat and flat[key] == value for flat in flats)
    ]
    models = {arm.name: cfg.model.name for arm, cfg in zip(arms, built, strict=True)}
    if len(set(models.values())) == 1:
        model = f"`{next(iter(models.values()))}`"
    else:
        model = "per configuration (" + ", ".join(f"{arm}: `{name}`" for arm, name in models.items()) + ")"
    settings = ", ".join(shared) if shared else "none (the defaults)"
    return (
        f"Model: {model}. Settings of every run besides its configuration's plugins and overrides: {settings}; "
        "each configuration's whole config is `configs/<name>.toml`, each run's `runs/<name>/seed-<k>/config.toml`."
    )


def _provenances(rows: list[dict[str, Any]], out: Path) -> list[dict[str, Any]]:
    """Each run's ``[provenance]`` (its ``config.toml``), read once for the summary's lines; ``{}`` for a run whose
    config cannot be read (one that failed before it wrote it)."""
    provenances = []
    for row in rows:
        try:
            provenances.append(RunDir(out / row["run"]).read_provenance())
        except (ConfigError, OSError, ValueError):
            provenances.append({})
    return provenances


def _versions_line(provenances: list[dict[str, Any]]) -> str:
    """Which versions of mvae, and of each plugin or model from a package, trained the runs (the last part of each,
    from its ``provenances``), so a summary rewritten by a newer mvae, or after a package was upgraded between two
    commands that add runs, still says what produced its numbers."""
    trained: dict[str, dict[str, int]] = {}
    for provenance in provenances:
        versions = last_part_versions(provenance)
        named = {"mvae": "mvae"} | {
            name: f"{name} ({package})" for name, package in provenance.get("packages", {}).items()
        }
        for name, label in named.items():
            version = versions.get(name, "unknown")
            trained.setdefault(label, {})[version] = trained.get(label, {}).get(version, 0) + 1
    listed = "; ".join(
        f"{label} " + ", ".join(f"{version} ({n} run{'s' * (n != 1)})" for version, n in counts.items())
        for label, counts in trained.items()
    )
    return f"Trained by {listed}; summarised by mvae {VERSION}."


def _numerics_line(provenances: list[dict[str, Any]]) -> str | None:
    """What else a run's numbers depend on, as each run's ``[provenance.versions]`` (its last part) records it:
    torch's version, the device and the commit of mvae's checkout, each value with how many runs had it (``None``
    when no run recorded any: a summary of runs from before they were kept)."""
    counted: dict[str, dict[str, int]] = {}
    for provenance in provenances:
        versions = last_part_versions(provenance)
        for key, label in NUMERICS_SHOWN.items():
            if key in versions:
                counted.setdefault(label, {})[versions[key]] = counted.get(label, {}).get(versions[key], 0) + 1
    if not counted:
        return None
    listed = "; ".join(
        f"{label} " + ", ".join(f"{value} ({n} run{'s' * (n != 1)})" for value, n in values.items())
        for label, values in counted.items()
    )
    return f"Computed with {listed}."


NUMERICS_SHOWN = {"torch": "torch", "torch.device": "device", "mvae.commit": "mvae commit"}
"""The keys of :data:`~mvae_core.version.NUMERICS` that summary.md's "Computed with" line names (→ their label); the
thread count has its own line, where the runs' counts differ (:func:`_threads_line`)."""


def data_digest(run: Path) -> str | None:
    """The content of the data a run trained and validated on, names aside: the first 16 hexadecimal digits of the
    SHA-256 of the sorted content digests its ``split.json`` records (one line each, ``\\n``-joined); the same files
    in another folder give the same digest. ``None`` when the run kept none (or no ``split.json``)."""
    content = RunDir(run).recorded_content()
    if not content:
        return None
    return hashlib.sha256("\n".join(sorted(map(str, content.values()))).encode()).hexdigest()[:CONTENT_CHARS]


def _data_line(rows: list[dict[str, Any]], out: Path, sections: Mapping[str, str] | None = None) -> str:
    """Which data the runs trained on, by content (:func:`data_digest`), so that a result can be matched with the
    files that gave it: one digest for every run, or each with its runs; runs that recorded none (one that failed
    before it read the data, or trained before split.json kept digests) are counted apart. ``sections``: each
    configuration's ``[data]`` section (its JSON): runs of one section on other contents had their files edited,
    added or removed between commands; configurations of other sections may have kept or dropped files
    (``data.min_onsets`` keeps a sparse file or not), and then each digest names its configurations."""
    digests: dict[str, int] = {}
    configs: dict[str, list[str]] = {}  # digest → the configurations of its runs
    by_section: dict[str, set[str]] = {}  # [data] section → the digests of its runs
    for row in rows:
        if (digest := data_digest(out / row["run"])) is not None:
            digests[digest] = digests.get(digest, 0) + 1
            config = row.get("config", "")
            configs.setdefault(digest, []).append(config)
            by_section.setdefault((sections or {}).get(config, ""), set()).add(digest)
    unknown = len(rows) - sum(digests.values())
    none = f"; {unknown} run{'s' * (unknown != 1)} recorded none" if unknown else ""
    if not digests:
        return "Data content digest: none recorded (docs/ablation.md#summarymd)."
    if len(digests) == 1:
        return (
            f"Data content digest {next(iter(digests))} in every run that recorded one (of the files each run's "
            f"split.json names{none}: docs/ablation.md#summarymd)."
        )
    if all(len(found) == 1 for found in by_section.values()):  # each [data] section one digest: its own files
        listed = "; ".join(
            f"{digest} ({', '.join(dict.fromkeys(configs[digest]))}: {n} run{'s' * (n != 1)})"
            for digest, n in digests.items()
        )
        return (
            f"Data content digests: {listed}{none}: configurations with other [data] settings kept or dropped other "
            "files (a sparse file by data.min_onsets, …), or the files changed between their commands "
            "(docs/ablation.md#summarymd)."
        )
    listed = "; ".join(f"{digest} ({n} run{'s' * (n != 1)})" for digest, n in digests.items())
    return (
        f"Data content digests: {listed}{none}: the runs did not all train on the same files (edited, added or "
        "removed between commands: docs/ablation.md#summarymd)."
    )


def _threads_line(provenances: list[dict[str, Any]]) -> str | None:
    """The torch thread counts the runs trained with (from their ``provenances``), each run's counts in the order it
    used them (``1 → 2``: resumed under another ``--jobs`` or ``--cpus-per-run``), with how many runs (a run that
    records none, one that failed before it started, is left out); ``None`` when every run used one and the same count
    throughout (the thread count changes the last digits of a run's numbers)."""
    used: dict[str, int] = {}
    for provenance in provenances:
        counts = [provenance.get("versions", {}).get(THREADS)]
        counts += [
            entry["versions"][THREADS] for entry in provenance.get("resumed", []) if THREADS in entry["versions"]
        ]
        if label := " → ".join(str(c) for c in counts if c is not None):  # none recorded: a run that never started
            used[label] = used.get(label, 0) + 1
    if len(used) <= 1 and not any("→" in label for label in used):
        return None
    listed = ", ".join(f"{label} ({n} run{'s' * (n != 1)})" for label, n in used.items())
    return (
        f"Torch threads: {listed}. A run's last digits depend on them, and `a → b` is a run resumed with another "
        "count (another --jobs or --cpus-per-run): docs/ablation.md#workers-threads-and-the-parse-cache."
    )


def _warm_cache(data: list[str], built: list[MvaeConfig], jobs: int, report: Report) -> dict[str, dict[str, str]]:
    """Parse the data once per distinct ``[data]`` section, so that no worker parses it again. Returns the content
    digest of each source used (:meth:`~mvae_core.data.load.DataReport.content`) by section (its JSON)."""
    from mvae_core.data.corpus import MissingCorpusExtra
    from mvae_core.data.load import load_dataset, reading_stopped
    from mvae_core.signals import signal_of

    contents: dict[str, dict[str, str]] = {}
    for section in {cfg.data.model_dump_json(): cfg.data for cfg in built}.values():
        try:
            table, data_report = load_dataset(data, section, jobs)
        except (MissingCorpusExtra, ValueError) as exc:
            raise DataError(str(exc)) from None
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (signals.Terminated)
            raise reading_stopped(signal_of(stop), section, training=True) from None
        if table.n_loops == 0:
            raise DataError(
                f"no loops to train on in {' '.join(data)} ({len(data_report.entries)} source(s) read, none usable)"
            )
        report(f"data: {len(data_report.ok)} sources, {table.n_loops} loops (parse cache ready)")
        contents[section.model_dump_json()] = data_report.content()
    return contents


def _execute(
    tasks: list[Task],
    executor: str,
    jobs: int | None,
    data: list[str],
    out: Path,
    cpus_per_run: int,
    gpus_per_run: float,
    report: Report,
) -> dict[tuple[str, int], tuple[Task, Outcome]]:
    """Run the tasks on the local pool (``jobs`` at once, a number) or Ray (at most ``jobs`` at once; ``None``: as
    many as the cluster has room for), reporting each as it ends."""
    done = 0

    def on_done(task: Task, outcome: Outcome) -> None:
        nonlocal done
        done += 1
        where = f"[{done}/{len(tasks)}] {task.config}/seed-{task.seed} ({task.action})"
        if outcome.exit_code == 0:
            report(f"{where}: done in {outcome.wall_seconds:.1f} s")
        else:
            report(f"{where}: failed (exit {outcome.exit_code}): {outcome.error}")

    if not tasks:  # every run finished before: nothing to start (and no Ray joined)
        return {}
    with _interrupts_while("finished runs are kept, running ones were checkpointed"):
        if executor == "ray":
            outcomes = run_on_ray(tasks, on_done, shared_paths(data, out), cpus_per_run, gpus_per_run, jobs)
        else:
            outcomes = runner.run_all(tasks, jobs, runner.worker_env(jobs, runner.cores()), on_done)
    return {(t.config, t.seed): (t, o) for t, o in outcomes.items()}


@contextlib.contextmanager
def _interrupts_while(kept: str) -> Iterator[None]:
    """SIGINT and SIGTERM in the block end the ablation as :class:`RunInterrupted` (exit 130 or 143), its message
    saying what is ``kept`` (or, when runs were still writing their checkpoints, :meth:`StillStopping.kept`) and to
    run the same command again (as ``str()``: the same ``mvae_core.ablate`` call); no summary is written."""
    from mvae_core.signals import Interrupts, interruption

    with Interrupts() as interrupts:  # SIGINT and SIGTERM raise KeyboardInterrupt here
        try:
            yield
        except KeyboardInterrupt as stop:
            now = stop.kept() if isinstance(stop, runner.StillStopping) else kept
            said = f"{interruption(interrupts.signum)}; {now}. Run the same command again"
            raise RunInterrupted(
                f"{said} (in Python, the same mvae_core.ablate call) to finish the ablation.",
                interrupts.signum,
                command_line=f"{said} to finish the ablation.",
            ) from None


def _summarise(
    arms: list[Configuration],
    built: list[MvaeConfig],
    seeds: int,
    samples: int,
    out: Path,
    outcomes: dict[tuple[str, int], tuple[Task, Outcome]],
    data: list[str],
    mode: str,
    starting: StartingWeights | None = None,
    references: tuple[str, ...] = REFERENCES,
) -> AblationResult:
    earlier = produced_before(out / "summary.csv")

    def produced(config: str, seed: int) -> str:
        return earlier.get(str(runner.run_path(out, config, seed).relative_to(out)), NOT_RECORDED)

    rows = [
        run_row(out, arm.name, seed, outcomes.get((arm.name, seed)), samples, produced(arm.name, seed))
        for arm in arms
        for seed in range(seeds)
    ]
    ok = sum(row["status"] == "ok" for row in rows)
    started = (
        [f"Every run started from the weights of {starting.described()}, weights_sha256 {starting.digest[:16]}…, "
         "with a fresh optimizer (`--init-from`)."]
        if starting
        else []
    )  # fmt: skip
    about = [
        f"`mvae ablate` ({mode}) on {' '.join(data)}: {len(arms)} configurations × {_seeds(seeds)} "
        f"= {len(rows)} runs, {ok} ok, {len(rows) - ok} failed.",
        *started,
        f"Generated timing: {samples} latent points drawn from N(0, I) with seed {GENERATED_SEED}, decoded by each "
        f"run's best model with `mvae generate`'s default options (temperature {DecodeOptions.temperature:g}, "
        f"timing temperature {DecodeOptions.timing_temperature:g}, seed {GENERATED_SEED}). Definitions: "
        "docs/ablation.md.",
        _settings_line(arms, built, out),
        _versions_line(provenances := _provenances(rows, out)),
        *([numerics] if (numerics := _numerics_line(provenances)) else []),
        *([threads] if (threads := _threads_line(provenances)) else []),
        _data_line(rows, out, {arm.name: cfg.data.model_dump_json() for arm, cfg in zip(arms, built, strict=True)}),
        *([command_line(left_out)] if (left_out := _outside_plan(arms, seeds, out)) else []),  # beside `mvae ablate`
    ]
    atomic_write(out / "summary.csv", partial(write_csv, rows), durable=False)
    summary = markdown(rows, arms, about, references)
    atomic_write(out / "summary.md", partial(Path.write_text, data=summary, encoding="utf-8"), durable=False)
    numbers = {"about": about, "data": absolute_data(data), "seeds": seeds, "samples": samples}
    numbers |= statistics(rows, arms, references)
    text = json.dumps(finite(numbers), indent=1, ensure_ascii=False) + "\n"
    atomic_write(out / "summary.json", partial(Path.write_text, data=text, encoding="utf-8"), durable=False)
    written = [out / "summary.csv", out / "summary.md", out / "summary.json"]
    plot_missing = None
    try:
        require_extra("plot", "matplotlib")
    except ToolError as exc:
        plot_missing = f"ablation.png not drawn: {exc}"
    else:
        draw(rows, arms, out / "ablation.png")
        written.append(out / "ablation.png")
    return AblationResult(out, arms, rows, written, warnings_by_config(rows, arms), plot_missing, left_out, references)
