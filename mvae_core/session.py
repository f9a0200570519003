"""Training as one library call: a new run or a resume, from arguments to a finished (or failed) run directory.

:func:`train` owns the run lifecycle, so that ``mvae train`` (and through it ``mvae ablate``'s workers), tests and
notebooks all go the same way:

1. **config**: a new run resolves defaults < config file or object < overrides < arguments; a resume reads the
   run's ``config.toml`` (only the epoch budget and the data's place may change: another setting edited in it
   since the checkpoint is refused, except those of :data:`~mvae_core.resume_settings.RESUME_WARNED`, which overrides
   may also give (written there), plugin settings marked :data:`~mvae_core.plugins.MAY_CHANGE_ON_RESUME`, and plugins
   taken out of ``plugins.enabled``), refuses a run without a checkpoint (one stopped before its first checkpoint
   starts over with its config) and a run trained with plugin objects not given back, and returns at once
   (``"already stopped"``) for a run a plugin stopped;
2. **plugins**: registered names are constructed from their sections; plugin objects are registered as given;
3. **data**: every path must exist; the data is loaded, reported and split; a resume re-splits and refuses data
   whose split fingerprint changed or whose files were edited (:class:`DataChanged`). Nothing is written before the
   data is usable;
4. **run directory**: ``config.toml`` (with absolute data paths, versions and the fingerprint),
   ``data_report.json`` and ``split.json``; a resume truncates ``metrics.jsonl`` to the checkpoint (warning of
   checkpointed epochs without a line), writes a damaged ``split.json`` again, warns that a run that failed with a
   non-finite loss repeats its steps, and removes ``failure.json``; a new run in the folder of one that trained
   nothing (:meth:`~mvae_core.run.RunDir.trained_nothing`) removes what that one left; every training first removes
   the temporaries of run files whose writes were killed midway;
5. **training** (:class:`~mvae_core.trainer.Trainer`), with SIGINT/SIGTERM deferred to the next step;
6. **the end**: a :class:`RunResult`, or a typed error (:mod:`mvae_core.errors`): :class:`RunFailed` after writing
   ``failure.json``, :class:`RunInterrupted` after the checkpoint, and the bad-input errors before anything ran.

Under ``torchrun`` every process calls :func:`train`; rank 0 alone writes and reports.

The steps before training have modules of their own: :mod:`mvae_core.run_setup` (1, the run and its config),
:mod:`mvae_core.run_plugins` (2) and :mod:`mvae_core.run_data` (3 and the data files of 4), and so does what a
started run's end says (:mod:`mvae_core.run_ending`, 6) and a resume's restore of its run from the checkpoint
(:mod:`mvae_core.run_restore`); this module keeps the order of the steps and the training.
"""

from __future__ import annotations

import contextlib
import math
import os
import shlex
import signal
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

import torch
from rich.console import Console

