"""The data of a run: read, reported and split for training (:func:`prepare_data`), and checked against the split
the run recorded (``data_fingerprint`` and ``split.json``'s file digests: :class:`~mvae_core.errors.DataChanged`
otherwise); a run pointed at its data's new place without training (:func:`relocate`), and a trained run's held-out
loops (:func:`validation_loops`). Nothing of the run is written before its data is usable, nor when the memory runs
out while the data is read (:class:`~mvae_core.errors.ReadingRanOut`, in all three).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mvae_core.config import MvaeConfig
from mvae_core.data.load import DataReport, absolute_data, check_paths, data_arguments, load_dataset, reading_memory
from mvae_core.data.relocation import Relocation
from mvae_core.data.score import SkipReason
from mvae_core.data.sources import READ_SUFFIXES
from mvae_core.data.split import LoopSet, TooFewLoops, from_sources, split_by_source, trained_loops
from mvae_core.data.table import NoteTable
from mvae_core.distributed import Distributed
from mvae_core.errors import DataChanged, DataError, InputError, RunFailed
from mvae_core.files import WriteFailed
from mvae_core.report import skip_reasons
from mvae_core.run import RunDir
from mvae_core.run_files import CONFIG, SPLIT
from mvae_core.run_steps import Steps
from mvae_core.starting_weights import StartingWeights
from mvae_core.wording import counted, listed

if TYPE_CHECKING:  # the session imports this module
    from mvae_core.session import Reporter
    from mvae_core.split_changes import SplitChanges


def fingerprint(train_set: LoopSet, val_set: LoopSet, name: Callable[[str], str] = str) -> str:
    """Identifies the split: which sources (each as ``name`` gives it) and how many loops/examples on each side."""
    parts = [sorted(map(name, train_set.sources)), sorted(map(name, val_set.sources)), len(train_set), len(val_set)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def prepare_data(
    run: RunDir, cfg: MvaeConfig, data: list[str], jobs: int | None, resuming: bool, relocation: Relocation,
    dist: Distributed, reporter: Reporter, starting: StartingWeights | None = None,
) -> tuple[LoopSet, LoopSet, str, MvaeConfig]:  # fmt: skip
    """Load, report and split the data; refuse data a resumed run did not start with (its sources compared under
    the names they had before a ``relocation``). Creates the run directory (rank 0) only once the data is usable;
    a relocated resume rewrites ``split.json`` with the new names. A new run from ``starting`` weights warns of
    validation files the run that trained them trained on. Returns the split, its fingerprint and ``cfg`` as the
    data was read: a ``data.pitch_low = "auto"`` (a new run's) is the number chosen from all of the data, before
    the split (:func:`~mvae_core.data.load.load_dataset`; every process of a torchrun job reads the same data and
    so chooses the same number), which the run trains with and records."""
    parsing = getattr(reporter, "parsing", None)  # optional (Reporter): a first parse of thousands of files is long
    try:
        with (
            reading_memory(data, cfg.data, jobs, training=True),
            parsing() if parsing is not None else contextlib.nullcontext() as progress,
        ):
            table, report = load_dataset(data, cfg.data, jobs, progress)
    except InputError:  # a bad argument (jobs), named as it is
        raise
    except ValueError as exc:  # an unknown corpus name
        raise DataError(str(exc)) from None
    if report.cache_warning:  # each process holds its own copy of the set
        reporter.note(report.cache_warning, "warning")
    cfg = cfg.model_copy(update={"data": report.read_with(cfg.data)})
    if not resuming:
        reporter.data(table, report, cfg.data, f"data: {' '.join(data)}")
    with reading_memory(data, cfg.data, jobs, training=True):
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
        _refuse_changed_split(run, train_set, val_set, report, relocation)
    if damaged is not None:
        reporter.note(
            f"{run.path / SPLIT} cannot be read ({damaged}), so this resume checked the data by its fingerprint only "
            "(the sources' names and loop counts), not for edits; it is written again from the data as read now",
            "warning",
        )
    if dist.is_main:
        run.path.mkdir(parents=True, exist_ok=True)
        with setup_writes(run, resuming):
            if not resuming:
                run.write_data_report(report.to_json())
            if not resuming or relocation or damaged is not None:
                run.write_split(list(train_set.sources), list(val_set.sources), report.content())
    if resuming and relocation:
        reporter.note(
            f"the run's data moved ({relocation.describe()}); config.toml and split.json now name its new place"
        )
    return train_set, val_set, fingerprint(train_set, val_set), cfg


@contextlib.contextmanager
def setup_writes(run: RunDir, resuming: bool) -> Iterator[None]:
    """Within the block, the writes that set ``run`` up before it trains (:func:`prepare_data`'s ``data_report.json``
    and ``split.json``, and :mod:`~mvae_core.session`'s ``config.toml``), a write the disk refuses
    (:class:`~mvae_core.files.WriteFailed`: a full disk, a folder made read-only or removed) ends as a
    :class:`~mvae_core.errors.RunFailed` (exit 1, as one during training) that says nothing was trained and what to do:
    free space (or fix the folder), then the same ``mvae train`` command again, or another folder for a new run; the
    resume again for one that is ``resuming``, whose checkpoint is untouched. ``__cause__`` is the
    :class:`~mvae_core.files.WriteFailed`."""
    try:
        yield
    except WriteFailed as exc:
        python, command_line = (
            _setup_refused(str(exc), run.steps(python=python), resuming) for python in (True, False)
        )
        raise RunFailed(python, run.path, command_line) from exc


def _setup_refused(refused: str, steps: Steps, resuming: bool) -> str:
    """What :func:`setup_writes` says of the write ``refused`` (``cannot write RUN/data_report.json: No space left on
    device``), naming the next step as ``steps`` name it."""
    fix = "free space (or fix the folder), then"
    if resuming:
        return f"{refused}; nothing was trained since its last checkpoint: {fix} {steps.resume}"
    return (
        f"{refused}; nothing was trained: {fix} run {steps.again} again, or choose another output directory "
        f"({steps.trainer_out})"
    )


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
        raise DataError(f"no loops to train on in {' '.join(data)}: {counted(len(report.entries), 'source')} read, "
                        f"none usable ({skip_reasons(report)}); {what_now}")  # fmt: skip
    try:
        return split_by_source(table, cfg.data, cfg.train.seed)
    except TooFewLoops as exc:
        raise DataError(f"no training possible: {exc}") from None


def _refuse_changed_split(
    run: RunDir, train_set: LoopSet, val_set: LoopSet, report: DataReport, relocation: Relocation
) -> None:
    """:class:`DataChanged` unless the split is the run's (``data_fingerprint``) and no file of it was edited (the
    content digests of ``report`` that ``split.json`` recorded), its sources compared under the names they had before a
    ``relocation``; the message says which files differ (a run without a fingerprint: not checked), or that the run
    trained on files in run folders of its data, which this mvae leaves out (:func:`_in_run_folders`)."""
    saved = run.read_provenance().get("data_fingerprint")
    if saved is None:
        return
    content = report.content()
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
        if said := _in_run_folders(run, changes, report, relocation):
            raise DataChanged(said)
        raise DataChanged(
            f"the data of {run.path} changed since the run started{moved} ({changes}); restore the files or start a "
            "new run"
        )


def _in_run_folders(run: RunDir, changes: SplitChanges, report: DataReport, relocation: Relocation) -> str | None:
    """Why ``run``'s split cannot be rebuilt when the files it lost are all inside folders ``report`` skipped as
    ``run folder`` (an mvae before that rule read them: loops generated into a run in the data folder); None when
    other files changed too."""
    folders = [entry["source"] for entry in report.entries if entry["reason"] == SkipReason.RUN_FOLDER.value]
    inside = tuple(relocation.saved_name(folder).rstrip(os.sep) + os.sep for folder in folders)
    if not changes.gone or changes.new or changes.edited or not all(name.startswith(inside) for name in changes.gone):
        return None
    return (
        f"{run.path} trained on {counted(len(changes.gone), 'MIDI file')} in run folders of its data "
        f"({listed(changes.gone)}), which this version of mvae leaves out as the runs' own output (run folder: "
        f"{listed(folders)}; docs/data.md#skip-reasons), so the run's split cannot be rebuilt; resume it with the mvae "
        "that started it, or start a new run"
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
    :raises ReadingRanOut: the memory ran out while the data was read or split (nothing written).
    """
    run = RunDir(Path(out))
    cfg, given = run.read_config(), data_arguments(data)
    check_paths(given)
    data = absolute_data(given)
    relocation = Relocation.between(run.read_data(), data)
    if relocation:
        with run.training_lock():
            with reading_memory(data, cfg.data, jobs, training=False, runs_data=True):
                table, report = load_dataset(data, cfg.data, jobs)
                train_set, val_set, _ = _split(table, report, cfg, data)
            _refuse_changed_split(run, train_set, val_set, report, relocation)
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
    :raises ReadingRanOut: the memory ran out while the data was read.
    """
    cfg, data = run.read_config(), run.read_data()
    with reading_memory(data, cfg.data, jobs, training=False, runs_data=True):
        table, report = load_dataset(data, cfg.data, jobs)
        if (split := run.read_split()) is None:
            return split_by_source(table, cfg.data, cfg.train.seed)[1]
        held_out = from_sources(table, set(split["validation"]))
    if edited := [name for name in run.edited_sources(report.content()) if name in set(split["validation"])]:
        raise run.said_both_ways(
            DataChanged,
            lambda steps: (
                f"{run.path}: {len(edited)} of its validation files changed since the run trained ({', '.join(edited)}"
                f"; {run.path / SPLIT} records their content); restore them, or evaluate the run on held-out data: "
                f"{steps.evaluate}"
            ),
        )
    if len(held_out) == 0:
        raise run.said_both_ways(
            DataError,
            lambda steps: (
                f"{run.path}: none of its {len(split['validation'])} validation files ({run.path / SPLIT}) gives a "
                f"loop in {' '.join(data)} any more; evaluate it on held-out data: {steps.evaluate}"
            ),
        )
    return held_out
