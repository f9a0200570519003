"""The run directory: everything a run writes, and everything later commands read back.

``config.toml`` (resolved config + provenance), ``data_report.json``, ``split.json`` (which sources train and which
validate), ``metrics.jsonl`` (one JSON object per epoch), ``checkpoint.pt`` (last epoch, or the step reached when
interrupted, for ``--resume``, with the settings it trained with), ``model.safetensors`` (best ``val_elbo``, for
``generate``) and ``failure.json`` (why the run stopped with an error; removed when it is resumed), and ``.lock`` (held
by the process that trains the run, :meth:`RunDir.training_lock`). Non-finite floats are written as ``null`` so every
line is strict JSON.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import shlex
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

import tomli_w
import torch

from mvae_core.checkpoint import (
    BEST_MODEL,
    CHECKPOINT,
    SETTINGS,
    UNUSABLE,
    CheckpointError,
    WeightsMismatch,
    load_checkpoint,
    load_model_file,
    load_weights,
    model_metadata,
    save_checkpoint,
    save_model,
)
from mvae_core.config import PROVENANCE, ConfigError, MvaeConfig, read_toml, validate_section
from mvae_core.data.corpus import DEFAULT_DATA
from mvae_core.data.load import MUSIC_DIGESTS
from mvae_core.data.sources import is_midi_name
from mvae_core.errors import InputError, MvaeError, ResumeRefused, RunBusy
from mvae_core.files import (
    TEMPORARY_STEM,
    NotRegular,
    TooLarge,
    WriteFailed,
    atomic_write,
    read_bounded,
    read_json_bounded,
    reason,
)
from mvae_core.host import OBJECT_ORIGIN
from mvae_core.metrics_record import as_written
from mvae_core.models import VERSION_KEY_PREFIX, build_model, installed_model_version
from mvae_core.models.base import MelodyModel
from mvae_core.provenance import DATA_FIX, distribution_version, last_part_versions, part_name, provenance_problem
from mvae_core.split_changes import SplitChanges, edited_names, tunes_read_again
from mvae_core.suggest import closest
from mvae_core.version import VERSION
from mvae_core.view import epoch_number

LEGACY_MODEL = "seed"
"""The architecture of runs whose ``config.toml`` predates ``[model] name``."""

CONFIG = "config.toml"
METRICS = "metrics.jsonl"
DATA_REPORT = "data_report.json"
SPLIT = "split.json"
FAILURE = "failure.json"
NON_FINITE = "non-finite loss"  # failure.json's error when the loss became NaN or infinite
REPEATS = (
    "resumed with the same settings and seed, training repeats the same steps (it is deterministic), so it fails "
    "there again unless mvae, torch or a plugin changed since; start a new run with other settings (a lower "
    "train.lr, or train.clip_grad_norm)"
)
"""Why a run that failed with a non-finite loss is not worth resuming, and what to do instead."""
LOCK = ".lock"  # held (flock) by the process that trains the run
RESUME_KEYS = ("epoch", "model", "optimizer", "torch_rng", "best_val_elbo")
WRITTEN_WHOLE = (CONFIG, DATA_REPORT, SPLIT, METRICS, FAILURE, CHECKPOINT, BEST_MODEL)
"""The run files written through :func:`~mvae_core.files.atomic_write` (``metrics.jsonl`` when a resume cuts it)."""


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (strict JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


class RunDir:
    """A run directory at ``path``: the one writer of its files and the one reader of them for later commands
    (nothing is created until a method writes)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        """Something of a run is here (a new run must not write over it)."""
        return (self.path / CHECKPOINT).exists() or (self.path / METRICS).exists()

    @contextlib.contextmanager
    def training_lock(self) -> Iterator[None]:
        """Hold the run's lock while this process trains it.

        :raises RunBusy: another process holds it (a second ``mvae train --resume`` of a run still training, or two
            new runs started into one directory); nothing of the run has been touched. The lock is an advisory
            ``flock`` on ``.lock``, released when the process exits however it exits, so a killed run never leaves
            its directory locked. A directory this call creates is removed again if nothing but the lock file is in
            it at the end (a new run that failed before writing anything leaves nothing behind).
        """
        created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        lock = self.path / LOCK
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _take_exclusive(fd):
                raise self.said_both_ways(
                    RunBusy,
                    lambda steps: (
                        f"{self.path} is being trained by another process; wait for it to finish, or stop "
                        f"it (Ctrl-C checkpoints it) and then continue with {steps.resume}"
                    ),
                )
            try:
                yield
            finally:
                if created and [p.name for p in self.path.iterdir()] == [LOCK]:
                    lock.unlink()
                    self.path.rmdir()
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def is_training(self) -> bool:
        """A process trains the run now: it holds the run's lock (:meth:`training_lock`). Creates nothing. The
        shared lock this takes for a moment does not make a training that starts meanwhile fail
        (:func:`_take_exclusive` waits it out)."""
        try:
            fd = os.open(self.path / LOCK, os.O_RDONLY)
        except OSError:  # no lock file: nothing ever trained here, or not a folder
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # releases the shared lock this call may have taken
        return False

    def require_folder(self) -> None:
        """:class:`InputError` unless the run's path is a folder: for a file (``RUN/config.toml``, a model file)
        the message names the folder to give instead; for a path where nothing is, the run beside it with the
        closest name, if any (``runs/dmeo`` for ``runs/demo``)."""
        if self.path.is_dir():
            return
        if self.path.exists():
            raise InputError(f"{self.path} is a file, not a run directory; give its folder: {self.path.parent}")
        raise InputError(f"{self.path}: no run directory there{self._closest_run()}")

    def _closest_run(self) -> str:
        """``; did you mean runs/demo?`` when a run directory beside the path has a close name, else ``""``."""
        try:
            runs = [path.name for path in self.path.parent.iterdir() if (path / CONFIG).is_file()]
        except OSError:  # the parent is missing or unreadable too
            return ""
        match = closest(self.path.name, runs)
        return f"; did you mean {self.path.parent / match}?" if match else ""

    @property
    def train_command(self) -> str:
        """The command that trains a new run here, as messages show it."""
        return f"mvae train DATA --out {self.shell_path}"

    @property
    def shell_path(self) -> str:
        """The run's path as a command line shows it: quoted for the shell when it holds a space or a quote, so a
        command pasted from a message runs (``'my runs/a'``)."""
        return shlex.quote(str(self.path))

    @property
    def resume_command(self) -> str:
        """The command that continues the run here, as messages show it."""
        return f"mvae train --resume {self.shell_path}"

    def resume_call(self, *arguments: str) -> str:
        """``mvae_core.train(out='RUN', resume=True[, arguments])``: the call that continues the run here (a Python
        caller's :attr:`resume_command`)."""
        return f"mvae_core.train({', '.join([f'out={str(self.path)!r}', 'resume=True', *arguments])})"

    def steps(self, python: bool, objects: Sequence[str] = (), world: int = 1, epochs: int | None = None) -> Steps:
        """How messages about this run name the next step: ``mvae`` commands, or (``python``) ``mvae_core`` calls.
        A resume hands back the plugins the run was given as Python ``objects`` (by name; the command line cannot
        resume such a run, and its refusal says so), and runs under torchrun again when ``world`` (the processes
        that trained it) is more than 1. ``more_epochs`` names ``epochs`` as the budget, or ``N``."""
        here, budget = str(self.path), "N" if epochs is None else str(epochs)
        torchrun = " (under torchrun, as before)" if world > 1 else ""
        if python:
            pairs = ", ".join(f"({name!r}, <the plugin object>)" for name in objects)
            plugins = [f"plugins=[{pairs}]"] if objects else []
            return Steps(
                train=f"mvae_core.train(data=DATA, out={here!r})",
                resume=f"{self.resume_call(*plugins)}{torchrun}",
                more_epochs=f"{self.resume_call(f'epochs={budget}', *plugins)}{torchrun}",
                again=f"the same mvae_core.train call (out={here!r})",
                generate=f"mvae_core.load({here!r}).generate()",
                evaluate=f"mvae_core.evaluate({here!r}, DATA)",
                train_on_here=f"mvae_core.train(data=[{here!r}], out=RUN)",
                trainer_out="mvae_core.train(out=...)",
                init_from=f"mvae_core.train(data=DATA, init_from={here!r}, out=NEW_RUN)",
            )
        return Steps(
            train=self.train_command,
            resume=f"{self.resume_command}{torchrun}",
            more_epochs=f"{self.resume_command} --epochs {budget}{torchrun}",
            again=f"the same mvae train command (--out {self.shell_path})",
            generate=f"mvae generate {self.shell_path}",
            evaluate=f"mvae evaluate {self.shell_path} DATA",
            train_on_here=f"mvae train {self.shell_path} --out RUN",
            trainer_out="mvae train --out",
            init_from=f"mvae train DATA --init-from {self.shell_path} --out NEW_RUN",
        )

    def said_both_ways(self, error: type[Said], message: Callable[[Steps], str], epochs: int | None = None) -> Said:
        """``error`` with ``message`` naming the ``mvae_core`` calls, and the ``mvae`` commands on the command line
        (:meth:`MvaeError.command_line_message`): every message about this run that names a next step says it so
        (``epochs``: the budget :attr:`Steps.more_epochs` names)."""
        return error(
            message(self.steps(python=True, epochs=epochs)),
            command_line=message(self.steps(python=False, epochs=epochs)),
        )

    def state(self, check_lock: bool = True) -> RunState:
        """Where the run stands, from its files: trained by a process now (``check_lock``: not for a caller that
        holds the run's lock itself), failed (``failure.json``), stopped by a plugin (the stop events of its last
        metrics line), finished (as many metrics lines as ``train.epochs``), or else stopped without finishing (an
        interrupt, ``kill -9``, a power cut: nothing records those)."""
        done = len(self.read_metrics())
        try:
            epochs: int | None = self.read_config().train.epochs
        except MvaeError:  # a config that cannot be read: the state is told without the budget
            epochs = None
        if check_lock and self.is_training():
            return RunState("training", done, epochs)
        if (failure := self.read_failure()) is not None:
            why = str(failure.get("message", f"its {FAILURE} cannot be read"))
            return RunState("failed", done, epochs, why, str(failure.get("error", "")))
        if stops := self.stop_reasons():
            return RunState("stopped", done, epochs, "; ".join(stops))
        if epochs is not None and done >= epochs:
            return RunState("finished", done, epochs)
        return RunState("unfinished", done, epochs)

    def stop_reasons(self) -> list[str]:
        """The stop reasons plugins gave in the run's last finished epoch (its metrics line); empty when none."""
        last = (self.read_metrics() or [{}])[-1]
        return [e["message"] for e in last.get("events", []) if isinstance(e, dict) and e.get("level") == "stop"]

    def has_checkpoint(self) -> bool:
        """A run that ``--resume`` can continue (a bent copy, for one, has no checkpoint)."""
        return (self.path / CHECKPOINT).exists()

    def refuse_resume_without_checkpoint(self) -> ResumeRefused:
        """The refusal of a resume of a folder without ``checkpoint.pt``: why, by what is there, and what to do."""
        return self.said_both_ways(
            ResumeRefused,
            lambda steps: f"{self.path}: nothing to resume there (no checkpoint.pt); {self._no_checkpoint_hint(steps)}",
        )

    def _no_checkpoint_hint(self, steps: Steps) -> str:
        if not self.path.is_dir():
            return (
                "the folder does not exist (a run stopped while it read its data leaves nothing behind); start the "
                f"run: {steps.train}"
            )
        if (self.path / BEST_MODEL).exists():
            return (
                f"its model generates ({steps.generate}) but there is no training state to continue (a bent copy has "
                "none); train a new run to train further"
            )
        if not (self.path / CONFIG).is_file():
            return self._what_is_here(steps)
        return "the run's training state is gone; restore checkpoint.pt from a backup, or train a new run"

    def never_checkpointed(self) -> bool:
        """The run was stopped after writing its ``config.toml`` and before its first checkpoint: nothing was trained,
        so a resume starts it over with that config (a bent copy has a model, and is not one of these)."""
        return (self.path / CONFIG).is_file() and not any(
            (self.path / name).exists() for name in (CHECKPOINT, BEST_MODEL, METRICS)
        )

    def write_config(
        self,
        cfg: MvaeConfig,
        versions: dict[str, str],
        data: list[str],
        data_fingerprint: str | None = None,
        packages: Mapping[str, str] | None = None,
        init_from: Mapping[str, Any] | None = None,
    ) -> None:
        """The resolved config plus a ``[provenance]`` table: versions of mvae and plugins, the DATA arguments, a
        fingerprint of the train/validation split (checked on resume), ``packages``: the distribution of each
        part from one (``"model.wide_seed" = "mvae-wide-seed"``), what to install where the run is loaded, and
        ``init_from``: where the weights it started from came from (:mod:`mvae_core.starting_weights`)."""
        tree = _drop_none(cfg.model_dump(mode="json"))
        provenance = {"versions": versions, "packages": dict(packages or {}) or None, "data": data,
                      "data_fingerprint": data_fingerprint, "init_from": init_from}  # fmt: skip
        tree[PROVENANCE] = _drop_none(provenance)
        self._write_tree(tree)

    def rewrite_config(self, cfg: MvaeConfig, data: list[str], data_fingerprint: str | None) -> None:
        """``config.toml`` again with ``cfg``, ``data`` and ``data_fingerprint``, keeping the rest of its
        ``[provenance]`` (the versions that trained the run, its ``resumed`` entries, a bend's record): a resume
        with a new epoch budget or a new place for the data changes the run, not what trained it."""
        kept = {k: v for k, v in self.read_provenance().items() if k not in ("data", "data_fingerprint")}
        tree = _drop_none(cfg.model_dump(mode="json"))
        tree[PROVENANCE] = _drop_none(kept | {"data": data, "data_fingerprint": data_fingerprint})
        self._write_tree(tree)

    def record_versions(self, versions: Mapping[str, str], epoch: int) -> dict[str, tuple[str, str]]:
        """Record that the versions in ``versions`` train the run from ``epoch`` (1-based) on, when any differs from
        those that trained its last part: ``[provenance.versions]`` keeps the versions the run started with, and
        each resume that changed one adds a ``[[provenance.resumed]]`` entry (``from_epoch``, counted from 1 as the
        console counts, and ``versions`` holding the ones that changed). Returns the changes, ``{name: (before,
        now)}`` (empty: nothing written)."""
        provenance = self.read_provenance()
        before = self.trained_versions()
        changed = {n: (str(before.get(n, "none")), str(v)) for n, v in versions.items() if before.get(n) != v}
        if changed:
            tree = self._read_tree()
            entry = {"from_epoch": epoch, "versions": {n: now for n, (_, now) in changed.items()}}
            tree.setdefault(PROVENANCE, {})["resumed"] = [*provenance.get("resumed", []), entry]
            self._write_tree(tree)
        return changed

    def trained_versions(self) -> dict[str, str]:
        """The versions that trained the run's last part: ``[provenance.versions]`` with each
        ``[[provenance.resumed]]`` entry over it (:meth:`record_versions`)."""
        return last_part_versions(self.read_provenance())

    def version_hint(self, installed: Mapping[str, str | None]) -> str:
        """For an error that the installed code refuses the run's config: ``"; RUN was trained with plugin 'r' 0.3.0
        (installed here: 0.5.0)"`` naming each part whose ``installed`` version (None: not installed) differs from
        the one that trained the run (parts handed over as Python objects left out); ``""`` when none does."""
        trained, packages = self.trained_versions(), self.read_provenance().get("packages", {})

        def now_here(name: str, now: str | None) -> str:
            if now is not None:
                return f"installed: {now}"
            if name not in packages:
                return "not installed"
            if (present := distribution_version(packages[name])) is None:
                return f"not installed: pip install {packages[name]}"
            # the package is here, but this version of it has no such part (renamed or removed since)
            return f"{packages[name]} {present} has none: pip install '{packages[name]}=={trained[name]}'"

        parts = [
            f"{part_name(name)} {trained[name]} ({now_here(name, installed[name])})"
            for name in self._differing(installed)
        ]
        return f"; {self.path} was trained with {', '.join(parts)}" if parts else ""

    def _differing(self, installed: Mapping[str, str | None]) -> list[str]:
        """The parts of ``installed`` (name → version here, None: not installed) whose version differs from the one
        that trained the run, in ``installed``'s order; parts handed over as Python objects left out."""
        trained = self.trained_versions()
        return [
            name
            for name, now in installed.items()
            if name in trained and not str(trained[name]).startswith(OBJECT_ORIGIN) and trained[name] != now
        ]

    def refused_weights(self, error: CheckpointError, installed: Mapping[str, str | None]) -> str:
        """What to say of weights that the installed model refuses (``error``): when the model's code is of another
        version than the one that trained the run (its package's, or mvae's for a built-in), that change is the likely
        cause, so the message leads with it and the command that installs the version that trained the run; else
        ``error``'s own message (another run's file, an edited config) with :meth:`version_hint`."""
        changed = [
            name
            for name in self._differing(installed)
            if (name == "mvae" or name.startswith(VERSION_KEY_PREFIX)) and installed[name] is not None
        ]
        if not isinstance(error, WeightsMismatch) or not changed:
            return self.with_version_hint(str(error), installed)
        name, was = changed[-1], self.trained_versions()[changed[-1]]  # the model's own package before mvae
        package = "mvae" if name == "mvae" else self.read_provenance().get("packages", {}).get(name)
        install = f"pip install '{package}=={was}'" if package else f"{part_name(name)} {was}"
        return (
            f"its weights do not fit {part_name(name)} {installed[name]} installed here ({error.tensors}): "
            f"{self.path} was trained with {was}, whose weights are laid out otherwise; install that version "
            f"({install}), or a version of the package that converts the earlier weights as it loads them "
            "(docs/models.md, Writing a model)"
        )

    def with_version_hint(self, message: str, installed: Mapping[str, str | None]) -> str:
        """``message`` (one sentence, its full stop kept last) ending with :meth:`version_hint` when a part's version
        differs: an error the installed code gives for the run's files may come from that change."""
        stop = "." if message.endswith(".") else ""
        return f"{message.removesuffix('.')}{self.version_hint(installed)}{stop}"

    def _write_text(self, name: str, text: str) -> None:
        """The run file ``name`` holding ``text`` (UTF-8), written whole or not at all (:func:`atomic_write`)."""
        atomic_write(self.path / name, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def _write_tree(self, tree: dict[str, Any]) -> None:
        text = tomli_w.dumps(tree)
        self._write_text(CONFIG, text)

    def _read_tree(self) -> dict[str, Any]:
        """``config.toml`` as a table. :class:`ConfigError` when the folder has none, or one that is empty (mvae
        always writes every setting: a disk fault or a hand left it so, and read as defaults it would describe
        another model than the run's)."""
        if self.path.is_dir() and not (self.path / CONFIG).exists():
            raise self.said_both_ways(
                ConfigError, lambda steps: f"{self.path} is not a run: no {CONFIG} there; {self._what_is_here(steps)}"
            )
        tree = read_toml(self.path / CONFIG, "the run's config")
        if not tree:
            raise ConfigError(
                f"{self.path / CONFIG} is empty (a disk fault or a hand left no setting in it); the run cannot be "
                "read without its settings: restore the file from a backup"
            )
        return tree

    def _what_is_here(self, steps: Steps) -> str:
        """What a folder without ``config.toml`` holds instead, and what to do (for the error that refuses it)."""
        try:
            entries = sorted(self.path.iterdir())
        except OSError as exc:
            return f"the folder cannot be listed ({reason(exc)})"
        names = {p.name for p in entries}
        run_files = sorted(names & {CHECKPOINT, BEST_MODEL, METRICS})
        if run_files:
            return (
                f"it holds {', '.join(run_files)} but the run's config is gone; restore {CONFIG} from a backup (a "
                "run cannot be read without it), or train a new run"
            )
        if names & {DATA_REPORT, SPLIT}:
            return f"its training stopped before it was set up; train it again ({steps.train})"
        runs = [p.name for p in entries if (p / CONFIG).is_file()]
        if runs:
            return f"it holds runs: give one of them, e.g. {self.path / runs[0]}"
        if ablation_runs := sorted(self.path.glob(f"runs/*/*/{CONFIG}")):  # mvae ablate's runs/<config>/seed-<n>
            return f"it holds an ablation: give one of its runs, e.g. {ablation_runs[0].parent}"
        if _holds_midi(self.path):
            return f"it holds MIDI files: train on them first ({steps.train_on_here}), then give RUN"
        if not names - {LOCK}:
            return f"it is empty: train first ({steps.train})"
        return f"give the folder that {steps.trainer_out} wrote"

    def read_config(self) -> MvaeConfig:
        """The run's resolved config. A run written before the model registry has no ``[model] name``: it was
        trained with the ``seed`` architecture, whatever the default is now."""
        tree = self._read_tree()
        tree.pop(PROVENANCE, None)
        tree.setdefault("model", {}).setdefault("name", LEGACY_MODEL)
        try:
            return validate_section(MvaeConfig, tree)
        except ConfigError as exc:
            raise ConfigError(f"{self.path / CONFIG}: {exc}") from None

    def read_provenance(self) -> dict[str, Any]:
        """The run's ``[provenance]`` table (``{}`` in a run written before it was kept).

        :raises ConfigError: naming the field when a hand edit left a part that mvae reads in another shape than it
            writes (``versions`` a table of version strings, ``resumed`` a list of such entries, ``data_fingerprint``
            a string), with the shape to restore.
        """
        provenance = self._read_tree().get(PROVENANCE, {})
        problem = provenance_problem(provenance)
        if problem:
            raise ConfigError(f"{self.path / CONFIG}: {problem}")
        return provenance

    def read_data(self) -> list[str]:
        """The DATA the run trained on (``[provenance] data``; ``corpus:essen`` in a run written before it was kept,
        which has no ``split.json`` either). One path written as a string counts as one path.

        :raises ConfigError: naming the field when it is not a non-empty list of paths, or is missing from a run that
            kept it (a hand edit gone wrong).
        """
        data = self.read_provenance().get("data")
        if data is None and (self.path / SPLIT).exists():  # kept since before split.json: the line was deleted
            raise ConfigError(f"{self.path / CONFIG}: [provenance] has no data: {DATA_FIX}")
        data = DEFAULT_DATA if data is None else data
        data = [data] if isinstance(data, str) else data
        if not isinstance(data, list) or not data or not all(isinstance(d, str) and d for d in data):
            raise ConfigError(f"{self.path / CONFIG}: [provenance] data = {data!r}: must {DATA_FIX}")
        return data

    def write_split(self, train_sources: list[str], validation_sources: list[str], content: Mapping[str, str]) -> None:
        """``split.json``: which sources the run trains on and which it validates on (sorted names), and the content
        digest of each one's file (``content``, by source name, as :meth:`DataReport.content` gives it)."""
        sides = {"train": sorted(train_sources), "validation": sorted(validation_sources)}
        named = sorted(name for names in sides.values() for name in names if name in content)
        text = json.dumps(sides | {"content": {name: content[name] for name in named}}, indent=1)
        self._write_text(SPLIT, text)

    def read_split(self) -> dict[str, list[str]] | None:
        """``split.json``: ``{"train": [...], "validation": [...]}`` source names; None when the run has none (one
        written before it was kept) or it cannot be read as that."""
        try:
            saved = self._split_file()
            return {side: [str(name) for name in saved[side]] for side in ("train", "validation")}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def edited_sources(self, content: Mapping[str, str]) -> list[str]:
        """The sources whose file content differs from what ``split.json`` recorded (``content``: digests by the
        names the run saved); none when it recorded none (a run written before it did)."""
        return edited_names(self.recorded_content(), content)

    def trained_on(
        self, content: Mapping[str, str], music: Mapping[str, Collection[str]] | None = None, depth: int = 8
    ) -> list[str] | None:
        """The sources among ``content`` (file digests by source name, as :meth:`DataReport.content` gives them)
        whose file the run trained on: the same content as one of ``split.json``'s train sources, wherever it lies
        now, or, given ``music`` (:meth:`DataReport.music`), the same notes as one, transposed or not (a copy in
        other bytes: re-saved, merged, at another tempo), by the music digests of ``data_report.json``; for a run
        started from another's weights (:meth:`started_from`), those that run trained on too, while it is there
        (``depth``: how many such runs back are followed); for a bent copy (``mvae bend``, which trained nothing and
        keeps no ``split.json``), those the run it was copied from trained on (:meth:`bent_from`). None when the run
        cannot tell (it recorded no digests)."""
        own = self._trained_here(content, music)
        if depth <= 0:
            return own
        if own is None and (copied := self.bent_from()) is not None:
            return copied.trained_on(content, music, depth - 1)
        source = self.started_from()
        if own is None or source is None:
            return own
        return sorted(set(own) | set(source.trained_on(content, music, depth - 1) or ()))

    def started_from(self) -> RunDir | None:
        """The run whose weights this one started from (``[provenance.init_from]``, :mod:`mvae_core.starting_weights`),
        while its folder holds a run; None for a run that started from random weights, or whose source is gone."""
        try:
            record = self.read_provenance().get("init_from")
        except MvaeError:
            return None
        path = record.get("path") if isinstance(record, dict) else None
        return self._recorded_run(Path(path).parent if isinstance(path, str) else None)

    def lost_start(self) -> str | None:
        """The file of the weights this run started from (``[provenance.init_from] path``) when no run is there any
        more (moved or removed): :meth:`trained_on` cannot follow it then; None otherwise."""
        try:
            record = self.read_provenance().get("init_from")
        except MvaeError:
            return None
        path = record.get("path") if isinstance(record, dict) else None
        return path if isinstance(path, str) and self.started_from() is None else None

    def bent_from(self) -> RunDir | None:
        """The run this bent copy was copied from (``[provenance.bend] source``, ``mvae bend``), while its folder holds
        a run; None for a run that is no bent copy, or whose source is gone."""
        try:
            record = self.read_provenance().get("bend")
        except MvaeError:
            return None
        source = record.get("source") if isinstance(record, dict) else None
        return self._recorded_run(Path(source) if isinstance(source, str) else None)

    def _recorded_run(self, folder: Path | None) -> RunDir | None:
        """The run in ``folder`` (named by this run's ``[provenance]``) while it holds one and is not this run."""
        source = RunDir(folder) if folder is not None else None
        return source if source is not None and source.path != self.path and (source.path / CONFIG).is_file() else None

    def _trained_here(
        self, content: Mapping[str, str], music: Mapping[str, Collection[str]] | None
    ) -> list[str] | None:
        """:meth:`trained_on` by this run's own ``split.json`` and ``data_report.json``."""
        try:
            saved = self._split_file()
            train = set(saved["train"])
            trained = {saved["content"][name] for name in train if name in saved["content"]}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not trained:
            return None
        notes = self._train_music(train) if music else set()
        return sorted(
            name for name, digest in content.items() if digest in trained or notes & set((music or {}).get(name, ()))
        )

    def _train_music(self, train: set[str]) -> set[str]:
        """The music digests (:data:`MUSIC_DIGESTS`) ``data_report.json`` keeps of the ``train`` sources (none for a
        run written before reports kept them, or an unreadable report)."""
        try:
            files = read_run_json(self.path / DATA_REPORT)["files"]
            return {entry[k] for entry in files if entry.get("source") in train for k in MUSIC_DIGESTS if k in entry}
        except (OSError, ValueError, KeyError, TypeError):
            return set()

    def split_damaged(self) -> str | None:
        """Why ``split.json`` does not read as mvae writes it (not JSON, cut, its sides or digests of another shape);
        None when it does, or when the run has none (one written before it was kept)."""
        if not (self.path / SPLIT).exists():
            return None
        try:
            saved = self._split_file()
        except (OSError, ValueError) as exc:
            return reason(exc)
        sides = isinstance(saved, dict) and all(isinstance(saved.get(side), list) for side in ("train", "validation"))
        if not sides or not isinstance(saved.get("content", {}), dict):
            return "not the train and validation lists and content digests mvae writes"
        return None

    def _split_file(self) -> Any:
        """``split.json`` as JSON (``OSError``/``ValueError`` when it cannot be read as JSON: :func:`read_run_json`)."""
        return read_run_json(self.path / SPLIT)

    def split_changes(
        self, train_sources: list[str], validation_sources: list[str], content: Mapping[str, str]
    ) -> SplitChanges:
        """How the sources of a split (and their files' ``content``) differ from ``split.json``, for a resume that
        refuses changed data: which are new, which are gone, which changed sides, which were edited, and whether
        every file is unedited by a digest ``split.json`` recorded (:attr:`SplitChanges.read_otherwise`)."""
        saved = self.read_split()
        if saved is None:
            return SplitChanges(known=False)
        before = {name: side for side, names in saved.items() for name in names}
        now = {name: "train" for name in train_sources} | {name: "validation" for name in validation_sources}
        recorded = self.recorded_content()
        edited = edited_names(recorded, content)
        new, gone = sorted(n for n in now if n not in before), sorted(n for n in before if n not in now)
        kept = [n for n in now if n in before]
        return SplitChanges(
            new=new,
            gone=gone,
            moved=sorted(n for n in now if n in before and before[n] != now[n]),
            edited=edited,
            unedited=not edited and bool(recorded) and all(n in recorded and n in content for n in kept),
            reread=tunes_read_again(new, gone, recorded, content),
        )

    def recorded_content(self) -> dict[str, str]:
        """``split.json``'s content digests by source name (none when it kept none)."""
        try:
            saved = self._split_file()["content"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}
        return saved if isinstance(saved, dict) else {}

    def write_data_report(self, report: dict[str, Any]) -> None:
        """``data_report.json``: what the data's loader reported of every source (:meth:`DataReport.to_json`)."""
        text = json.dumps(finite(report), indent=1)
        self._write_text(DATA_REPORT, text)

    def append_metrics(self, record: dict[str, Any]) -> None:
        """One line more in ``metrics.jsonl``, on the disk (fsynced) before the epoch's checkpoint is written, so a
        power cut cannot keep a checkpoint whose epoch has lost its line; :class:`WriteFailed` naming it when the disk
        refuses (a torn line is skipped when read, and a resume drops it)."""
        try:
            with open(self.path / METRICS, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(finite(record)) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise WriteFailed(f"cannot write {self.path / METRICS}: {reason(exc)}") from None

    def read_metrics(self) -> list[dict[str, Any]]:
        """Every complete line: an epoch's record, :func:`~mvae_core.metrics_record.as_written` (a value of another
        type than the trainer writes, from a hand edit or a garbled disk, reads as missing). A line torn by a crash
        mid-write, or garbled by a damaged disk (bytes that are no UTF-8, a record without its epoch, nesting deeper
        than Python parses), is ignored; a file that is none mvae writes (not a regular file, over
        :data:`RUN_FILE_BYTES`) has no line."""
        return [as_written(record) for record in self._metrics_lines()]

    def _metrics_lines(self) -> list[dict[str, Any]]:
        """The complete lines of :meth:`read_metrics` as they are in the file."""
        try:
            data = read_bounded(self.path / METRICS, RUN_FILE_BYTES)
        except (FileNotFoundError, NotRegular, TooLarge):
            return []
        records = []
        for line in data.decode("utf-8", errors="replace").splitlines():  # mvae writes ASCII only
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                continue
            if isinstance(record, dict) and type(record.get("epoch")) is int:  # not True, which is 1 to Python
                records.append(record)
        return records

    def truncate_metrics(self, last_epoch: int) -> list[int]:
        """Drop lines after ``last_epoch`` (written by an epoch whose checkpoint never landed), and torn ones; the
        lines kept are written back as they were (not :meth:`read_metrics`' reading: a value of an unexpected type
        stays in the file). Returns the epochs up to ``last_epoch`` (counted from 0) that have no line: lost to a
        damaged or hand-cut file (the run goes on from its checkpoint, but their numbers are gone)."""
        kept = [r for r in self._metrics_lines() if r["epoch"] <= last_epoch]
        text = "".join(json.dumps(r) + "\n" for r in kept)
        self._write_text(METRICS, text)
        return sorted(set(range(last_epoch + 1)) - {r["epoch"] for r in kept})

    def write_failure(self, failure: dict[str, Any]) -> None:
        """Record why the run stopped with an error (``error``, ``message`` and what is known: epoch, step, terms)."""
        text = json.dumps(finite(failure), indent=1)
        self._write_text(FAILURE, text)

    def remove_leftovers(self) -> dict[str, int]:
        """Remove the temporary files that writes of run files left when their process was killed in the middle
        (``kill -9``, a power cut: :func:`~mvae_core.files.atomic_write` removes its temporary in every other case),
        each up to as large as the file it was to become and hidden by its leading dot; returns their names and
        sizes in bytes. Only for the process that holds the run's lock (:meth:`training_lock`): another one's write
        in progress would be removed."""
        removed = {}
        for name in WRITTEN_WHOLE:
            for leftover in self.path.glob(f".{Path(name).stem[:TEMPORARY_STEM]}.*.tmp{Path(name).suffix}"):
                with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove: left as it is
                    size = leftover.stat().st_size
                    leftover.unlink()
                    removed[leftover.name] = size
        return removed

    def read_failure(self) -> dict[str, Any] | None:
        """``failure.json`` (:meth:`write_failure`): why the run stopped with an error; None when it did not, ``{}``
        when the file cannot be read."""
        try:
            failure = read_run_json(self.path / FAILURE)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}
        return failure if isinstance(failure, dict) else {}

    def clear_failure(self) -> None:
        """A resumed run is no longer the failed one."""
        (self.path / FAILURE).unlink(missing_ok=True)

    def save_checkpoint(self, payload: dict[str, Any]) -> None:
        save_checkpoint(self.path / CHECKPOINT, payload)

    def trained_settings(self) -> dict[str, Any] | None:
        """The settings the run trained with up to its checkpoint (:func:`settings_record`), read without loading its
        tensors; None for a checkpoint written before they were recorded. :class:`CheckpointError` naming the file
        when it cannot be read."""
        return load_checkpoint(self.path / CHECKPOINT, mapped=True).get(SETTINGS)

    def load_checkpoint(self) -> dict[str, Any]:
        """The resume checkpoint; :class:`CheckpointError` naming the file if it is unreadable or incomplete."""
        path = self.path / CHECKPOINT
        payload = load_checkpoint(path)
        missing = [key for key in RESUME_KEYS if key not in payload]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}; {UNUSABLE}")
        return payload

    def save_best(self, weights: dict[str, torch.Tensor], epoch: int, val_elbo: float) -> None:
        """``model.safetensors``: the model ``weights`` (a ``state_dict``) of ``epoch`` (counted from 0), with it and
        ``val_elbo`` as metadata."""
        save_model(self.path / BEST_MODEL, weights, {"epoch": str(epoch), "val_elbo": repr(val_elbo)})

    def best_saved(self) -> tuple[int, float] | None:
        """The epoch (counted from 1) and ``val_elbo`` of the run's best model, as ``model.safetensors`` recorded them
        (:func:`saved_epoch`): the model ``generate`` reads. None when the run has no model file, or one without that
        record or unreadable."""
        try:
            return saved_epoch(model_metadata(self.path / BEST_MODEL))
        except CheckpointError:
            return None

    def load_model(self) -> tuple[MelodyModel, MvaeConfig]:
        """The best model in eval mode, rebuilt from the run's config (no code is executed): :meth:`load_best`
        without the metadata."""
        model, cfg, _ = self.load_best()
        return model, cfg

    def load_best(self) -> SavedModel:
        """The best model in eval mode, rebuilt from the run's config (no code is executed), with the metadata saved
        with its weights, read from the same open of ``model.safetensors`` (a new best that a training run writes
        meanwhile is either the one loaded, or not seen at all).

        :raises InputError: the path is not a folder (:meth:`require_folder`)."""
        self.require_folder()
        cfg = self.read_config()
        try:
            model = build_model(cfg)
        except ConfigError as exc:  # e.g. a model whose package is not installed here
            message = self.with_version_hint(str(exc), installed_model_version(cfg.model.name))
            raise ConfigError(f"{self.path / CONFIG}: {message}") from None
        if not os.path.lexists(self.path / BEST_MODEL):  # something else in its place: load_model_file says what
            raise self.said_both_ways(
                CheckpointError,
                lambda steps: f"no model at {self.path / BEST_MODEL}; {self._missing_model_hint(steps)}",
            )
        state, metadata = load_model_file(self.path / BEST_MODEL)  # its errors name the file
        try:
            load_weights(model, state)
        except CheckpointError as exc:  # e.g. a new version of the model's package changed its layout
            message = self.refused_weights(exc, {"mvae": VERSION, **installed_model_version(cfg.model.name)})
            raise CheckpointError(f"{self.path / BEST_MODEL}: {message}") from None
        return SavedModel(model.eval(), cfg, metadata)

    def _missing_model_hint(self, steps: Steps) -> str:
        """What to do about a run directory without its model file, by what else is there."""
        if self.read_metrics():
            return (
                "epochs finished but the file is gone: restore it, or train a new run (a resume writes it again only "
                "when an epoch beats the best so far)"
            )
        if self.has_checkpoint():
            if self.is_training():
                return "no epoch has finished yet: it is training now; wait for its first epoch"
            return f"no epoch has finished yet: continue with {steps.resume}"
        return f"nothing was trained here: train first ({steps.train})"