from mvae_core.config import AUTO_PITCH_LOW, PROVENANCE, DataConfig, MvaeConfig, read_toml
from mvae_core.console_text import SpelledStdout
from mvae_core.data.load import DataReport, data_arguments, reading_stopped
from mvae_core.data.relocation import Relocation
from mvae_core.data.split import LoopSet
from mvae_core.data.table import NoteTable
from mvae_core.decode_options import whole_number
from mvae_core.distributed import Distributed, PeerLost
from mvae_core.errors import ConfigError, OptionError, ResumeRefused, RunBusy, file_in_the_way
from mvae_core.files import WriteFailed, reason
from mvae_core.host import PluginHost
from mvae_core.keywords import keyword_only, known_keywords
from mvae_core.models import model_packages
from mvae_core.plugins import PluginError
from mvae_core.progress import Advice, ConsoleReporter, SilentReporter, WarningsKept
from mvae_core.run import RunDir
from mvae_core.run_data import prepare_data, setup_writes
from mvae_core.run_ending import done_line, failed, finished, interrupted, machine_limits, model_check_memory
from mvae_core.run_plugins import (
    PluginSpec,
    check_plugins_given_back,
    resolved_model_and_plugins,
    split_plugins,
)
from mvae_core.run_restore import processes_on, restore
from mvae_core.run_setup import (
    default_data_note,
    edited_settings,
    new_run_setup,
    recorded_starting_weights,
    refuse_existing_run,
    refuse_fewer_epochs,
    resume_setup,
)
from mvae_core.run_steps import Steps, object_plugins
from mvae_core.run_versions import training_versions
from mvae_core.signals import Interrupts
from mvae_core.split_notes import split_counts, split_warning
from mvae_core.starting_weights import StartingWeights, read_starting_weights
from mvae_core.trainer import (
    NonFiniteLoss,
    Trainer,
    TrainingInProgress,
    TrainingPaused,
    TrainResult,
    held_or_refused,
    one_training,
    refuse_while_training,
)
from mvae_core.version import NUMERICS, source_commit
from mvae_core.wording import counted


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
    """How :func:`train` ended: ``path`` is the run's folder (absolute: the result still names it after a change of
    the working directory); ``outcome`` is ``"trained"``, ``"already finished"`` (a resume with no epochs left)
    or ``"already stopped"`` (a resume of a run a plugin stopped); epochs are counted over the whole run.
    ``best_val_elbo`` is the lowest finite ``val_elbo`` of its epochs (the best model's), NaN when none had one.
    ``final_events``: what plugins emitted after the last epoch; ``core_warnings``: mvae's own warnings of this call
    (the data, its split, the settings, a resume's restore), as events of source ``core`` (the first metrics line
    this call wrote holds them too, where it trained an epoch)."""

    path: Path
    outcome: Literal["trained", "already finished", "already stopped"]
    epochs_run: int
    stop_reasons: list[str] = field(default_factory=list)
    best_val_elbo: float = float("nan")
    final_events: list[dict[str, Any]] = field(default_factory=list)
    core_warnings: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> list[dict[str, Any]]:
        """Every line of the run's ``metrics.jsonl`` (one dict per epoch), as :meth:`~mvae_core.run.RunDir.read_metrics`
        reads it: a value of another type than mvae writes is left out."""
        return RunDir(self.path).read_metrics()

    def warnings(self) -> list[str]:
        """Every warning of the whole run, ``source: message``, each once: mvae's own (source ``core``: one source's
        music split into both sides, few validation loops or files, the data's per-file warnings (one per kind), a
        resume's edited settings or other versions, …) and the plugins' (a ramp that never reached its full weight in
        a short run). In order: those of its epochs (``metrics.jsonl``'s events, from every session of a resumed run:
        each session's first line holds the plugins' start-up warnings, then mvae's own), this call's
        (:attr:`core_warnings`: a resume that trained no epoch wrote none) and those emitted after its last epoch
        (:attr:`final_events`). What the console prints as ``warning:`` lines and plugins' warnings, whatever
        ``progress`` was; with ``progress=False`` each was also raised as a
        :class:`~mvae_core.errors.TrainingWarning` when it came."""
        events = [event for record in self.metrics() for event in record.get("events", [])]
        events += self.core_warnings + self.final_events
        said = {_said(e): None for e in events if e.get("level") == "warning"}
        return list(said)


def _said(event: dict[str, Any]) -> str:
    """An event as :meth:`RunResult.warnings` gives it: ``source: message`` (the message alone without a source)."""
    return f"{event['source']}: {event['message']}" if "source" in event else str(event["message"])


@runtime_checkable
class RunFolder(Protocol):
    """A run object that names its folder: a :class:`RunResult` or a loaded :class:`~mvae_core.api.Run` (what
    ``train(init_from=...)`` takes besides a path). A protocol, not the two classes, so the hints of :func:`train`
    resolve at run time (``typing.get_type_hints``) although ``mvae_core.api`` imports this module."""

    path: Path


