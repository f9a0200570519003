"""Training as one library call: a new run or a resume, from arguments to a finished (or failed) run directory.

:func:`train` owns the run lifecycle, so that ``mvae train`` (and through it ``mvae ablate``'s workers), tests and
notebooks all go the same way:

1. **config**: a new run resolves defaults < config file or object < overrides < arguments; a resume reads the
   run's ``config.toml`` (only the epoch budget and the data's place may change: another setting edited in it
   since the checkpoint is refused, except those of :data:`RESUME_WARNED` and plugin settings marked
   :data:`~mvae_core.plugins.MAY_CHANGE_ON_RESUME`), refuses a run without a checkpoint
   (one stopped before its first checkpoint starts over with its config) and a run trained with plugin objects
   not given back, and returns at once (``"already stopped"``) for a run a plugin stopped;
2. **plugins**: registered names are constructed from their sections; plugin objects are registered as given;
3. **data**: every path must exist; the data is loaded, reported and split; a resume re-splits and refuses data
   whose split fingerprint changed or whose files were edited (:class:`DataChanged`). Nothing is written before the
   data is usable;
4. **run directory**: ``config.toml`` (with absolute data paths, versions and the fingerprint),
   ``data_report.json`` and ``split.json``; a resume truncates ``metrics.jsonl`` to the checkpoint (warning of
   checkpointed epochs without a line), writes a damaged ``split.json`` again, warns that a run that failed with a
   non-finite loss repeats its steps, and removes ``failure.json``; every training first removes the temporaries of
   run files whose writes were killed midway;
5. **training** (:class:`~mvae_core.trainer.Trainer`), with SIGINT/SIGTERM deferred to the next step;
6. **the end**: a :class:`RunResult`, or a typed error (:mod:`mvae_core.errors`): :class:`RunFailed` after writing
   ``failure.json``, :class:`RunInterrupted` after the checkpoint, and the bad-input errors before anything ran.

Under ``torchrun`` every process calls :func:`train`; rank 0 alone writes and reports.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import math
import os
import re
import shlex
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import torch
from rich.console import Console

from mvae_core.checkpoint import BEST_MODEL, CHECKPOINT, CheckpointError
from mvae_core.config import (
    PROVENANCE,
    ConfigError,
    DataConfig,
    MvaeConfig,
    PluginsConfig,
    build_config,
    dotted_settings,
    read_toml,
    settings_tree,
    toml_literal,
)
from mvae_core.console_text import SpelledStdout
from mvae_core.data.corpus import CORPUS_PREFIX, DEFAULT_DATA
from mvae_core.data.load import DataReport, absolute_data, check_paths, data_arguments, load_dataset, reading_stopped
from mvae_core.data.relocation import Relocation
from mvae_core.data.sources import READ_SUFFIXES
from mvae_core.data.split import LoopSet, TooFewLoops, from_sources, split_by_source, trained_loops
from mvae_core.data.table import NoteTable
from mvae_core.decode_options import whole_number
from mvae_core.distributed import Distributed
from mvae_core.errors import (
    DataChanged,
    DataError,
    InputError,
    MvaeError,
    OptionError,
    ResumeRefused,
    RunBusy,
    RunExists,
    RunFailed,
    RunInterrupted,
    shortened,
)
from mvae_core.files import WriteFailed
from mvae_core.host import OBJECT_ORIGIN, PluginHost
from mvae_core.models import (
    build_model,
    installed_model_version,
    model_packages,
    model_versions,
    resolve_model,
)
from mvae_core.plugins import PluginError, available_plugins
from mvae_core.progress import Advice, ConsoleReporter, SilentReporter
from mvae_core.report import skip_reasons
from mvae_core.run import CONFIG, METRICS, NON_FINITE, REPEATS, SPLIT, RunDir, Steps, settings_record
from mvae_core.signals import Interrupts
from mvae_core.starting_weights import INHERITED_DATA, PROVENANCE_KEY, StartingWeights, read_starting_weights
from mvae_core.trainer import NonFiniteLoss, Trainer, TrainingInProgress, TrainingPaused, one_training
from mvae_core.version import NUMERICS, VERSION, source_commit
from mvae_core.view import epoch_number
from mvae_core.wording import listed

EPOCHS_KEY = "train.epochs"
"""The setting ``epochs=`` (``--epochs``) sets, and the one override a resume names as its own argument."""

RESUME_WARNED = ("train.device", "train.deterministic", "train.table_on_device", "train.keep_freed_memory",
                 "data.cache_dir")  # fmt: skip
"""The settings that an edit of a run's ``config.toml`` may change before a resume, which continues with them and
warns naming them: where and how the run computes (the device, CUDA's deterministic kernels, where the training notes
are kept, the memory a step keeps, the parse cache's folder), not what (a new device is also recorded in
``[[provenance.resumed]]``). Any other edited setting but the epoch budget refuses the resume
(:func:`_edited_settings`)."""

PluginSpec = str | tuple[str, Any] | Any
"""An item of ``plugins``: a registered name, a ``(name, object)`` pair, or a plugin object (named after its class)."""


@runtime_checkable
class Reporter(Protocol):
    """What a run shows while it trains (:class:`~mvae_core.progress.ConsoleReporter` prints it)."""

    def data(self, table: NoteTable, report: DataReport, cfg: DataConfig, title: str) -> None: ...
    def note(self, message: str, level: str = "info") -> None: ...
    def event(self, event: dict[str, Any]) -> None: ...
    def training(self, epochs: int, first_epoch: int) -> Any:
        """A context manager giving a display: called with each epoch's record, and, when it has that method,
        ``started(events)`` with the start-up events (emitted in ``mvae_ramp_end`` and ``mvae_train_start``) before
        the first epoch (a plain function is a display too)."""

    # Optional: ``parsing()``, a context manager giving a ``(parsed, total)`` callback that the data's first parse
    # calls with each file it parses (``None``: nothing shown); ConsoleReporter shows a progress bar.


@dataclass
class RunResult:
    """How :func:`train` ended: ``outcome`` is ``"trained"``, ``"already finished"`` (a resume with no epochs left)
    or ``"already stopped"`` (a resume of a run a plugin stopped); epochs are counted over the whole run.
    ``best_val_elbo`` is the lowest finite ``val_elbo`` of its epochs (the best model's), NaN when none had one."""

    path: Path
    outcome: Literal["trained", "already finished", "already stopped"]
    epochs_run: int
    stop_reasons: list[str] = field(default_factory=list)
    best_val_elbo: float = float("nan")
    final_events: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> list[dict[str, Any]]:
        """Every line of the run's ``metrics.jsonl`` (one dict per epoch)."""
        return RunDir(self.path).read_metrics()


@runtime_checkable
class RunFolder(Protocol):
    """A run object that names its folder: a :class:`RunResult` or a loaded :class:`~mvae_core.api.Run` (what
    ``train(init_from=...)`` takes besides a path). A protocol, not the two classes, so the hints of :func:`train`
    resolve at run time (``typing.get_type_hints``) although ``mvae_core.api`` imports this module."""

    path: Path


def train(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    out: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | Mapping[str, Any] | MvaeConfig | None = None,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
    plugins: Sequence[PluginSpec] | None = None,
    epochs: int | None = None,
    resume: bool = False,
    jobs: int | None = None,
    progress: bool | Reporter = True,
    stop: threading.Event | None = None,
    init_from: str | os.PathLike[str] | RunFolder | None = None,
) -> RunResult:
    """Train a new run into ``out``, or (``resume=True``) continue the run in ``out``.

    :param data: MIDI files, folders or ``corpus:essen`` (default ``corpus:essen``), or one of them. On resume
        only when the run's data has moved: its new place, one path for each the run was started with, in order
        (the split must be the same; ``config.toml`` and ``split.json`` then name the new place).
    :param out: the run directory (default ``runs/<time>``, or ``runs/<time>-2``, … when a run started in the same
        second holds it); must not hold a run yet, unless ``resume``.
    :param config: a TOML file, a config tree (dict) or an :class:`MvaeConfig`; not with ``resume``.
    :param overrides: ``{"train.lr": 3e-4}`` (numpy numbers too) or ``["train.lr=3e-4"]`` (or one such string),
        applied over ``config``; not with ``resume``.
    :param plugins: which plugins run (default: the config's ``plugins.enabled``, i.e. every built-in): registered
        names, plugin objects (named after their class in snake case) or ``(name, object)`` pairs; ``[]`` for none.
        On resume: the plugin objects the run was started with (its config names them), alone or with the run's own
        list of names again; another list of names is refused.
    :param epochs: the maximum number of epochs (on resume: a new budget, kept in ``config.toml``).
    :param jobs: processes for the first parse of the data (a whole number >= 1; default: every core).
    :param progress: print the run's progress on the console (``True``), nothing (``False``), or a reporter.
    :param stop: setting this event stops training after the step it is in, with a checkpoint, as Ctrl-C does
        (:class:`RunInterrupted`): how a training that runs in a thread, where signals do not reach it, is stopped.
    :param init_from: a new run's starting weights (not with ``resume``): a trained run's folder (its
        ``model.safetensors``, the best model; or the ``RunResult`` or loaded ``Run`` that names it), that file, or its
        ``checkpoint.pt`` (the last trained weights). The
        run starts at epoch 1 with a fresh optimizer and plugin states; its ``[model]`` settings and the data's
        pitch rows and duration scale default to the source's (:mod:`mvae_core.starting_weights`); settings the
        weights cannot take (another model, other tensor shapes) raise :class:`ConfigError`. ``[provenance.init_from]``
        of its ``config.toml`` records the file and the digest of its weights.
    :raises: :class:`ConfigError`, :class:`PluginError`, :class:`DataError`, :class:`DataChanged`,
        :class:`RunExists`, :class:`RunBusy` (another process trains ``out``), :class:`ResumeRefused` before training;
        :class:`RunFailed` (``failure.json`` written) or :class:`RunInterrupted` (checkpoint written) once it has
        started.
    """
    names, objects = _split_plugins(plugins)
    given_data = data
    if stop is not None and not callable(getattr(stop, "is_set", None)):
        raise OptionError("stop", f"is a threading.Event (set it to stop training), got {stop!r}")
    if out is not None and not isinstance(out, str | os.PathLike):
        raise OptionError("out", f"is the run's folder (a str or pathlib.Path), got {out!r}")
    init_from = init_from.path if isinstance(init_from, RunFolder) else init_from
    if init_from is not None and not isinstance(init_from, str | os.PathLike):
        raise OptionError(
            "init_from",
            f"is a trained run's folder or its model file (a str or pathlib.Path, or a Run or RunResult), got "
            f"{init_from!r}",
        )
    jobs = None if jobs is None else whole_number("jobs", jobs)
    epochs = None if epochs is None else whole_number("epochs", epochs)  # not "3": a str is no number, as for seed
    from_run = resume  # the config is the run's: its errors name RUN/config.toml and the versions that trained it
    starting = None  # the weights a new run starts from (init_from)
    if resume:
        if init_from is not None:
            raise ResumeRefused(
                f"a resume continues {out} from its own checkpoint; init_from={str(init_from)!r} starts a new run from "
                "those weights: give it another out (and no resume)",
                command_line=f"--resume continues {out} from its own checkpoint; --init-from {init_from} starts a new "
                "run from those weights: give it with --out NEW_RUN instead of --resume",
            )
        run, cfg, data, relocation = _resume_setup(out, data, config, overrides, names, epochs)
        resume = run.has_checkpoint()  # else it stopped before its first checkpoint: it starts over, with its config
        if not resume:  # and from the weights it started from, if any
            starting = _recorded_start(run)
        if stops := run.stop_reasons():
            reporter = _reporter(progress, True)
            stopped = f"{run.path} stopped ({'; '.join(stops)}); start a new run to train further, from its weights"
            python, command = run.steps(python=True), run.steps(python=False)
            reporter.note(Advice(f"{stopped}: {python.init_from}", f"{stopped}: {command.init_from}"))
            records = run.read_metrics()
            return RunResult(run.path, "already stopped", len(records), stops, _best_val_elbo(records))
        _check_objects(cfg, run, objects)
    else:
        enabled = None if plugins is None else [*names, *objects]
        starting = None if init_from is None else read_starting_weights(init_from)
        run, cfg, data, relocation = _new_run_setup(out, data, config, overrides, enabled, epochs, starting)
    default_data = not from_run and not data_arguments(given_data)  # a new run on the bundled corpus
    written = cfg  # config.toml as it is, before the installed code resolves it
    cfg, host, idle = _resolved(cfg, objects, run if from_run else None)
    if starting is not None:
        starting.check(cfg, config)
    edited = _edited_settings(run, written, cfg, host, data) if resume else None  # before any data is read
    dist = Distributed.from_env(_device(cfg.train.device))
    try:
        dist.check_batch_size(cfg.train.batch_size)
        reporter = _reporter(progress, dist.is_main)
        if idle:
            reporter.note(idle, "warning")
        if edited:
            reporter.note(*edited)
        if default_data:
            reporter.note(_default_data_note(run, cfg))
        # rank 0 holds the run's lock for all ranks; Interrupts is a no-op off the main thread
        claim = _claimed(run, numbered=out is None and not from_run) if dist.is_main else contextlib.nullcontext(run)
        with claim as run, Interrupts() as interrupts, callers_random_state():
            try:
                with dist.main_first():  # rank 0 parses into the cache, the others then read it
                    if dist.is_main and not resume:  # again, under the lock: a run may have finished there meanwhile
                        _refuse_existing(run, epochs, locked=True)
                    train_set, val_set, fingerprint = _prepare_data(
                        run, cfg, data, jobs, resume, relocation, dist, reporter, starting
                    )
                sources = f"{len(train_set)} train examples from {len(train_set.sources)} sources"
                dist.check_same_split(fingerprint, f"{sources}, {len(val_set)} validation loops")
            except KeyboardInterrupt:  # SIGINT/SIGTERM while reading data: nothing was written
                raise reading_stopped(interrupts.signum or signal.SIGINT, cfg.data, training=True) from None
            interrupts.defer()  # from here on a signal stops training at the next step, with a checkpoint
            versions = {"mvae": VERSION, **numerics(dist.device), **model_versions(cfg), **host.versions}
            if not from_run and not starting and (retrained := _retrained_note(config, versions, data)):
                reporter.note(retrained)
            if dist.is_main and not resume:
                packages = {**model_packages(cfg), **host.packages}
                run.write_config(cfg, versions, data, fingerprint, packages, starting and starting.record())
            elif dist.is_main and (epochs is not None or relocation):  # a new budget or data place
                run.rewrite_config(cfg, data, fingerprint)
            return _fit(run, cfg, host, train_set, val_set, resume, versions, dist, interrupts, reporter, stop,
                        starting)  # fmt: skip
    finally:
        dist.close()


def _default_data_note(run: RunDir, cfg: MvaeConfig) -> Advice:
    """What a new run given no data trains on, and how to give one's own: a first ``mvae train`` typed without
    DATA would otherwise train on the bundled corpus for minutes with only the data table's title saying so."""
    epochs = f"{cfg.train.epochs} epoch{'s' if cfg.train.epochs != 1 else ''}"
    said = f"no data given: training on {' '.join(DEFAULT_DATA)}, the bundled folk tunes, for {epochs}"
    return Advice(
        f"{said}; to train on your own MIDI files: mvae_core.train('my-midi/', out='runs/mine')",
        f"{said} into {run.path}; to train on your own MIDI files: mvae train my-midi/ --out runs/mine "
        "(Ctrl-C stops this one: while it reads the tunes, keeping those parsed; once it trains, with a checkpoint)",
    )


def _recorded_start(run: RunDir) -> StartingWeights | None:
    """The weights ``run``, stopped before its first checkpoint, started from (``[provenance.init_from]``), read
    again for it to start over from: they must be the same (their digest); None for a run that started from its own
    random weights."""
    record = run.read_provenance().get(PROVENANCE_KEY)
    if not isinstance(record, dict):
        return None
    path, digest = str(record.get("path")), record.get("weights_sha256")
    try:
        starting = read_starting_weights(path)
    except MvaeError as exc:
        said = f"{run.path} stopped before its first checkpoint, so it starts over from the weights it started from, "
        fix = f"put {path} back, or start a new run"
        raise ResumeRefused(
            f"{said}which cannot be read again ({exc}); {fix}",
            command_line=f"{said}which cannot be read again ({exc.command_line_message()}); {fix}",
        ) from None
    if starting.digest != digest:
        raise ResumeRefused(
            f"{run.path} stopped before its first checkpoint, so it starts over from the weights it started from, "
            f"but {path} holds other weights now (weights_sha256 {str(digest)[:16]}… in {run.path / CONFIG}, "
            f"{starting.digest[:16]}… there); put those back, or start a new run"
        )
    return starting


def _new_run_setup(
    out: str | os.PathLike[str] | None, data: Any, config: Any, overrides: Any, enabled: list[Any] | None,
    epochs: int | None, starting: StartingWeights | None = None,
) -> tuple[RunDir, MvaeConfig, list[str], Relocation]:  # fmt: skip
    """:func:`train`'s arguments for a new run checked, before anything is read: its folder (refused when it holds
    a run), its config (``overrides`` and ``enabled``, the plugins' names, over ``config``, over the model settings
    of the ``starting`` weights) and its data paths."""
    flags = {EPOCHS_KEY: epochs, "plugins.enabled": enabled}
    base = starting.defaults() if starting else None
    if isinstance(overrides, Mapping):
        cfg = build_config(_config_source(config), (), {**overrides, **flags}, base)
    else:  # one "key=value" string is one override, as one path is one DATA
        assignments = [overrides] if isinstance(overrides, str) else list(overrides or ())
        cfg = build_config(_config_source(config), assignments, flags, base)
    run = RunDir(Path(out) if out is not None else Path("runs") / time.strftime("%Y%m%d-%H%M%S"))
    if out is not None:  # a default folder that holds a run is numbered on (_claimed)
        _refuse_existing(run, epochs)
    data = data_arguments(data) or DEFAULT_DATA
    check_paths(data)  # before anything else, and as the user spelled them
    _refuse_runs_as_data(data, epochs)
    return run, cfg, absolute_data(data), Relocation()


def _resolved(
    cfg: MvaeConfig, objects: dict[str, Any], run: RunDir | None
) -> tuple[MvaeConfig, PluginHost, Advice | None]:
    """The model and plugins of ``cfg`` resolved before any data is read (an unknown model, a bad setting, a model
    whose ``__init__`` fails): the config with every setting the run trains with, defaults included (what
    ``config.toml`` records, so a later default cannot change it), the plugin host, and the advice about plugins
    configured but not enabled. ``run``: the run being resumed, whose ``config.toml`` its errors name."""
    try:
        _, settings = resolve_model(cfg)
        host = PluginHost.from_config(cfg.plugins, objects=objects)
    except ConfigError as exc:
        if run is None:
            raise
        # e.g. the model's package is not installed, or a plugin's new version no longer has a setting
        raise ConfigError(f"{run.path / CONFIG}: {run.with_version_hint(str(exc), _installed_versions(cfg))}") from None
    sections = cfg.model.sections | {cfg.model.name: settings_tree(settings)}
    idle = _configured_not_enabled(cfg.plugins, host, objects)
    cfg = cfg.model_copy(
        update={"plugins": host.resolved(), "model": cfg.model.model_copy(update={"sections": sections})}
    )
    with torch.random.fork_rng(devices=[]):
        build_model(cfg)
    return cfg, host, idle


@contextlib.contextmanager
def _claimed(run: RunDir, numbered: bool) -> Iterator[RunDir]:
    """Hold the training lock of ``run`` (:meth:`RunDir.training_lock`), and give the run directory it holds. A
    default folder (``numbered``, ``runs/<time>``) that another run holds or has written, as runs launched together
    in one second do, is numbered on instead (``runs/<time>-2``, ``-3``, …): a run never takes another's folder."""
    for number in range(1, 1000):
        candidate = run if number == 1 else RunDir(run.path.with_name(f"{run.path.name}-{number}"))
        if numbered and candidate.exists():
            continue
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(candidate.training_lock())
            except RunBusy:
                if numbered:
                    continue
                raise
            yield candidate
            return
    raise RunBusy(f"{run.path} and its numbered folders up to -999 all hold runs; give the run a folder of its own")


def _refuse_runs_as_data(data: list[str], epochs: int | None) -> None:
    """An :class:`~mvae_core.errors.InputError` for a data folder that is a run: ``mvae train RUN --epochs 80`` is
    how a newcomer tries to continue a run, and it trained a new model on the loops ``mvae generate`` had written
    into the run. Loops generated into a run are trained on by naming their folder (``RUN/samples``)."""
    for given in data:
        run = RunDir(Path(given))
        if run.path.is_dir() and run.exists():
            more = "" if epochs is None else f" --epochs {epochs}"
            then = f"to train on loops mvae generate wrote into it, give the folder they are in, e.g. {run.path / 'samples'}"
            tune = "to train its weights on other MIDI files, start a new run from them"
            python, command = run.steps(python=True).init_from, run.steps(python=False).init_from
            raise InputError(
                f"data {given} is a run folder, not MIDI files: to continue training it, "
                f"{run.resume_call(*([] if epochs is None else [f'epochs={epochs}']))}; {tune}: {python}; {then}",
                command_line=f"DATA {given} is a run folder, not MIDI files: to continue training it, "
                f"{run.resume_command}{more}; {tune}: {command}; {then}",
            )


def numerics(device: torch.device) -> dict[str, str]:
    """The :data:`NUMERICS` of this process computing on ``device``, as ``[provenance.versions]`` records them
    (strings); no ``mvae.commit`` outside a git checkout."""
    on = f"cuda ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else device.type
    values = (torch.__version__, str(torch.get_num_threads()), on, source_commit())
    return {key: value for key, value in zip(NUMERICS, values, strict=True) if value is not None}


def _retrained_note(config: object, versions: Mapping[str, str], data: list[str]) -> str | None:
    """When ``config`` is a run's ``config.toml`` (a file with a ``[provenance]`` table) whose recorded versions or
    DATA arguments differ from this run's ``versions`` and (absolute) ``data``: a note naming each difference, since
    the new run trains the same settings but its numbers can differ from that run's (docs/evaluation.md); else
    None."""
    if not isinstance(config, str | os.PathLike):
        return None
    provenance = read_toml(Path(config)).get(PROVENANCE)
    if not isinstance(provenance, dict):
        return None
    recorded = provenance.get("versions") if isinstance(provenance.get("versions"), dict) else {}
    differ = [f"{name} {was} → {versions[name]}" for name, was in recorded.items() if versions.get(name, was) != was]
    if (was := provenance.get("data", data)) != data:
        differ.append(f"DATA {' '.join(map(str, was)) if isinstance(was, list) else was} → {' '.join(data)}")
    if not differ:
        return None
    return (
        f"{config} is the config of a run trained otherwise ({'; '.join(differ)}): this run trains the same settings, "
        "and its numbers can differ from that run's (docs/evaluation.md, Reproducing a run and comparing two)"
    )


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


@contextlib.contextmanager
def callers_random_state() -> Iterator[None]:
    """Within the block, torch's global random state is the code's (training seeds it); after it, the caller's again
    (CPU, and CUDA where the caller had initialised it): a notebook's own ``torch.manual_seed`` stream goes on as if
    mvae had not trained or built a model in between. The state is put back only while no training runs
    (:func:`~mvae_core.trainer.one_training`), and not when the block was refused one (:class:`TrainingInProgress`):
    then it belongs to the training that runs in another thread, which this must not touch."""
    cpu = torch.get_rng_state()
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    refused = False
    try:
        yield
    except TrainingInProgress:
        refused = True
        raise
    finally:
        if not refused:
            with contextlib.suppress(TrainingInProgress), one_training():
                torch.set_rng_state(cpu)
                if cuda is not None:
                    torch.cuda.set_rng_state_all(cuda)


def fingerprint(train_set: LoopSet, val_set: LoopSet, name: Callable[[str], str] = str) -> str:
    """Identifies the split: which sources (each as ``name`` gives it) and how many loops/examples on each side."""
    parts = [sorted(map(name, train_set.sources)), sorted(map(name, val_set.sources)), len(train_set), len(val_set)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def _fit(
    run: RunDir, cfg: MvaeConfig, host: PluginHost, train_set: LoopSet, val_set: LoopSet, resuming: bool,
    versions: dict[str, str], dist: Distributed, interrupts: Interrupts, reporter: Reporter,
    stop: threading.Event | None = None, starting: StartingWeights | None = None,
) -> RunResult:  # fmt: skip
    """Train (or resume) into ``run``; every way a run ends becomes a result or a typed error. A resume whose
    ``versions`` (of mvae, the model's and plugins' packages) differ from those that trained the run so far records
    them in ``config.toml`` from the epoch it continues, and warns once. A signal or a set ``stop`` pauses it. A new
    run starts from the ``starting`` weights when given (a resume restores its checkpoint's)."""
    writer = run if dist.is_main else None  # only rank 0 writes run files

    def pause_requested() -> bool:
        return interrupts.requested() or (stop is not None and stop.is_set())

    initial = starting.state if starting is not None and not resuming else None
    trainer = Trainer(cfg, train_set, val_set, host, writer, dist=dist, pause_requested=pause_requested,
                      initial_weights=initial)  # fmt: skip
    objects = [name for name, version in versions.items() if str(version).startswith(OBJECT_ORIGIN)]
    steps = (run.steps(python=True, objects=objects, world=dist.world),
             run.steps(python=False, objects=objects, world=dist.world))  # fmt: skip
    if writer and (leftovers := writer.remove_leftovers()):
        reporter.note(
            f"removed {len(leftovers)} temporary file{'s' * (len(leftovers) > 1)} of {run.path} "
            f"({_mebibytes(sum(leftovers.values()))}: {', '.join(leftovers)}) that writes killed midway left"
        )
    try:
        if resuming and (finished := _restore(run, cfg, trainer, versions, dist, reporter, steps)):
            return finished
        if not resuming:
            if writer:
                writer.clear_failure()  # of an earlier run here that failed before its first checkpoint
            reporter.note(
                f"train {len(train_set)} examples ({len(train_set.sources)} sources, augmented) · val {len(val_set)} "
                f"loops · plugins: {', '.join(host.names) or 'none'} · device {dist.device}{_processes_on(dist)} · "
                f"run {run.path}"
            )
            if initial is not None:
                taken = starting.taken(cfg)
                reporter.note(f"starts from the weights of {starting.described()}{f', with its {taken}' * bool(taken)}")
                if still := starting.still_training():
                    reporter.note(still, "warning")
        with reporter.training(cfg.train.epochs, trainer.start_epoch) as show:
            result = trainer.fit(on_epoch_end=show, on_start=getattr(show, "started", None))  # started is optional
    except (TrainingPaused, KeyboardInterrupt) as exc:
        raise _interrupted(exc, interrupts, steps) from None
    except (NonFiniteLoss, WriteFailed, PluginError) as exc:
        raise _failed(exc, run, cfg, trainer, steps) from exc
    for event in result.final_events:
        reporter.event(event)
    stopped = f" (stopped: {'; '.join(result.stop_reasons)})" if result.stop_reasons else ""
    reporter.note(f"done after {result.epochs_run} epoch{'s' * (result.epochs_run != 1)}{stopped}; {_best_line(run)}")
    return RunResult(run.path, "trained", result.epochs_run, result.stop_reasons, _reported(result.best_val_elbo),
                     result.final_events)  # fmt: skip


def _restore(
    run: RunDir, cfg: MvaeConfig, trainer: Trainer, versions: dict[str, str], dist: Distributed, reporter: Reporter,
    steps: tuple[Steps, Steps],
) -> RunResult | None:  # fmt: skip
    """Load ``run``'s checkpoint into ``trainer`` and say where it resumes (the run's files made consistent with the
    checkpoint on rank 0); a result instead when the run has finished its epochs. ``steps``: what to type next, for
    a Python caller and on the command line."""
    writer = run if dist.is_main else None
    payload = run.load_checkpoint()
    try:
        trainer.restore(payload)
    except CheckpointError as exc:  # e.g. a new version of the model's package changed its layout
        message = run.refused_weights(exc, _installed_versions(cfg))
        raise CheckpointError(f"{run.path / CHECKPOINT}: {message}") from None
    if writer:
        if (failure := writer.read_failure()) and failure.get("error") == NON_FINITE:
            reporter.note(f"{run.path} failed with a {failure.get('message', NON_FINITE)}; {REPEATS}", "warning")
        if lost := writer.truncate_metrics(int(payload["epoch"])):
            reporter.note(_lost_lines(run, lost), "warning")
        writer.clear_failure()
    if trainer.start_epoch >= cfg.train.epochs:
        finished = f"{run.path} has finished its {cfg.train.epochs} epochs; give a larger epoch budget to train"
        reporter.note(Advice(f"{finished} further ({steps[0].more_epochs})",
                             f"{finished} further ({steps[1].more_epochs})"))  # fmt: skip
        done = len(run.read_metrics())
        return RunResult(run.path, "already finished", done, best_val_elbo=_reported(trainer.best_val_elbo))
    if (written_by := len(payload.get("ranks", [])) or 1) != dist.world:
        reporter.note(
            f"the checkpoint was written by {_processes(written_by)} and this resume runs {_processes(dist.world)}: "
            f"the continuation is not bit-identical to a run that kept {written_by} (docs/scaling.md)"
        )
    # a run written before the torch entries were recorded has none to compare with: they stay unrecorded
    recorded = writer.trained_versions() if writer else {}
    versions = {name: v for name, v in versions.items() if name not in NUMERICS or name in recorded}
    if writer and (changed := writer.record_versions(versions, epoch_number(trainer.start_epoch))):
        what = ", ".join(f"{name} {was} → {now}" for name, (was, now) in changed.items())
        reporter.note(
            f"{run.path} trained so far with other versions than this resume ({what}); from epoch "
            f"{epoch_number(trainer.start_epoch)} on it trains with these (config.toml keeps both: "
            "[provenance.versions] and [[provenance.resumed]])",
            "warning",
        )
    step = trainer.progress.step if trainer.progress else 0
    reporter.note(f"resumed {run.path} at epoch {epoch_number(trainer.start_epoch)}, step {step + 1} "
                  f"(of {cfg.train.epochs} epochs × {trainer.view.steps_per_epoch} steps; device "
                  f"{dist.device}{_processes_on(dist)})")  # fmt: skip
    return None


def _interrupted(
    exc: TrainingPaused | KeyboardInterrupt, interrupts: Interrupts, steps: tuple[Steps, Steps]
) -> RunInterrupted:
    """What a paused training (a signal, or the caller's ``stop`` event) or a ``KeyboardInterrupt`` raised by code
    becomes: where it stopped, and how to continue."""
    if isinstance(exc, TrainingPaused):
        where = (
            f"after epoch {exc.epoch}" if exc.step == 0 else f"at step {exc.step} of epoch {epoch_number(exc.epoch)}"
        )
        cause = interrupts.name if interrupts.requested() else "stop set"
        stopped, signum = f"{cause}: stopped {where} and checkpointed. Continue with: ", interrupts.signum
    else:  # signals are deferred during training, so this one came from code
        stopped, signum = "interrupted; the last finished epoch is checkpointed. Continue with: ", None
    return RunInterrupted(stopped + steps[0].resume, signum or signal.SIGINT, stopped + steps[1].resume)


def _failed(
    exc: NonFiniteLoss | WriteFailed | PluginError, run: RunDir, cfg: MvaeConfig, trainer: Trainer,
    steps: tuple[Steps, Steps],
) -> RunFailed:  # fmt: skip
    """The :class:`RunFailed` a started run ends with: the cause, where the best model is, and what to do next (for
    a Python caller and on the command line); ``failure.json`` records it where it can be written."""
    writer = run if trainer.run else None
    python, command_line = steps
    if isinstance(exc, NonFiniteLoss):
        _record_failure(writer, {"error": NON_FINITE, "message": str(exc), "epoch": exc.epoch,
                                 "step": exc.step, "terms": exc.terms})  # fmt: skip
        failed = f"{exc}; {_best_model(run)} (reason in failure.json)"
        if not exc.origins:  # the model's own terms: the same steps fail again
            return RunFailed(f"{failed}; {REPEATS}", run.path)
        then = "continues from its last checkpoint" if run.has_checkpoint() else "starts it over"
        return RunFailed(f"{failed}; after a fix of the plugin, {python.resume} {then}", run.path,
                         f"{failed}; after a fix of the plugin, {command_line.resume} {then}")  # fmt: skip
    if isinstance(exc, WriteFailed):  # a full disk, a folder made read-only or removed under the run
        with contextlib.suppress(OSError):  # most likely the disk refuses this one too
            _record_failure(writer, {"error": "write failed", "message": str(exc), "epoch": trainer.view.epoch})
        then = "continues from its last checkpoint" if run.has_checkpoint() else "starts it over"
        cause = f"{exc}; {_best_model(run)}; free space (or fix the folder), then"
        return RunFailed(f"{cause} {python.resume} {then}", run.path, f"{cause} {command_line.resume} {then}")
    failure = {"error": "plugin failed", "message": str(exc), "epoch": trainer.view.epoch}
    if exc.__cause__ is not None:  # the plugin's own exception, when it raised one: where in its code
        failure["traceback"] = "".join(traceback.format_exception(exc.__cause__))
    _record_failure(writer, failure)
    checkpointed = run.has_checkpoint()
    done = len(run.read_metrics())
    over = done >= cfg.train.epochs or bool(run.stop_reasons())  # it failed in mvae_train_end, after the last epoch

    def after(how: Steps) -> str:
        if over:
            saved = f"{done} epoch{'s' * (done != 1)} saved"
            return (
                f"training was over ({saved}), so a resume has nothing left to do: the run is usable ({how.generate})"
            )
        if checkpointed:  # a resume keeps the run's settings: a fix of one of them needs a new run
            return (
                f"after a fix of the plugin, {how.resume} continues from its last checkpoint; if a setting of the "
                f"run was the cause, start a new run with it changed, in another output directory ({how.trainer_out})"
            )
        # it failed before training began (mvae_ramp_end, mvae_train_start): a new run may start there again
        return f"nothing was checkpointed, so after a fix start it again: {how.again}"

    cause, said = f"{exc}; {_best_model(run)}", f"{exc.command_line_message()}; {_best_model(run)}"
    return RunFailed(f"{cause}; {after(python)}", run.path, f"{said}; {after(command_line)}")


def _prepare_data(
    run: RunDir, cfg: MvaeConfig, data: list[str], jobs: int | None, resuming: bool, relocation: Relocation,
    dist: Distributed, reporter: Reporter, starting: StartingWeights | None = None,
) -> tuple[LoopSet, LoopSet, str]:  # fmt: skip
    """Load, report and split the data; refuse data a resumed run did not start with (its sources compared under
    the names they had before a ``relocation``). Creates the run directory (rank 0) only once the data is usable;
    a relocated resume rewrites ``split.json`` with the new names. A new run from ``starting`` weights warns of
    validation files the run that trained them trained on."""
    parsing = getattr(reporter, "parsing", None)  # optional (Reporter): a first parse of thousands of files is long
    try:
        with parsing() if parsing is not None else contextlib.nullcontext() as progress:
            table, report = load_dataset(data, cfg.data, jobs, progress)
    except InputError:  # a bad argument (jobs), named as it is
        raise
    except ValueError as exc:  # an unknown corpus name
        raise DataError(str(exc)) from None
    if report.cache_warning:  # each process holds its own copy of the set
        reporter.note(report.cache_warning, "warning")
    if not resuming:
        reporter.data(table, report, cfg.data, f"data: {' '.join(data)}")
    train_set, val_set, warnings = _split(table, report, cfg, data)
    for warning in warnings:
        reporter.note(warning, "warning")
    if not resuming and dist.is_main and (seen := int(trained_loops(train_set, val_set).sum())):
        reporter.note(
            f"{seen} of the {len(val_set)} validation loops ({seen / len(val_set):.1%}) are a training example note "
            "for note (a variant or an excerpt of a tune under another name, a phrase two files share): validation "
            "scores them as held out, which flatters its numbers that much (docs/data.md, Train/validation split)"
        )
    if not resuming and dist.is_main and starting is not None and (learnt := _learnt(starting, val_set, report)):
        reporter.note(learnt, "warning")
    damaged = run.split_damaged() if resuming else None
    if resuming:
        _refuse_changed_split(run, train_set, val_set, report.content(), relocation)
    if damaged is not None:
        reporter.note(
            f"{run.path / SPLIT} cannot be read ({damaged}), so this resume checked the data by its fingerprint only "
            "(the sources' names and loop counts), not for edits; it is written again from the data as read now",
            "warning",
        )
    if dist.is_main:
        run.path.mkdir(parents=True, exist_ok=True)
        if not resuming:
            run.write_data_report(report.to_json())
        if not resuming or relocation or damaged is not None:
            run.write_split(list(train_set.sources), list(val_set.sources), report.content())
    if resuming and relocation:
        reporter.note(
            f"the run's data moved ({relocation.describe()}); config.toml and split.json now name its new place"
        )
    return train_set, val_set, fingerprint(train_set, val_set)


def _learnt(starting: StartingWeights, val_set: LoopSet, report: DataReport) -> str | None:
    """The warning that validation files of a new run are files the run its ``starting`` weights come from trained
    on (or copies of them), by :meth:`RunDir.trained_on`; None when none is (or that run is gone)."""
    source = RunDir(starting.file.parent)
    validation = set(val_set.sources)
    content = {name: digest for name, digest in report.content().items() if name in validation}
    learnt = source.trained_on(content, report.music()) if (source.path / CONFIG).is_file() else None
    if not learnt:
        return None
    shown = listed(learnt)
    return (
        f"{len(learnt)} of the {len(validation)} validation files ({shown}) are files {source.path} trained on, the "
        "run this one starts from: its weights learnt them, so validation scores them as held out when they are not, "
        "which flatters val_elbo; for held-out numbers, leave them out of DATA (or train the source without them)"
    )


def _split(
    table: NoteTable, report: DataReport, cfg: MvaeConfig, data: list[str]
) -> tuple[LoopSet, LoopSet, list[str]]:
    """:func:`split_by_source` with the run's settings and seed; :class:`DataError` naming ``data`` when it gives no
    loop (with the skip reasons) or too few to split."""
    if table.n_loops == 0:
        what_now = (  # with no file at all, there is nothing to inspect file by file
            "see mvae data inspect for each file" if report.entries
            else f"put MIDI files ({', '.join(READ_SUFFIXES)}) in it, or give the folder that holds them"
        )  # fmt: skip
        raise DataError(f"no loops to train on in {' '.join(data)}: {len(report.entries)} source(s) read, none "
                        f"usable ({skip_reasons(report)}); {what_now}")  # fmt: skip
    try:
        return split_by_source(table, cfg.data, cfg.train.seed)
    except TooFewLoops as exc:
        raise DataError(f"no training possible: {exc}") from None


def _refuse_changed_split(
    run: RunDir, train_set: LoopSet, val_set: LoopSet, content: dict[str, str], relocation: Relocation
) -> None:
    """:class:`DataChanged` unless the split is the run's (``data_fingerprint``) and no file of it was edited (the
    ``content`` digests ``split.json`` recorded), its sources compared under the names they had before a
    ``relocation``; the message says which files differ (a run without a fingerprint: not checked)."""
    saved = run.read_provenance().get("data_fingerprint")
    if saved is None:
        return
    was_content = {relocation.saved_name(name): digest for name, digest in content.items()}
    if saved != fingerprint(train_set, val_set, relocation.saved_name) or run.edited_sources(was_content):
        was = [relocation.saved_name(s) for s in train_set.sources], [relocation.saved_name(s) for s in val_set.sources]
        changes = run.split_changes(*was, was_content)
        moved = f" (read from its new place: {relocation.describe()})" if relocation else ""
        if changes.sides_only:  # the files are the run's: the rule that splits them is not
            raise DataChanged(
                f"the files of {run.path} are unchanged{moved}, but this version of mvae splits them otherwise "
                f"({changes}): it keeps copies with the same notes on one side, where the version that started the "
                "run let them straddle the split, so its validation scored loops it trained on; start a new run"
            )
        if changes.read_otherwise:  # every file as split.json recorded it: the reading changed, not the data
            raise DataChanged(
                f"the files of {run.path} are unchanged{moved}, but this version of mvae reads other loops from them "
                "than the version that started the run (a rule of reading MIDI files or tunes changed since), so the "
                "run's split cannot be rebuilt; resume it with the mvae that started it, or start a new run"
            )
        raise DataChanged(
            f"the data of {run.path} changed since the run started{moved} ({changes}); restore the files or start a "
            "new run"
        )


def relocate(out: str | os.PathLike[str], data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
             jobs: int | None = None) -> Relocation:  # fmt: skip
    """Point the run in ``out`` at its data's new place ``data`` (one path for each it was started with, in order)
    without training: the split read there must be the run's; then ``config.toml`` and ``split.json`` name the new
    place: the check and the writes ``mvae train --resume RUN NEW_PLACE`` makes before it trains (there under
    torchrun, rank 0 writing), for ``mvae ablate``'s runs whose data moved, which it does not train. Returns how
    the places pair (empty when ``data`` is where the run has it).

    :raises DataError: a path is missing, the arguments do not pair with the run's, or the data there gives no loop
        (or too few to split).
    :raises DataChanged: the data at the new place does not give the run's split.
    :raises RunBusy: another process trains the run.
    """
    run = RunDir(Path(out))
    cfg, given = run.read_config(), data_arguments(data)
    check_paths(given)
    data = absolute_data(given)
    relocation = Relocation.between(run.read_data(), data)
    if relocation:
        with run.training_lock():
            table, report = load_dataset(data, cfg.data, jobs)
            train_set, val_set, _ = _split(table, report, cfg, data)
            _refuse_changed_split(run, train_set, val_set, report.content(), relocation)
            run.write_split(list(train_set.sources), list(val_set.sources), report.content())
            run.rewrite_config(cfg, data, fingerprint(train_set, val_set))
    return relocation


def validation_loops(run: RunDir, jobs: int | None = None) -> LoopSet:
    """The validation loops of a trained ``run`` (held-out numbers of a run without other data): the loops of its
    data (``[provenance] data``, through the parse cache) from the sources ``split.json`` names for validation, so
    that files added to the folder since training never count as held out (a run without ``split.json``: its data
    split again with its own settings and seed, as training split it).

    :raises DataChanged: a validation file's content is not what the run recorded (``split.json``): numbers over
        it would not be the run's held-out numbers.
    :raises DataError: none of the run's validation files gives a loop any more.
    """
    cfg, data = run.read_config(), run.read_data()
    table, report = load_dataset(data, cfg.data, jobs)
    if (split := run.read_split()) is None:
        return split_by_source(table, cfg.data, cfg.train.seed)[1]
    if edited := [name for name in run.edited_sources(report.content()) if name in set(split["validation"])]:
        raise run.said_both_ways(
            DataChanged,
            lambda steps: (
                f"{run.path}: {len(edited)} of its validation files changed since the run trained ({', '.join(edited)}"
                f"; {run.path / SPLIT} records their content); restore them, or evaluate the run on held-out data: "
                f"{steps.evaluate}"
            ),
        )
    held_out = from_sources(table, set(split["validation"]))
    if len(held_out) == 0:
        raise run.said_both_ways(
            DataError,
            lambda steps: (
                f"{run.path}: none of its {len(split['validation'])} validation files ({run.path / SPLIT}) gives a "
                f"loop in {' '.join(data)} any more; evaluate it on held-out data: {steps.evaluate}"
            ),
        )
    return held_out


def _refuse_existing(run: RunDir, epochs: int | None = None, locked: bool = False) -> None:
    """:class:`RunExists` when ``run`` already holds a run: a new run never writes over one. The message says where
    that run stands (:meth:`RunDir.state`; ``locked``: this process holds its lock) and what can be done with it: a
    finished run is continued with a larger epoch budget (``epochs``, when it is one), a run a plugin stopped is not
    resumed, one that another process trains is left to it."""
    if not run.exists():
        return
    state = run.state(check_lock=not locked)
    budget = epochs if epochs is not None and epochs > state.done else None

    def message(steps: Steps) -> str:
        here, elsewhere = f"{run.path} already holds a run, {state}", "choose another output directory"
        if state.kind == "training":
            return f"{here}; wait for it to finish, or {elsewhere}"
        if state.kind == "stopped":
            further = f"or train its weights further in a new run: {steps.init_from}"
            return f"{here}; a run a plugin stopped is not resumed: {elsewhere}, {further}"
        if not run.has_checkpoint():  # deleted to keep only the model: generate reads it, a resume cannot
            return f"{here}; its {CHECKPOINT} is gone, so it cannot be continued: {elsewhere}"
        if state.kind == "finished":
            more = f"and a larger epoch budget: {steps.more_epochs}"
            return f"{here}; continue it with resume ({steps.resume}) {more}, or {elsewhere}"
        if state.error == NON_FINITE:
            return f"{here}; {REPEATS}, in another output directory"
        return f"{here}; continue it with resume ({steps.resume}) or {elsewhere}"

    raise run.said_both_ways(RunExists, message, epochs=budget)


def _resume_setup(
    out: str | os.PathLike[str] | None, data: Any, config: Any, overrides: Any, names: list[str], epochs: int | None
) -> tuple[RunDir, MvaeConfig, list[str], Relocation]:
    """The run to resume, its config (with a new epoch budget), its DATA (at the place given, when it moved) and
    how that place pairs with the saved one."""
    if out is None:
        raise ResumeRefused("resume needs the run directory to continue (out=RUN, mvae train --resume RUN)")
    given = [name for name, value in {"config": config, "overrides": overrides}.items() if value]
    if given:
        budget = _epochs_override(overrides)
        hint = (
            f"; to train with other settings, start a new run from its config and trained weights (mvae_core.train("
            f"data, config={str(Path(out) / CONFIG)!r}, overrides=..., init_from={str(out)!r}, out=...))"
            if budget is None
            else f" (a new epoch budget is a resume's own argument: epochs={budget})"
        )
        raise ResumeRefused(
            f"a resume continues {out} with its saved config; {', '.join(given)} cannot change it{hint}"
        )
    run = RunDir(Path(out))
    if not run.has_checkpoint() and not run.never_checkpointed():
        raise run.refuse_resume_without_checkpoint()
    cfg = run.read_config()
    if names:  # the run's own list again (plugins=["kl_anneal", ("probe", probe)]) is fine; another one is not
        versions = run.read_provenance().get("versions", {})
        own = [n for n in cfg.plugins.enabled if not str(versions.get(n, "")).startswith(OBJECT_ORIGIN)]
        if sorted(set(names)) != sorted(own):
            raise ResumeRefused(
                f"a resume continues {out} with its saved config; plugins (by name) cannot change it: it trains with "
                f"{', '.join(own) or 'no plugin by name'}; give only the plugin objects it was started with, if any"
            )
    if epochs is not None:
        done = len(run.read_metrics())  # finished epochs (the budget is saved, so a smaller one would stick)
        if epochs < 1:
            raise OptionError("epochs", f"must be at least 1, got {epochs}")
        if epochs < done:
            raise OptionError("epochs", f"{epochs} is fewer than the {done} epochs {run.path} has done; give {done + 1} "
                                        "or more to train further")  # fmt: skip
        cfg = cfg.model_copy(update={"train": cfg.train.model_copy(update={"epochs": epochs})})
    saved, moved_to = run.read_data(), data_arguments(data)
    if not moved_to:
        try:
            check_paths(saved)
        except DataError as exc:
            places = _placeholders(saved)
            python = run.resume_call(
                f"data=[{', '.join(repr(p) if p.startswith(CORPUS_PREFIX) else p for p in places)}]"
            )
            raise DataError(
                f"{exc}; if the data moved, give its new place: {python}",
                command_line=f"{exc.command_line_message()}; if the data moved, give its new place: "
                f"{run.resume_command} {' '.join(places)}",
            ) from None
        return run, cfg, saved, Relocation()
    check_paths(moved_to)
    moved_to = absolute_data(moved_to)
    return run, cfg, moved_to, Relocation.between(saved, moved_to)


def _edited_settings(
    run: RunDir, written: MvaeConfig, resolved: MvaeConfig, host: PluginHost, data: list[str]
) -> tuple[str, str] | None:
    """How ``run``'s ``config.toml`` as it is now differs from the settings its checkpoint recorded
    (:meth:`RunDir.trained_settings`), as a note for the resume to give, ``(message, level)``: a warning naming the
    settings edited that may change (:data:`RESUME_WARNED`, and plugin settings marked
    :data:`~mvae_core.plugins.MAY_CHANGE_ON_RESUME` in ``host``'s plugins), or for a checkpoint that recorded none
    (an older mvae's), that this resume cannot tell; None when nothing changed but the epoch budget.

    A setting is edited when it differs both as ``written`` in the file and as the installed code ``resolved`` it: one
    that a new version of a model or plugin renamed and converts differs only as resolved, and one that it added
    (which a later checkpoint records with its default while the file lacks it) only as written; neither is an edit.
    The settings of a table that is gone (``[plugins.<name>]`` of a plugin no longer enabled, ``[model.<name>]``
    after ``model.name`` changed) are left to the change that removed it.

    :raises ConfigError: any other setting changed (an edit that would mix two configs in one run without a trace,
        or make the checkpoint's weights not fit): each named with both values as the file has them, and what to do.
    """
    trained = run.trained_settings()
    if trained is None:
        return (
            f"{run.path / CHECKPOINT} does not record the settings the run trained with (an older mvae wrote it), so "
            f"this resume cannot tell whether {run.path / CONFIG} was edited since; it trains with the file as it is "
            "(its next checkpoint records them)",
            "info",
        )
    trained = dotted_settings(trained)
    as_resolved = _changed_settings(trained, resolved)
    changed = {key: values for key, values in _changed_settings(trained, written).items() if key in as_resolved}
    warned = {key: values for key, values in changed.items() if key in RESUME_WARNED or host.may_change_on_resume(key)}
    if refused := {key: values for key, values in changed.items() if key not in (EPOCHS_KEY, *warned)}:
        raise _refuse_edited(run, refused, data)
    if warned:
        return (
            f"{run.path / CONFIG} was edited since the run's last checkpoint ({_changes(warned)}): "
            "settings of where and how the run computes or watches, not what, so it continues with them",
            "warning",
        )
    return None


def _changed_settings(trained: dict[str, Any], cfg: MvaeConfig) -> dict[str, tuple[Any, Any]]:
    """``{dotted key: (trained with, now)}`` of the ``trained`` settings that ``cfg`` has otherwise, or not at all
    (but those of a table ``cfg`` no longer has: a plugin no longer enabled, another model; that change is named)."""
    now = dotted_settings(settings_record(cfg))
    tables = {key.rsplit(".", depth)[0] for key in now for depth in range(1, key.count(".") + 1)}
    return {
        key: (was, now.get(key))
        for key, was in trained.items()
        if now.get(key) != was and (key in now or key.rpartition(".")[0] in tables)
    }


def _refuse_edited(run: RunDir, refused: dict[str, tuple[Any, Any]], data: list[str]) -> ConfigError:
    """The refusal of a resume whose ``config.toml`` was edited in the ``refused`` settings (``{key: (trained with,
    now)}``): each with both values; the fix, to put the values back; and to train with the new ones, the new run
    on the run's ``data`` that starts from the config with them set (from a copy without those now not set)."""
    config = run.path / CONFIG
    back = [f"{key} = {toml_literal(was)}" for key, (was, _) in refused.items() if was is not None]
    remove = [key for key, (was, _) in refused.items() if was is None]
    fix = [f"put back {', '.join(back)}"] if back else []
    fix += [f"remove {', '.join(remove)}"] if remove else []
    new = {key: now for key, (_, now) in refused.items() if now is not None}
    unset = [key for key, (_, now) in refused.items() if now is None]
    source = f"a copy of it without {', '.join(unset)} ({NEW_CONFIG})" if unset else "it"
    given = NEW_CONFIG if unset else str(config)
    # the trained weights go on into the new run unless an edit is of the model's (its shapes, its rows' meaning)
    weights = not any(key.startswith("model.") or key.removeprefix("data.") in INHERITED_DATA for key in refused)
    said = (
        f"{config} was edited since the run's last checkpoint ({_changes(refused)}); a resume continues the run with "
        f"the settings it trained with (only {EPOCHS_KEY}, the data's place, where and how it computes, and plugin "
        f"settings marked so may change: docs/cli.md#resume): {' and '.join(fix)} in "
        f"{config}; to train with the new value{'s' * (len(refused) > 1)}, start a new run from {source}"
        f"{TRAINED_WEIGHTS * weights}: "
    )
    init_from = f", init_from={str(run.path)!r}" * weights
    python = f"mvae_core.train(data={data!r}, config={given!r}, overrides={new!r}{init_from}, out=NEW_RUN)"
    options = "".join(f" --set {shlex.quote(f'{key}={toml_literal(value)}')}" for key, value in new.items())
    options += f" --init-from {run.shell_path}" * weights
    command = f"mvae train {' '.join(map(shlex.quote, data))} --config {shlex.quote(given)}{options} --out NEW_RUN"
    return ConfigError(said + python, command_line=said + command)


TRAINED_WEIGHTS = " and the run's trained weights"
"""How the refusal of an edited ``config.toml`` says that the new run it names starts from the run's weights."""
NEW_CONFIG = "NEW_CONFIG.toml"
"""How the refusal of an edited ``config.toml`` names the copy a new run starts from, when that leaves settings out."""


def _changes(changed: dict[str, tuple[Any, Any]]) -> str:
    """``train.lr 0.001 → 0.01, model.latent_dim 2 → 3``: each setting with the value it trained with and its value
    now (``not set``: none)."""

    def shown(value: Any) -> str:
        return "not set" if value is None else shortened(toml_literal(value), 200)

    return ", ".join(f"{key} {shown(was)} → {shown(now)}" for key, (was, now) in changed.items())


def _epochs_override(overrides: Any) -> str | None:
    """The value ``overrides`` give ``train.epochs`` (``{"train.epochs": 80}`` or ``"train.epochs=80"``), as given;
    None when they give none."""
    if isinstance(overrides, Mapping):
        return str(overrides[EPOCHS_KEY]) if EPOCHS_KEY in overrides else None
    assignments = [overrides] if isinstance(overrides, str) else list(overrides or ())
    values = [str(a).partition("=")[2].strip() for a in assignments if str(a).partition("=")[0].strip() == EPOCHS_KEY]
    return values[-1] if values else None


def _placeholders(data: list[str]) -> list[str]:
    """``NEW_PLACE`` (numbered when there are several) for each path of ``data``, a corpus as named: the arguments
    of the command a message shows."""
    paths = sum(not d.startswith(CORPUS_PREFIX) for d in data)
    numbers = iter(range(1, paths + 1))
    return [
        d if d.startswith(CORPUS_PREFIX) else "NEW_PLACE" if paths == 1 else f"NEW_PLACE_{next(numbers)}" for d in data
    ]


def _reported(best_val_elbo: float) -> float:
    """The trainer's best ``val_elbo`` as :class:`RunResult` reports it: NaN for the trainer's "none yet" (inf)."""
    return best_val_elbo if math.isfinite(best_val_elbo) else float("nan")


def _best_val_elbo(records: list[dict[str, Any]]) -> float:
    """The best (lowest) ``val_elbo`` of a run's epochs, as training kept it; NaN when no epoch has a finite one."""
    return min((r["val_elbo"] for r in records if r.get("val_elbo") is not None), default=float("nan"))


def _check_objects(cfg: MvaeConfig, run: RunDir, objects: dict[str, Any]) -> None:
    """A resumed run gets back every plugin it was started with: registered ones by name, objects from the caller."""
    versions = run.read_provenance().get("versions", {})
    used = {name: str(versions.get(name, "")) for name in cfg.plugins.enabled}
    registered = available_plugins()
    for name, origin in used.items():
        if name in objects or (name in registered and not origin.startswith(OBJECT_ORIGIN)):
            continue
        if origin.startswith(OBJECT_ORIGIN):  # even where a registered plugin has its name: that is another plugin
            raise ResumeRefused(
                f"{run.path} was trained with plugin {name!r}, a Python object ({origin.removeprefix(OBJECT_ORIGIN)}); "
                f"resume it from Python with that object: {run.steps(python=True, objects=[name]).resume}"
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
        raise ResumeRefused(f"{run.path} was not trained with plugin(s) {', '.join(extra)}; a resume keeps its plugins")


def _installed_versions(cfg: MvaeConfig) -> dict[str, str | None]:
    """The versions installed here of what ``cfg`` trains with, keyed as ``[provenance.versions]`` (None: not
    installed): mvae, the model's package and each enabled plugin's."""
    plugins = available_plugins()
    return {
        "mvae": VERSION,
        **installed_model_version(cfg.model.name),
        **{name: plugins[name].version if name in plugins else None for name in cfg.plugins.enabled},
    }


def _split_plugins(plugins: Sequence[PluginSpec] | None) -> tuple[list[str], dict[str, Any]]:
    """Registered names, and plugin objects by name (``(name, object)`` pairs, or objects named after their class)."""
    if plugins is None:
        return [], {}
    if isinstance(plugins, str):
        raise ConfigError(f"plugins must be a list (of names or plugin objects), got the string {plugins!r}")
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


def _config_source(config: Any) -> Any:
    return dict(config) if isinstance(config, Mapping) else config


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("train.device = 'cuda' but no CUDA device is available; use 'auto' or 'cpu'")
    return torch.device(name)


REPORTER_METHODS = ("data", "note", "event", "training")
"""What a ``progress`` object must have (:class:`Reporter`)."""


def _reporter(progress: bool | Reporter, is_main: bool) -> Reporter:
    """The reporter ``progress`` asks for (on rank 0; the others report nothing); :class:`OptionError` naming
    ``progress`` when it is neither a bool nor a reporter, before any data is read."""
    missing = [name for name in REPORTER_METHODS if not callable(getattr(progress, name, None))]
    if not isinstance(progress, bool) and missing:
        raise OptionError(
            "progress",
            f"is True (print), False (print nothing) or an object with the methods of mvae_core.session.Reporter "
            f"({', '.join(REPORTER_METHODS)}); got {progress!r}, which lacks {', '.join(missing)}",
        )
    if not is_main or progress is False:
        return SilentReporter()
    if progress is True:
        # a path may hold :name:; notes that say what to do next name the mvae_core call, not the mvae command
        return ConsoleReporter(
            Console(file=SpelledStdout(), highlight=False, soft_wrap=True, emoji=False), command_line=False
        )
    return progress


def _processes_on(dist: Distributed) -> str:
    """`` × 4 processes`` under torchrun, else nothing: how the start and resume lines name the processes."""
    return f" × {dist.world} processes" if dist.world > 1 else ""


def _processes(count: int) -> str:
    return f"{count} process{'es' * (count != 1)}"


def _mebibytes(size: int) -> str:
    """``6.3 MiB``; under a tenth of one, ``< 0.1 MiB`` (not ``0.0``)."""
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 / 10 else "< 0.1 MiB"


def _lost_lines(run: RunDir, lost: list[int]) -> str:
    """The warning of a resume whose ``metrics.jsonl`` lacks the lines of checkpointed epochs (``lost``, from 0)."""
    shown = listed([str(epoch_number(e)) for e in lost], 5)
    return (
        f"{run.path / METRICS} has no line for epoch{'s' * (len(lost) > 1)} {shown} (the file was damaged or cut); "
        "the run continues from its checkpoint, but the numbers of those epochs are gone from its curves"
    )


def _best_line(run: RunDir) -> str:
    """The end of the ``done`` line: the best model's ``val_elbo`` and its epoch, the model ``generate`` reads (a
    plugin may have restored another epoch's weights in memory: not what the run keeps), or that there is none."""
    best = run.best_saved()
    if best is None:
        return f"no epoch had a finite val_elbo, so {run.path} holds no model"
    epoch, val_elbo = best
    return f"best val_elbo {val_elbo:.3f} in epoch {epoch} ({BEST_MODEL}, the model generate uses) → {run.path}"


def _best_model(run: RunDir) -> str:
    """Where a failed run's best model is, or that it has none (no epoch finished)."""
    if (run.path / BEST_MODEL).exists():
        return f"the best model so far is in {run.path}"
    return f"no epoch finished, so {run.path} holds no model"


def _record_failure(writer: RunDir | None, failure: dict[str, Any]) -> None:
    if writer is not None:
        writer.write_failure(failure)