Said = TypeVar("Said", bound=MvaeError)


class SavedModel(NamedTuple):
    """A run's best model as :meth:`RunDir.load_best` read it."""

    model: MelodyModel  # in eval mode
    config: MvaeConfig  # the run's resolved config
    metadata: dict[str, str]  # saved with the weights (:meth:`RunDir.save_best`; :func:`saved_epoch` reads it)


def settings_record(cfg: MvaeConfig) -> dict[str, Any]:
    """The settings of ``cfg`` as a checkpoint records them: every setting, those not set (None) too, so that a
    setting given a value since (``train.clip_grad_norm``) is told from one that the installed code added."""
    return cfg.model_dump(mode="json")


def saved_epoch(metadata: Mapping[str, str]) -> tuple[int, float] | None:
    """The epoch (counted from 1, as the console counts) of a model file's ``metadata`` and its val_elbo, as
    :meth:`RunDir.save_best` recorded them; None for a file without that record (not written by mvae), or with one
    mvae never writes (an epoch below 0, a val_elbo that is not finite: a best epoch always has a finite one)."""
    try:
        epoch, val_elbo = int(metadata["epoch"]), float(metadata["val_elbo"])
    except (KeyError, ValueError):
        return None
    return (epoch_number(epoch), val_elbo) if epoch >= 0 and math.isfinite(val_elbo) else None