@known_keywords("training option")
@keyword_only
def train(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    config: str | os.PathLike[str] | Mapping[str, Any] | MvaeConfig | None = None,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
    plugins: str | Sequence[PluginSpec] | None = None,
    epochs: int | None = None,
    resume: bool = False,
    jobs: int | None = None,
    progress: bool | Reporter = True,
    stop: threading.Event | None = None,
    init_from: str | os.PathLike[str] | RunFolder | None = None,
) -> RunResult:
    """Train a new run into ``out``, or (``resume=True``) continue the run in ``out``. The settings after ``out`` go
    by name (by position they still work, with a FutureWarning, until mvae 1.0); a misspelt one (``epoch=``) is an
    :class:`~mvae_core.errors.InputError` naming the closest.

    :param data: MIDI files, folders or ``corpus:essen`` (default ``corpus:essen``), or one of them. On resume
        only when the run's data has moved: its new place, one path for each the run was started with, in order
        (the split must be the same; ``config.toml`` and ``split.json`` then name the new place).
    :param out: the run directory (default ``runs/<time>``, or ``runs/<time>-2``, … when a run started in the same
        second holds it); must not hold a run yet, unless ``resume``.
    :param config: a TOML file, a config tree (dict) or an :class:`MvaeConfig`; on resume as ``overrides``.
    :param overrides: ``{"train.lr": 3e-4}`` (numpy numbers too) or ``["train.lr=3e-4"]`` (or one such string),
        applied over ``config``. On resume only settings of :data:`~mvae_core.run_setup.RESUME_WARNED` (where and how
        the run computes or what it records, ``{"train.device": "cpu"}``): written into its ``config.toml``, with the
        warning an edit of that file gets; any other only at the run's own value (which changes nothing).
    :param plugins: which plugins run (default: the config's ``plugins.enabled``, i.e. every built-in): registered
        names, plugin objects (named after their class in snake case) or ``(name, object)`` pairs; ``[]`` for none;
        or names in one string, comma-separated (``"kl_anneal,ts_ramp"``), read as ``plugins.enabled`` reads it.
        On resume: the plugin objects the run was started with (its config names them), alone or with the run's own
        list of names again; another list of names is refused, ``[]`` too when the run has plugins by name.
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
    :raises: :class:`TrainingInProgress` (another training runs in this process: nothing read or written);
        :class:`ConfigError`, :class:`PluginError`, :class:`DataError`, :class:`DataChanged`,
        :class:`RunExists`, :class:`RunBusy` (another process trains ``out``), :class:`ResumeRefused`,
        :class:`WriteFailed` (no ``out`` given, and the default folder cannot be created) before training;
        :class:`RunFailed` (the memory ran out as the model was built to check its settings, before any data was
        read: nothing written); :class:`~mvae_core.errors.ReadingRanOut` (the memory ran out while the data was read:
        nothing written);
        :class:`RunFailed` (``failure.json`` written; none where a full disk refused only the last lines of a
        finished training, whose run is complete) or :class:`RunInterrupted` (checkpoint written) once it has
        started.
    """
    names, objects = split_plugins(plugins)
    # the names a resume is given: none given (plugins left out, or plugin objects alone), or a list, [] included
    named = None if plugins is None or (objects and not names) else names
    init_from, jobs, epochs = _checked_arguments(stop, out, init_from, jobs, epochs)
    refuse_while_training()  # a training not started by train(), as a benchmark's: refused before anything is read
    with held_or_refused(_TRAIN_CALLS):  # another train() call here, still reading its data: refused likewise
        from_run = resume  # the config is the run's: its errors name RUN/config.toml and the versions that trained it
        if resume:
            begun = _resumed(out, data, config, overrides, named, objects, epochs, init_from, progress)
            if isinstance(begun, RunResult):  # a run a plugin stopped: nothing to train
                return begun
        else:
            begun = _new_run(out, data, config, overrides, plugins, names, objects, epochs, init_from)
        default_data = not from_run and not data_arguments(data)  # a new run on the bundled corpus
        run, cfg, data, relocation, resume, starting, kept_rows = begun
        written = cfg  # config.toml as it is, before the installed code resolves it
        with model_check_memory(run, cfg, resumed=from_run):  # the model built once: the memory may run out already
            cfg, host, idle = resolved_model_and_plugins(cfg, objects, run if from_run else None)
        if starting is not None:
            starting.check(cfg, config)
        dist = Distributed.from_env(_device(cfg.train.device))
        try:
            dist.check_batch_size(cfg.train.batch_size)
            reporter = _reporter(progress, dist.is_main)
            if idle:
                reporter.note(idle, "warning")
            if kept_rows:
                reporter.note(kept_rows)
            if default_data:
                reporter.note(default_data_note(run, cfg))
            # rank 0 holds the run's lock for all ranks; Interrupts is a no-op off the main thread
            claim = (
                _claimed(run, numbered=out is None and not from_run) if dist.is_main else contextlib.nullcontext(run)
            )
            with claim as run, Interrupts() as interrupts, callers_random_state():
                checkpoint = run.load_checkpoint() if resume else None  # read once, under the lock, before any data
                if checkpoint is not None:
                    refuse_fewer_epochs(run, checkpoint, epochs, cfg.train.epochs)
                    if edited := edited_settings(run, checkpoint, written, cfg, host, data):
                        reporter.note(*edited)
                try:
                    with dist.main_first():  # rank 0 parses into the cache, the others then read it
                        if (
                            dist.is_main and not resume
                        ):  # again, under the lock: a run may have finished there meanwhile
                            refuse_existing_run(run, epochs, locked=True)
                        given_pitch_low = cfg.data.pitch_low
                        train_set, val_set, fingerprint, cfg = prepare_data(
                            run, cfg, data, jobs, resume, relocation, dist, reporter, starting
                        )
                    sources = f"{len(train_set)} train examples from {counted(len(train_set.sources), 'source')}"
                    rows = f"pitch rows from MIDI {cfg.data.pitch_low}"  # "auto" chose it on each process: the same
                    dist.check_same_split(
                        f"{fingerprint} {rows}", f"{sources}, {len(val_set)} validation loops, {rows}"
                    )
                except PeerLost as exc:  # a process lost while the data was read: nothing trained yet
                    raise exc.of_run(_after_lost_reading(run, resume, dist.world)) from exc.__cause__
                except KeyboardInterrupt:  # SIGINT/SIGTERM while reading data: nothing was written
                    raise reading_stopped(interrupts.signum or signal.SIGINT, cfg.data, training=True) from None
                interrupts.defer()  # from here on a signal stops training at the next step, with a checkpoint
                versions = training_versions(cfg, numerics(dist.device), host.versions)
                if not from_run and not starting and (retrained := _retrained_note(config, versions, data)):
                    reporter.note(retrained)
                if dist.is_main and not resume:
                    with setup_writes(run, resuming=False):
                        _write_new_config(run, cfg, versions, data, fingerprint, host, starting, reporter,
                                          given_pitch_low=given_pitch_low, started_over=from_run)  # fmt: skip
                elif dist.is_main and (epochs is not None or relocation or overrides):
                    # a new budget, data place or setting a resume may change (resume_setup refused any other)
                    with setup_writes(run, resuming=True):
                        run.rewrite_config(cfg, data, fingerprint)
                return _fit(run, cfg, host, train_set, val_set, checkpoint, versions, dist, interrupts, reporter, stop,
                            starting)  # fmt: skip
        finally:
            dist.close()