RUN_FILE_BYTES = 1 << 29
"""The most mvae reads of one of a run's JSON files (``split.json``, ``data_report.json``, ``metrics.jsonl``,
``failure.json``): 512 MiB, far above what any run writes (a data report of a million files is a few hundred MB), so
that a damaged or hostile file (a link to ``/dev/zero``) cannot fill memory."""


def read_run_json(path: Path) -> Any:
    """A run's JSON file, read with a bound (:func:`~mvae_core.files.read_json_bounded`, :data:`RUN_FILE_BYTES`):
    ``OSError`` (``FileNotFoundError`` when it is missing) or ``ValueError`` as that says."""
    return read_json_bounded(path, RUN_FILE_BYTES)


class RunState(NamedTuple):
    """Where a run stands (:meth:`RunDir.state`); ``str()`` says it in a message: ``stopped by a plugin after epoch
    46 of 200 (early_stopping: …)``."""

    kind: Literal["training", "failed", "stopped", "finished", "unfinished"]
    done: int  # finished epochs (lines of metrics.jsonl)
    epochs: int | None  # the run's epoch budget (train.epochs); None when its config cannot be read
    why: str = ""  # failed: failure.json's message; stopped: the plugins' stop reasons
    error: str = ""  # failed: failure.json's error (NON_FINITE, "plugin failed", "write failed")

    def __str__(self) -> str:
        of = "" if self.epochs is None else f" of {self.epochs}"
        epochs = f"{self.done}{of} epoch{'s' * ((self.epochs or self.done) != 1)}"
        return {
            "training": f"being trained by another process now ({epochs} done)",
            "failed": f"failed after {epochs} ({self.why}; {FAILURE})",
            "stopped": f"stopped by a plugin after epoch {self.done}{of} ({self.why})",
            "finished": f"finished: all its {self.done} epoch{'s' * (self.done != 1)} done",
            "unfinished": f"stopped after {epochs} without finishing (interrupted, killed or a crash)",
        }[self.kind]