def _checked_arguments(
    stop: threading.Event | None,
    out: str | os.PathLike[str] | None,
    init_from: str | os.PathLike[str] | RunFolder | None,
    jobs: int | None,
    epochs: int | None,
) -> tuple[str | os.PathLike[str] | None, int | None, int | None]:
    """:func:`train`'s arguments of a wrong type refused (:class:`OptionError` naming the argument) before anything is
    read; ``init_from`` as a path (a run object's folder), ``jobs`` and ``epochs`` as whole numbers (not ``"3"``: a
    str is no number, as for ``seed``)."""
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
    epochs = None if epochs is None else whole_number("epochs", epochs)
    return init_from, jobs, epochs


class _Begun(NamedTuple):
    """Where :func:`train` begins, once the resume or new run is set up (:mod:`mvae_core.run_setup`): the run, its
    config and data (and how the data's place pairs with the saved one), whether it continues a checkpoint
    (``resume``), the weights it starts from (``starting``: ``init_from``'s, or those a run stopped before its first
    checkpoint started from) and what a fine-tune says of the pitch rows it keeps (``kept_rows``)."""

    run: RunDir
    cfg: MvaeConfig
    data: list[str]
    relocation: Relocation
    resume: bool
    starting: StartingWeights | None
    kept_rows: str | None


def _resumed(
    out: str | os.PathLike[str] | None, data: Any, config: Any, overrides: Any, names: list[str] | None,
    objects: dict[str, Any], epochs: int | None, init_from: str | os.PathLike[str] | None, progress: bool | Reporter,
) -> _Begun | RunResult:  # fmt: skip
    """A resume of the run in ``out`` (:func:`~mvae_core.run_setup.resume_setup`): one stopped before its first
    checkpoint starts over with its config, from the weights it started from; one a plugin stopped trains no further
    (its :class:`RunResult`, ``"already stopped"``, after the advice to start a new run from its weights); one trained
    with plugin objects needs them back. ``init_from`` (a new run's) is refused."""
    if init_from is not None:
        raise ResumeRefused(
            f"a resume continues {out} from its own checkpoint; init_from={str(init_from)!r} starts a new run from "
            "those weights: give it another out (and no resume)",
            command_line=f"--resume continues {out} from its own checkpoint; --init-from {init_from} starts a new "
            "run from those weights: give it with --out NEW_RUN instead of --resume",
        )
    run, cfg, data, relocation = resume_setup(out, data, config, overrides, names, epochs)
    resume = run.has_checkpoint()  # else it stopped before its first checkpoint: it starts over, with its config
    starting = None if resume else recorded_starting_weights(run)  # and from the weights it started from, if any
    if stops := run.stop_reasons():
        reporter = _reporter(progress, True)
        stopped = f"{run.path} stopped ({'; '.join(stops)}); start a new run to train further, from its weights"
        python, command = run.steps(python=True), run.steps(python=False)
        reporter.note(Advice(f"{stopped}: {python.init_from}", f"{stopped}: {command.init_from}"))
        records = run.read_metrics()
        return RunResult(run.path.absolute(), "already stopped", len(records), stops, _best_val_elbo(records))
    check_plugins_given_back(cfg, run, objects, epochs)
    return _Begun(run, cfg, data, relocation, resume, starting, None)


def _new_run(
    out: str | os.PathLike[str] | None, data: Any, config: Any, overrides: Any,
    plugins: str | Sequence[PluginSpec] | None, names: list[str], objects: dict[str, Any], epochs: int | None,
    init_from: str | os.PathLike[str] | None,
) -> _Begun:  # fmt: skip
    """A new run (:func:`~mvae_core.run_setup.new_run_setup`), from ``init_from``'s weights when given: a fine-tune's
    pitch rows are its weights' (``data.pitch_low = "auto"`` takes them, not the data's choice)."""
    enabled = None if plugins is None else [*names, *objects]
    starting = None if init_from is None else read_starting_weights(init_from)
    run, cfg, data, relocation = new_run_setup(out, data, config, overrides, enabled, epochs, starting)
    kept_rows = None
    if starting is not None:
        cfg, kept_rows = starting.kept_rows(cfg)
    return _Begun(run, cfg, data, relocation, False, starting, kept_rows)


def _write_new_config(
    run: RunDir, cfg: MvaeConfig, versions: dict[str, Any], data: list[str], fingerprint: str, host: PluginHost,
    starting: StartingWeights | None, reporter: Reporter, *, given_pitch_low: int | str, started_over: bool,
) -> None:  # fmt: skip
    """``config.toml`` of a run that starts training: a new one, or a resumed one stopped before its first checkpoint
    that starts over (it keeps the ``[provenance.init_from]`` of the weights it started from). What a run that
    trained nothing left in its place (:func:`~mvae_core.run_setup.refuse_existing_run`) is cleared first, and said.
    ``given_pitch_low``: ``data.pitch_low`` before the data chose the rows; ``started_over``: the run starts over
    (``"auto"`` in its record chose them too)."""
    if run.exists():
        replaced = run.state(check_lock=False)
        run.clear_untrained()
        reporter.note(f"{run.path} held a run that trained nothing, {replaced}: this run starts over there")
    packages = {**model_packages(cfg), **host.packages}
    chosen = AUTO_PITCH_LOW in (given_pitch_low, run.read_provenance().get("pitch_low") if started_over else None)
    record = starting and starting.record()
    run.write_config(cfg, versions, data, fingerprint, packages, record, chosen_pitch_low=chosen)


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
            except OSError as exc:
                if numbered:  # the default folder, which the caller never named: how to name another
                    raise _default_folder_refused(candidate, exc) from None
                raise
            yield candidate
            return
    raise RunBusy(f"{run.path} and its numbered folders up to -999 all hold runs; give the run a folder of its own")