class Steps(NamedTuple):
    """How a message names the next step (:meth:`RunDir.steps`): as ``mvae`` commands or as ``mvae_core`` calls."""

    train: str  # a new run here, on DATA
    resume: str  # the run here, continued
    more_epochs: str  # the run here, continued with a larger epoch budget
    again: str  # the run that failed before its first checkpoint, started over
    generate: str  # loops from the run here
    evaluate: str  # the run here scored on DATA
    train_on_here: str  # a new run on the MIDI files in this folder
    trainer_out: str  # the option that names a run's folder
    init_from: str  # a new run on DATA that starts from the weights of the run here (--init-from)


LOCK_WAIT_S = 0.25
"""How long :meth:`RunDir.training_lock` retries a lock held by someone else before it calls the run busy: a
trainer holds it for the whole run, :meth:`RunDir.is_training` for microseconds."""


def _take_exclusive(fd: int) -> bool:
    """Take the exclusive ``flock`` on ``fd``, retrying for :data:`LOCK_WAIT_S`; False: someone else holds it."""
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)


def _holds_midi(folder: Path, depth: int = 2) -> bool:
    """A MIDI file in ``folder`` or its subfolders down to ``depth`` levels (symlinked folders not followed)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    for entry in entries:
        if is_midi_name(entry.name) and entry.is_file():  # what a folder search would read
            return True
    return depth > 1 and any(_holds_midi(e, depth - 1) for e in entries if e.is_dir() and not e.is_symlink())


def _drop_none(tree: Any) -> Any:
    """TOML has no null: unset optional values are left out (they fall back to their defaults on reload)."""
    if isinstance(tree, dict):
        return {k: _drop_none(v) for k, v in tree.items() if v is not None}
    return tree