def _default_folder_refused(run: RunDir, exc: OSError) -> WriteFailed:
    """The error of a run given no folder whose default one (``runs/<time>``, under the working directory) cannot be
    created (a read-only mount, a folder of another user's): the system's reason, and the option that names another
    folder (``out``, ``--out``); the command line said only ``runs: Read-only file system``."""
    if blocker := file_in_the_way(run.path):
        where = f"{blocker} is a file, not a folder"
    else:
        where = f"{exc.filename}: {reason(exc)}" if exc.filename else reason(exc)
    said = f"cannot create the default run folder {run.path} in {Path.cwd()} ({where}); give the run a folder you may "
    example = Path.home() / "mvae-runs" / "first"
    return WriteFailed(
        f"{said}write to with out= (e.g. out={str(example)!r})",
        command_line=f"{said}write to with --out (e.g. --out {shlex.quote(str(example))})",
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


def _after_lost_reading(run: RunDir, resume: bool, world: int) -> tuple[str, str]:
    """What continues a job that lost a process while it read the data (for :meth:`PeerLost.of_run`, as a Python
    call and a command): a resume its resume, a new run (nothing written yet) the same call or command again."""
    steps = [run.steps(python=python, world=world) for python in (True, False)]
    python, command_line = (how.resume if resume else f"{how.again} under torchrun" for how in steps)
    return python, command_line


_TRAIN_CALLS = threading.Lock()
"""Held through each :func:`train` call, from before its data is read to its end (:func:`held_or_refused`): one call
at a time per process, so a second (another thread, or a plugin's hook that trains) raises
:class:`TrainingInProgress` before it reads or writes anything, also while the first still reads its data, before its
trainer holds :func:`~mvae_core.trainer.one_training` (which stays the guard of the process's random state)."""


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


def _fit(
    run: RunDir, cfg: MvaeConfig, host: PluginHost, train_set: LoopSet, val_set: LoopSet,
    checkpoint: dict[str, Any] | None, versions: dict[str, str], dist: Distributed, interrupts: Interrupts,
    reporter: WarningsKept, stop: threading.Event | None = None, starting: StartingWeights | None = None,
) -> RunResult:  # fmt: skip
    """Train into ``run``, or resume it from ``checkpoint`` (:meth:`RunDir.load_checkpoint`; None for a new run);
    every way a run ends becomes a result or a typed error, but for a bug (an error that is none of mvae's and not
    the machine running out of memory or disk space, :func:`~mvae_core.run_ending.ran_out`, from the building of the
    trainer on): it propagates. A resume whose ``versions`` (of mvae, the model's and
    plugins' packages) differ from those that trained the run so far records them in ``config.toml`` from the epoch
    it continues, and warns once. A signal or a set ``stop`` pauses it. A new
    run starts from the ``starting`` weights when given (a resume restores its checkpoint's)."""
    writer = run if dist.is_main else None  # only rank 0 writes run files
    steps = _next_steps(run, versions, cfg.plugins.sections(), dist)
    where = _Whereabouts()
    initial = starting.state if starting is not None and checkpoint is None else None

    def pause_requested() -> bool:
        return interrupts.requested() or (stop is not None and stop.is_set())

    with machine_limits(run, cfg, steps, dist, where.reached, lambda: where.moving):
        if writer:
            _remove_leftovers(writer, reporter)
        trainer = where.trainer = Trainer(cfg, train_set, val_set, host, writer, dist=dist,
                                          pause_requested=pause_requested, initial_weights=initial,
                                          moving=where.moves)  # fmt: skip
        try:
            if checkpoint is not None and restore(
                run, checkpoint, cfg, trainer, versions, dist, reporter, steps, where.moves
            ):
                epochs_done = int(checkpoint["epoch"]) + 1  # it has finished its epochs: nothing to train
                best = _reported(trainer.best_val_elbo)
                return RunResult(run.path.absolute(), "already finished", epochs_done, best_val_elbo=best,
                                 core_warnings=reporter.kept)  # fmt: skip
            if checkpoint is None:
                if writer:
                    writer.clear_failure()  # of an earlier run here that failed before its first checkpoint
                _note_new_run(run, cfg, host, train_set, val_set, dist, reporter, starting)
            with reporter.training(cfg.train.epochs, trainer.start_epoch) as show:
                result = trainer.fit(on_epoch_end=show, on_start=partial(_started, show, trainer, writer, reporter))
        except (TrainingPaused, KeyboardInterrupt) as exc:
            stop_set = stop is not None and stop.is_set()
            raise interrupted(exc, interrupts, steps, trainer, run, stop_set=stop_set) from None
        except (NonFiniteLoss, WriteFailed, PluginError) as exc:
            raise failed(exc, run, cfg, trainer, steps) from exc
    return _trained(run, steps, result, reporter)


def _started(show: Any, trainer: Trainer, writer: RunDir | None, reporter: WarningsKept,
             events: list[dict[str, Any]]) -> None:  # fmt: skip
    """A training's start (its ``on_start``): the start-up events shown (``show``, the display), then mvae's own
    warnings of this call (:attr:`~mvae_core.progress.WarningsKept.kept`) pending in the ``trainer``'s events, which
    its first epoch's ``metrics.jsonl`` line holds, after the plugins' start-up events, on the process that writes
    (``writer``). Not start-up events themselves: those a pause leaves out of its checkpoint (the resume emits its
    own), where it keeps the other events of its epoch for the resume to write, as these should be: a resume does not
    warn again of what a new run's start found (few validation loops, the data's per-file warnings)."""
    show.started(events)
    if writer is not None:
        trainer.outbox.events += reporter.kept


def _next_steps(
    run: RunDir, versions: Mapping[str, str], sections: Collection[str], dist: Distributed
) -> tuple[Steps, Steps]:
    """How the messages of ``run``'s end name the next step (:meth:`RunDir.steps`): as ``mvae_core`` calls and as
    ``mvae`` commands, naming the plugin objects a resume must hand back (:func:`~mvae_core.run_steps.object_plugins`
    of the run's ``versions``, but those its plugin ``sections`` construct again) and the processes it trains in."""
    objects = object_plugins(versions, sections)
    return (run.steps(python=True, objects=objects, world=dist.world),
            run.steps(python=False, objects=objects, world=dist.world))  # fmt: skip


@dataclass
class _Whereabouts:
    """Where a training is, for the error of a machine that runs out as it trains
    (:func:`~mvae_core.run_ending.machine_limits`): the epoch and step its ``trainer`` reached (none before the
    trainer is built: building it moves the model and the notes to the device), and what is ``moving`` to the device
    (the model, the notes, a resumed checkpoint; None when nothing is)."""

    trainer: Trainer | None = None
    moving: str | None = None

    def reached(self) -> tuple[int, int] | None:
        """The trainer's epoch and step (from 0), or None before the trainer is built."""
        return None if self.trainer is None else (self.trainer.view.epoch, self.trainer.view.step)

    def moves(self, part: str | None) -> None:
        """Told by the trainer and a resume's restore what begins to move to the device (``part``), and None once it
        is there."""
        self.moving = part


def _remove_leftovers(run: RunDir, reporter: Reporter) -> None:
    """Remove the temporaries of ``run``'s files whose writes were killed midway
    (:meth:`~mvae_core.run.RunDir.remove_leftovers`), and note what was removed (nothing when there were none)."""
    if leftovers := run.remove_leftovers():
        reporter.note(
            f"removed {len(leftovers)} temporary file{'s' * (len(leftovers) > 1)} of {run.path} "
            f"({_mebibytes(sum(leftovers.values()))}: {', '.join(leftovers)}) that writes killed midway left"
        )


def _note_new_run(
    run: RunDir, cfg: MvaeConfig, host: PluginHost, train_set: LoopSet, val_set: LoopSet, dist: Distributed,
    reporter: Reporter, starting: StartingWeights | None,
) -> None:  # fmt: skip
    """The notes a new run shows before its first epoch (a resume shows run_restore's ``resumed`` line instead): one
    line of what it trains on and with (:func:`~mvae_core.split_notes.split_counts`, plugins, device and processes, run
    folder), then the split's warning when there is one (:func:`~mvae_core.split_notes.split_warning`); with
    ``starting`` weights, where they come from and the source's settings the run took
    (:meth:`~mvae_core.starting_weights.StartingWeights.taken`), and a warning when the source is still training."""
    reporter.note(
        f"{split_counts(train_set, val_set)} · plugins: {', '.join(host.names) or 'none'} · device "
        f"{dist.device}{processes_on(dist)} · run {run.path}"
    )
    if warning := split_warning(cfg, train_set, val_set):
        reporter.note(warning, "warning")
    if starting is not None:
        taken = starting.taken(cfg)
        reporter.note(f"starts from the weights of {starting.described()}{f', with its {taken}' * bool(taken)}")
        if still := starting.still_training():
            reporter.note(still, "warning")


def _trained(run: RunDir, steps: tuple[Steps, Steps], result: TrainResult, reporter: WarningsKept) -> RunResult:
    """How a training that ran its epochs, or that a plugin stopped, ends: its final events (emitted after the last
    metrics line) and its ``done`` line shown (a full disk under them says the run is complete,
    :func:`~mvae_core.run_ending.finished`), and its :class:`RunResult`."""
    done = done_line(result.epochs_run, result.stop_reasons, run)
    with finished(run, steps, done):  # the run is complete: a full disk under this output says so
        for event in result.final_events:
            reporter.event(event)
        reporter.note(done)
    return RunResult(run.path.absolute(), "trained", result.epochs_run, result.stop_reasons,
                     _reported(result.best_val_elbo), result.final_events, reporter.kept)  # fmt: skip


def _reported(best_val_elbo: float) -> float:
    """The trainer's best ``val_elbo`` as :class:`RunResult` reports it: NaN for the trainer's "none yet" (inf)."""
    return best_val_elbo if math.isfinite(best_val_elbo) else float("nan")


def _best_val_elbo(records: list[dict[str, Any]]) -> float:
    """The best (lowest) ``val_elbo`` of a run's epochs, as training kept it; NaN when no epoch has a finite one."""
    return min((r["val_elbo"] for r in records if r.get("val_elbo") is not None), default=float("nan"))


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("train.device = 'cuda' but no CUDA device is available; use 'auto' or 'cpu'")
    return torch.device(name)


_REPORTER_METHODS = ("data", "note", "event", "training")
"""What a ``progress`` object must have (:class:`Reporter`)."""


def _reporter(progress: bool | Reporter, is_main: bool) -> WarningsKept:
    """The reporter ``progress`` asks for (on rank 0; the others report nothing), in the :class:`WarningsKept` that
    keeps the run's warnings (and raises them as :class:`~mvae_core.errors.TrainingWarning` for ``progress=False`` on
    rank 0); :class:`OptionError` naming ``progress`` when it is neither a bool nor a reporter, before any data is
    read."""
    missing = [name for name in _REPORTER_METHODS if not callable(getattr(progress, name, None))]
    if not isinstance(progress, bool) and missing:
        raise OptionError(
            "progress",
            f"is True (print), False (print nothing) or an object with the methods of mvae_core.session.Reporter "
            f"({', '.join(_REPORTER_METHODS)}); got {progress!r}, which lacks {', '.join(missing)}",
        )
    if not is_main or progress is False:
        return WarningsKept(SilentReporter(), warn=is_main)
    if progress is True:
        # a path may hold :name:; notes that say what to do next name the mvae_core call, not the mvae command;
        # warnings go to stderr (sys.stderr as it is at each write), as the command line's do
        options: dict[str, Any] = {"highlight": False, "soft_wrap": True, "emoji": False}
        return WarningsKept(
            ConsoleReporter(
                Console(file=SpelledStdout(), **options), Console(stderr=True, **options), command_line=False
            )
        )
    return WarningsKept(progress, command_line=isinstance(progress, ConsoleReporter) and progress.command_line)


def _mebibytes(size: int) -> str:
    """``6.3 MiB``; under a tenth of one, ``< 0.1 MiB`` (not ``0.0``)."""
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 / 10 else "< 0.1 MiB"
