"""Load DATA arguments into a :class:`NoteTable` plus a :class:`DataReport` of what was used or skipped.

An unchanged data set (same files in the same order, same settings) is one read from the parse cache. Otherwise
cached units are read from it and the rest are parsed (in worker processes when there are many) and written to
it. Bad input is skipped with a reason and counted, never raised.
Sources come in the order of their units (sorted within a folder) whether parsed or cached, so a warm cache
gives the same table and split as a cold one.

The parse cache holds each unit's notes before the pitch rows (their MIDI pitches); they are folded into the rows
of ``cfg`` after it (:func:`~mvae_core.data.sources.fold_source`), so another window parses no file again.

``data.pitch_low = "auto"`` (the default) is resolved here, from the data itself, before any table is built: every
unit's sources are read once (parsed, or from the parse cache), the notes in loops per MIDI pitch of the sources used
at a provisional window (:data:`PROVISIONAL_PITCH_LOW`) choose the window that folds the fewest
(:func:`~mvae_core.data.pitch_window.fewest_outside`), and one table is built at it, from the unit entries just
written (from memory for the units the cache does not hold: with it off, each file is parsed once). Its set entry is
keyed by the settings as given, ``"auto"`` and not the number, and keeps the number chosen: an unchanged data set read
again is one read, and the report names the window chosen (:attr:`DataReport.chosen_pitch_low`,
:meth:`DataReport.read_with`).
"""

from __future__ import annotations

import errno
import itertools
import multiprocessing
import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from mvae_core.config import AUTO_PITCH_LOW, DataConfig
from mvae_core.cores import cores
from mvae_core.data.cache import (
    DamagedSetEntry,
    ParseCache,
    cache_key,
    default_cache_dir,
    lineage_key,
    set_extra,
    set_key,
    settings_key,
)
from mvae_core.data.corpus import CORPORA, CORPUS_PREFIX
from mvae_core.data.digests import FileDigests, content_digest
from mvae_core.data.loops import LoopBlock, fold_into_rows
from mvae_core.data.pitch_window import MIDI_PITCHES, PitchWindow, fewest_outside, total_counts
from mvae_core.data.score import SkipFile, SkipReason
from mvae_core.data.sources import (
    MAX_UNIT_BYTES,
    ParsedSource,
    SourceResult,
    Unit,
    expand,
    fold_source,
    parse_unit,
    read_unit_bytes,
)
from mvae_core.data.table import MusicKey, NoteTable, TableBuilder, TablePart
from mvae_core.data.table_store import TableWriter
from mvae_core.data.tempo import tempo_summary
from mvae_core.errors import DataError, OptionError, ReadingRanOut, RunInterrupted
from mvae_core.files import reason
from mvae_core.signals import held_signals, interruption
from mvae_core.suggest import closest
from mvae_core.wording import counted

PARALLEL_MIN_UNITS = 32  # fewer small files: process start-up costs more than it saves ...
PARALLEL_MIN_BYTES = 1 << 20  # ... unless they are big (corpus:essen is 31 ABC files, 2.6 MB)
SAME_NOTES = "same notes"
"""The warning kind of a source whose loops hold the notes of a source before it, maybe transposed, by
:class:`~mvae_core.data.table.MusicKey`: the split keeps the two on one side (docs/data.md#warnings)."""
MUSIC_DIGESTS = ("music", "music_classes")
"""The fields of a used source's report entry that say what it is as music (:class:`MusicKey`'s ``digest`` and
``class_digest``, shortened): a source shares one with each of its copies; runs written before 2026-12-06 keep only
``music``."""
CONTENT_CHARS = 16  # of a file's SHA-256 in the report (and a run's split.json), and of a source's MusicKey digest
CHANGED_WHILE_READ = "it changed while mvae read it (its bytes are not those found a moment before); run again"
"""The ``unreadable`` detail of a file whose bytes, read to parse it, are not those whose digest was taken when the
data was found (the digest index gave it without reading the file): its notes are not cached under the old key."""


@dataclass
class DataReport:
    """Per-source outcomes (``entries``) and how many units came from the cache. ``cache_warning``: set when the
    parse cache's copy of the data set was damaged and rebuilt, or when the table could not be written to the parse
    cache and was built in memory instead (one line for the user: the cache folder, the error and what it costs);
    ``None`` otherwise."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    cached_units: int = 0
    parsed_units: int = 0
    seconds: float = 0.0  # the wall time of load_dataset: finding, reading (or parsing) and building the table
    cache_warning: str | None = None
    archives: list[str] = field(default_factory=list)  # found in the folders and not read (ARCHIVE_SUFFIXES)
    chosen_pitch_low: int | None = None  # the data.pitch_low "auto" chose; None when it was given as a number
    tempo: dict[str, Any] | None = None  # the loops' bpm (tempo.tempo_summary); None without a loop

    def read_with(self, cfg: DataConfig) -> DataConfig:
        """``cfg`` as the data of this report was read: ``pitch_low = "auto"`` replaced by the number chosen."""
        return cfg if self.chosen_pitch_low is None else cfg.with_pitch_low(self.chosen_pitch_low)

    @property
    def ok(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["status"] == "ok"]

    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.entries:
            if e["status"] == "skipped":
                counts[e["reason"]] = counts.get(e["reason"], 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def totals(self) -> dict[str, int]:
        """The counters summed over the used sources, like :meth:`warnings_by_kind`: a source skipped after its notes
        were counted (too few notes a loop) keeps its own counts in its entry, but its folded notes or bars in 3/4 are
        not in the data (the summary's rows say "in files used")."""
        keys = ("loops", "notes", "folded", "dropped", "collided", "other_meter_bars", "drum_notes", "left_out_notes")
        return {k: sum(int(e.get(k, 0)) for e in self.ok) for k in keys}

    def warnings_by_kind(self) -> dict[str, int]:
        """How many used sources got each kind of warning (docs/data.md#warnings): a skipped source's warnings are
        listed with it, but it is not part of the data."""
        counts: dict[str, int] = {}
        for e in self.ok:
            for kind in dict.fromkeys(w["kind"] for w in e.get("warnings", [])):
                counts[kind] = counts.get(kind, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def content(self) -> dict[str, str]:
        """The content digest of each used source's file, by source name (a run's ``split.json`` keeps them)."""
        return {e["source"]: e["content"] for e in self.ok if "content" in e}

    def music(self) -> dict[str, set[str]]:
        """The music digests of each used source, by source name (a run's ``data_report.json`` keeps them):
        ``music`` (its notes, a transposition aside: copies in other bytes share it) and ``music_classes`` (the same
        up to octaves: a transposed copy folded into the pitch rows at other places shares it)."""
        return {e["source"]: {e[k] for k in MUSIC_DIGESTS if k in e} for e in self.ok if "music" in e}

    def to_json(self) -> dict[str, Any]:
        return {
            "sources": len(self.entries),
            "ok": len(self.ok),
            "skipped": self.skipped_by_reason(),
            "totals": self.totals(),
            "warnings": self.warnings_by_kind(),
            "cached_units": self.cached_units,
            "parsed_units": self.parsed_units,
            "seconds": round(self.seconds, 3),
            "archives": self.archives,
            **({"chosen_pitch_low": self.chosen_pitch_low} if self.chosen_pitch_low is not None else {}),
            "tempo": self.tempo,
            "files": self.entries,
        }


def data_arguments(data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None) -> list[str]:
    """DATA as strings, as the Python API takes it: one path is one argument (not one per letter); ``None`` (data
    not given, which each caller reads its own way): ``[]``.

    :raises OptionError: naming ``data`` when it is not a path or a list of paths (``data=123``, ``data=0``), or an
        empty list (a glob that matched nothing; ``train`` read it as not given and trained on the bundled corpus)."""
    if data is None:
        return []
    given = [data] if isinstance(data, str | os.PathLike) else data
    if not isinstance(given, Sequence) or not all(isinstance(d, str | os.PathLike) for d in given):
        raise OptionError("data", f"takes a path or a list of paths (str or pathlib.Path), got {data!r}")
    if not given:
        raise OptionError(
            "data",
            f"is an empty list ({data!r}): a glob or a filter that found no file gives one; give at least one file, "
            "folder or corpus:NAME",
        )
    return [os.fspath(d) for d in given]


def absolute_data(data_args: list[str]) -> list[str]:
    """DATA as a run stores it (``[provenance] data``): absolute paths, so a resume from another folder finds them
    and runs compare by place; corpora as named."""
    return [d if d.startswith(CORPUS_PREFIX) else os.path.abspath(d) for d in data_args]


def check_paths(data_args: list[str]) -> None:
    """Every DATA argument but a corpus names something that exists: a typo is a :class:`DataError` naming the path,
    not an empty data set (files that exist but cannot be read are still skipped with a reason). It names the
    argument ``data`` for a Python caller and ``DATA`` on the command line."""
    for arg in data_args:
        if not arg.startswith(CORPUS_PREFIX) and not os.path.lexists(arg):
            name = arg[len(CORPUS_PREFIX) :]  # CORPUS:Essen is no corpus, but meant one
            corpus = arg.casefold().startswith(CORPUS_PREFIX) and closest(name, CORPORA)
            fix = f"did you mean {CORPUS_PREFIX}{corpus}?" if corpus else "check the path"
            missing = f"{arg}: no such file or folder (seen from {os.getcwd()}); {fix}"
            raise DataError(f"data {missing}", command_line=f"DATA {missing}")


ParseProgress = Callable[[int, int], None]
"""Called after each unit parsed now (not read from the cache) with how many are parsed and how many are to parse."""


def load_dataset(
    data_args: list[str], cfg: DataConfig, jobs: int | None = None, progress: ParseProgress | None = None
) -> tuple[NoteTable, DataReport]:
    """Read every source named by ``data_args``; see the module docstring. ``jobs``: worker processes for a first
    parse (``None``: the cores this process may use, :func:`~mvae_core.cores.cores`), at least 1
    (:class:`~mvae_core.errors.OptionError` otherwise). ``progress``: told of each unit parsed now (a first parse of
    thousands of files takes minutes). The report's ``seconds`` is how long it took, its ``tempo`` the loops' bpm
    (:func:`~mvae_core.data.tempo.tempo_summary`). ``cfg.pitch_low = "auto"``: read
    at the window that folds the fewest notes (the module docstring; the report's
    :attr:`~DataReport.chosen_pitch_low`)."""
    if jobs is not None and jobs < 1:
        raise OptionError("jobs", f"must be at least 1, got {jobs}")
    started = time.monotonic()
    table, report = _load(data_args, cfg, jobs, progress)
    report.tempo = tempo_summary(table)
    report.seconds = time.monotonic() - started
    return table, report


PROVISIONAL_PITCH_LOW = 48
"""The window whose used sources ``"auto"`` counts the pitches of, and which it prefers among windows that fold as few
notes: MIDI 48 (C3), mvae's fixed default before ``"auto"`` became it (2026-12-07), so data that those rows fold no
worse than any others keeps them."""


def provisional_pitch_low(cfg: DataConfig) -> int:
    """The window ``"auto"`` counts the pitches of the data at: :data:`PROVISIONAL_PITCH_LOW`, lowered where
    ``pitch_classes`` rows would pass MIDI 127. Of windows that fold as few notes, the one nearest it is chosen."""
    return min(PROVISIONAL_PITCH_LOW, MIDI_PITCHES - cfg.pitch_classes)


@dataclass
class _Found:
    """The units of DATA and what was learnt of them without parsing (:func:`_find`): ``results``, the paths that gave
    no unit (``expand``'s skipped); each readable unit's content ``digests``, its parse-cache ``keys`` and the bytes
    ``read`` now (a file whose digest was known is not read); ``skipped``, the results of the units that cannot be
    used, by unit (unreadable, too large, a duplicate; a unit found unreadable or changed when its bytes are read to
    parse it is added, its key and digest dropped). ``changed``: a unit could not be read as found while a table was
    being built from it, so the set key taken before does not describe that table."""

    units: list[Unit]
    results: list[SourceResult]
    archives: list[Path]
    digests: dict[Unit, str]
    read: dict[Unit, bytes]
    skipped: dict[Unit, list[SourceResult]]
    keys: dict[Unit, str]
    changed: bool = False

    def set_keys(self, cfg: DataConfig) -> tuple[str, str]:
        """The key of this data set's set entry read with ``cfg`` and the key of its lineage
        (:func:`~mvae_core.data.cache.set_key`, :func:`~mvae_core.data.cache.lineage_key`), from the settings as
        given (:func:`_settings_as_given`): an ``"auto"`` read finds its set entry without knowing the window."""
        labelled: list[tuple[str, ...]] = [(unit.label, key) for unit, key in self.keys.items()]
        # the files read without a key (unreadable, too large, a duplicate) by their outcome: the same set while they
        # stay as they are, another once one of them changes
        unused: list[tuple[str, ...]] = [
            (r.name, r.reason or "", r.detail) for r in itertools.chain(self.results, *self.skipped.values())
        ]
        settings = _settings_as_given(cfg)
        labels = [unit.label for unit in self.units] + [name for name, *_ in unused]
        return set_key(labelled + unused, settings, cfg.min_onsets), lineage_key(labels, settings, cfg.min_onsets)


def _settings_as_given(cfg: DataConfig) -> dict[str, Any]:
    """``cfg``'s parse settings (:meth:`~mvae_core.config.DataConfig.parse_key`) with ``pitch_low`` as given: a number,
    or ``"auto"``, which the units and the other settings decide (the other settings read at
    :func:`provisional_pitch_low`)."""
    if cfg.pitch_low != AUTO_PITCH_LOW:
        return cfg.parse_key()
    return cfg.with_pitch_low(provisional_pitch_low(cfg)).parse_key() | {"pitch_low": AUTO_PITCH_LOW}


def _find(data_args: list[str], cfg: DataConfig) -> _Found:
    """DATA's units and their digests and cache keys (:class:`_Found`); nothing is parsed."""
    units, results, archives = expand(data_args)
    digests, read, skipped = _content_digests(units, _cache_dir(cfg))
    settings = settings_key(_settings_as_given(cfg))  # without the window: a unit entry holds MIDI pitches
    keys = {unit: cache_key(digest, settings) for unit, digest in digests.items()}
    return _Found(units, results, archives, digests, read, skipped, keys)


def _load(
    data_args: list[str], cfg: DataConfig, jobs: int | None, progress: ParseProgress | None
) -> tuple[NoteTable, DataReport]:
    """:func:`load_dataset`'s work, untimed: the set entry of DATA read with ``cfg`` when the parse cache holds it;
    else every unit's sources (:func:`_sources_in_order`) folded into the rows of ``cfg`` or, for ``"auto"``, of the
    window their pitches choose (:func:`_chosen_window`), built into one table (:func:`_build`)."""
    found = _find(data_args, cfg)
    cache = ParseCache(_cache_dir(cfg))
    report = DataReport(archives=[str(path) for path in found.archives])
    whole, lineage = found.set_keys(cfg)
    try:
        hit = cache.get_set(whole, chosen=cfg.pitch_low == AUTO_PITCH_LOW)
    except DamagedSetEntry as damaged:  # rebuilt below, and replaced in the cache when written
        hit, report.cache_warning = None, damaged.notice
    if hit is not None:
        table, report.entries, report.chosen_pitch_low = hit
        report.cached_units = len(found.keys)
        return table, report

    skipped_before = len(found.skipped)
    uncached = _read_uncached(found, cache)
    if len(found.skipped) > skipped_before:  # a file changed (or went) since it was found: the set is another
        whole, lineage = found.set_keys(cfg)
    if cfg.pitch_low != AUTO_PITCH_LOW:
        sources = partial(_sources_in_order, found, uncached, cache, cfg, jobs, report, progress)  # parsed as built
        return _build(found, sources, cfg, cache, whole, lineage, report), report
    provisional = cfg.with_pitch_low(provisional_pitch_low(cfg))
    sources_once = _sources_in_order(found, uncached, cache, provisional, jobs, report, progress)
    kept, counts = _read_all(sources_once, found, cache, provisional)
    report.chosen_pitch_low = _chosen_window(counts, cfg).pitch_low
    sources = partial(_sources_again, found, kept, cache, provisional, report)
    return _build(found, sources, cfg.with_pitch_low(report.chosen_pitch_low), cache, whole, lineage, report), report


UnitSources = Generator[tuple[Unit, list[ParsedSource] | None], None, None]
"""Each unit in order with its sources before the pitch rows; ``None`` for a unit that cannot be used (its results
are :class:`_Found`'s ``skipped``)."""


def _read_all(
    sources: UnitSources, found: _Found, cache: ParseCache, provisional: DataConfig
) -> tuple[dict[Unit, list[ParsedSource]], dict[int, int]]:
    """Read every unit's ``sources`` once (parsing those the cache lacks), for ``"auto"`` to choose its window before
    any table is built. Returns the sources the parse cache does not hold (it is off, or could not write them), kept
    in memory so that no file is parsed twice, and the notes in loops per MIDI pitch of the sources used at the
    ``provisional`` window (:func:`_used_at`), as their report entries there would sum them."""
    kept: dict[Unit, list[ParsedSource]] = {}
    used: list[dict[str, int]] = []
    with closing(sources):
        for unit, parsed in sources:
            if parsed is None:
                continue
            if not cache.has(found.keys[unit]):
                kept[unit] = parsed
            used += [source.notes.pitch_counts for source in parsed if _used_at(source, provisional)]
    return kept, total_counts(used)


def _used_at(source: ParsedSource, cfg: DataConfig) -> bool:
    """Whether ``source`` is used read at ``cfg``'s window (its report entry ``ok``): it has a loop there with at
    least ``min_onsets`` notes, once folded (or dropped) and their collisions removed (:func:`_feed`'s rule)."""
    if source.notes is None:
        return False
    return TablePart.of(fold_into_rows(source.notes, cfg), cfg.min_onsets).loops > 0


def _chosen_window(counts: dict[int, int], cfg: DataConfig) -> PitchWindow:
    """The window of ``cfg.pitch_classes`` rows that folds (or drops) the fewest of ``counts``, the one nearest
    :func:`provisional_pitch_low` of those that fold as few."""
    return fewest_outside(counts, cfg.pitch_classes, prefer=provisional_pitch_low(cfg))


def _sources_again(
    found: _Found, kept: dict[Unit, list[ParsedSource]], cache: ParseCache, cfg: DataConfig, report: DataReport
) -> UnitSources:
    """The units' sources again after :func:`_read_all`: those it ``kept``, the others read from the parse cache
    (counted there already); an entry damaged since is parsed again and counted (:func:`_parse_one`)."""
    for unit in found.units:
        if unit in found.skipped:
            yield unit, None
        elif unit in kept:
            yield unit, kept[unit]
        elif (cached := cache.get(found.keys[unit])) is not None:
            yield unit, _renamed(cached, unit)
        else:
            yield unit, _parse_one(unit, found, cache, cfg, report)


def _build(
    found: _Found,
    sources: Callable[[], UnitSources],
    cfg: DataConfig,
    cache: ParseCache,
    whole: str,
    lineage: str,
    report: DataReport,
) -> NoteTable:
    """The table of the units' ``sources`` (called once, or again when the set entry ``whole`` cannot be written)
    folded into ``cfg``'s pitch rows, their outcomes in ``report``: written to the parse cache as set entry ``whole``
    (the latest of ``lineage``), or, with the cache off or unwritable, built in memory (the latter said in
    ``report.cache_warning``, the units counted again)."""
    counted = report.parsed_units, report.cached_units
    try:
        writer = cache.set_writer(whole)
        if writer is not None:
            with writer, closing(sources()) as units:
                _feed(found.results, _in_rows(units, found, cfg), writer, cfg.min_onsets, report)
                if found.changed:  # not kept under a key that names the files' content before they changed
                    raise _KeyOutdated
                table = writer.commit(set_extra(report.entries, report.chosen_pitch_low))
            cache.retire_earlier(lineage, whole)
            return table
    except (_KeyOutdated, OSError) as exc:  # a file changed, or the cache's disk is full, read-only or went away
        report.entries.clear()
        report.parsed_units, report.cached_units = counted
        if isinstance(exc, OSError):
            report.cache_warning = (
                (f"{report.cache_warning}; " if report.cache_warning else "")
                + f"the data set cannot be written to the parse cache {cache.directory} ({reason(exc)}), so it is "
                "held in memory: every process (each torchrun rank, each ablation run) keeps its own copy, and data "
                f"larger than memory does not fit; {_cache_fix(exc)}"
            )
    builder = TableBuilder()
    with closing(sources()) as units:
        _feed(found.results, _in_rows(units, found, cfg), builder, cfg.min_onsets, report)
    return builder.finish()


def _cache_fix(exc: OSError) -> str:
    """What to do about a parse cache that cannot be written, by ``exc``'s errno: free space for a full disk or quota,
    make it writable for a refusal, otherwise (a file in the way of its folder, the folder gone) choose another."""
    elsewhere = "choose another folder (data.cache_dir, MVAE_CACHE_DIR)"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free space there or {elsewhere}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"make it writable or {elsewhere}"
    return elsewhere


class _KeyOutdated(Exception):
    """:func:`_build`'s signal that a unit changed while its table was built (:attr:`_Found.changed`): the table is
    built in memory instead of under a set key of the content found before."""


def _in_rows(sources: UnitSources, found: _Found, cfg: DataConfig) -> Iterator[list[SourceResult]]:
    """Each unit's results: its ``sources`` folded into ``cfg``'s pitch rows (:func:`fold_source`), each carrying its
    unit's content digest, or its skipped results."""
    for unit, parsed in sources:
        if parsed is None:
            yield found.skipped[unit]
            continue
        results = [fold_source(source, cfg) for source in parsed]
        for result in results:
            result.content = found.digests[unit]
        yield results


def _feed(
    skipped: list[SourceResult],
    units: Iterator[list[SourceResult]],
    builder: TableBuilder | TableWriter,
    min_onsets: int,
    report: DataReport,
) -> None:
    """Add the sources to ``builder`` one at a time (first those ``expand`` skipped, then each unit's), recording
    each in ``report``; a source with the same notes as one before it gets a :data:`SAME_NOTES` warning."""
    first_with: dict[str, tuple[str, MusicKey]] = {}  # class digest -> the first source with that music, its key
    unused: dict[str, dict[str, Any]] = {}  # the entries of skipped sources, by name
    for result in itertools.chain(skipped, itertools.chain.from_iterable(units)):
        kept = builder.add(result.name, result.block, min_onsets) if result.block is not None else (0, 0)
        key = TablePart.of(result.block, min_onsets).music_key() if kept[0] else None
        if key is not None:
            twin, twin_key = first_with.setdefault(key.class_digest, (result.name, key))
            if twin != result.name:
                octaves_apart = key.digest != twin_key.digest  # the same pitch classes only: folded at other rows
                said = same_notes_message(twin, key.first_row - twin_key.first_row, octaves_apart)
                result.warnings.append((SAME_NOTES, said))
        if (original := unused.get(result.twin)) is not None:
            _skipped_as_original(result, original)
        entry = _entry(result, *kept, min_onsets)
        if key is not None:  # what the source is as music, to find its copies in other data (a held-out set)
            entry["music"], entry["music_classes"] = key.digest[:CONTENT_CHARS], key.class_digest[:CONTENT_CHARS]
        if entry["status"] == "skipped":
            unused[result.name] = entry
        report.entries.append(entry)


def _skipped_as_original(copy: SourceResult, original: dict[str, Any]) -> None:
    """A byte-identical copy of a skipped file is skipped for the same reason, so that the counts per reason count
    every such file (ten empty files are ``empty file: 10``, not one and nine duplicates)."""
    copy.reason = original["reason"]
    copy.detail = f"the same bytes as {copy.twin}" + (f": {original['detail']}" if original.get("detail") else "")


def same_notes_message(twin: str, semitones: int = 0, octaves_apart: bool = False) -> str:
    """The :data:`SAME_NOTES` warning of a source whose loops hold the notes of ``twin``'s, ``semitones`` higher, or
    (``octaves_apart``) the same pitch classes ``semitones`` (modulo 12) higher, some notes an octave apart where the
    pitch rows fold them; it says to delete one of them unless they are a corpus's tunes (``corpus:essen`` holds such
    pairs)."""
    if octaves_apart:
        up = semitones % 12
        moved = f"transposed by {up} semitone{'s' * (up > 1)} up or {12 - up} down, " if up else ""
        what = (
            f"the same notes {moved}up to octaves (pitch class, step and velocity of each: folding into data's pitch "
            "rows moves some by an octave) as"
        )
    elif semitones == 0:
        what = "the same notes (pitch, step and velocity of each) as"
    else:
        what = (
            f"the same notes {abs(semitones)} semitone{'s' if abs(semitones) > 1 else ''} "
            f"{'higher' if semitones > 0 else 'lower'} (step and velocity of each) as"
        )
    if twin.startswith(CORPUS_PREFIX):  # a collection's own tune twice: nothing the user could delete
        why, advice = "one tune twice in the collection", "nothing to do"
    else:
        why, advice = (
            "a re-saved, converted or transposed copy, or one tune twice",
            "delete one of the two if that is not meant",
        )
    return (
        f"{what} {twin} ({why}): both are used, as one group of the train/validation split (always on the same side, "
        f"so validation never scores loops the model trained on), and its loops count twice; {advice}"
    )


def _read_uncached(found: _Found, cache: ParseCache) -> dict[Unit, bytes]:
    """The bytes of the units whose unit entry the parse cache lacks (:func:`_bytes_as_found`). A unit that cannot
    be read now, or changed since it was found, moves to ``found.skipped`` with its key and digest dropped, so that a
    set key taken after this says it was skipped."""
    uncached = {}
    for unit, key in list(found.keys.items()):
        if cache.has(key):
            continue
        try:
            uncached[unit] = _bytes_as_found(unit, found)
        except SkipFile as skip:
            found.skipped[unit] = [SourceResult(unit.label, skip.reason.value, skip.detail)]
            del found.keys[unit], found.digests[unit]
    return uncached


def _bytes_as_found(unit: Unit, found: _Found) -> bytes:
    """The bytes of ``unit`` whose digest :func:`_find` took: those it read, else the file's now, checked against that
    digest (the digest index gave it without reading the file).

    :raises SkipFile: ``unreadable``: the file cannot be read now, or it changed since (:data:`CHANGED_WHILE_READ`):
        its new notes must never be cached under the old content's key."""
    if unit in found.read:
        return found.read[unit]
    data = read_unit_bytes(unit.path)
    if content_digest(data) != found.digests[unit]:
        raise SkipFile(SkipReason.UNREADABLE, CHANGED_WHILE_READ)
    return data


def _sources_in_order(
    found: _Found,
    uncached: dict[Unit, bytes],
    cache: ParseCache,
    cfg: DataConfig,
    jobs: int | None,
    report: DataReport,
    progress: ParseProgress | None = None,
) -> UnitSources:
    """Each unit's sources before the pitch rows in unit order, one unit at a time: from its cache entry when there is
    one, else parsed with ``cfg`` from its bytes in ``uncached`` (:func:`_read_uncached`; all of those in worker
    processes when there are many) and written to the cache. Counts both in ``report``."""
    unparsed = {unit: data for unit, data in uncached.items() if not cache.has(found.keys[unit])}
    parsed = _parse_all(unparsed, cfg, jobs)
    for unit in found.units:
        if unit in found.skipped:
            yield unit, None
        elif unit in unparsed:
            sources = next(parsed)
            cache.put(found.keys[unit], sources)
            report.parsed_units += 1
            if progress is not None:
                progress(report.parsed_units, len(unparsed))
            yield unit, sources
        elif (cached := cache.get(found.keys[unit])) is not None:
            report.cached_units += 1
            yield unit, _renamed(cached, unit)
        else:  # damaged since it was found: parse it here
            yield unit, _parse_one(unit, found, cache, cfg, report)


def _parse_one(unit: Unit, found: _Found, cache: ParseCache, cfg: DataConfig, report: DataReport) -> list[ParsedSource]:
    """Parse ``unit`` in this process (its cache entry turned out damaged) and cache the results. A unit that cannot
    be read as found (:func:`_bytes_as_found`) is skipped, and ``found.changed`` set."""
    try:
        data = _bytes_as_found(unit, found)
    except SkipFile as skip:
        found.changed = True
        return [ParsedSource(unit.label, skip.reason.value, skip.detail)]
    results = parse_unit(unit, data, cfg)
    cache.put(found.keys[unit], results)
    report.parsed_units += 1
    return results


def _content_digests(
    units: list[Unit], cache_dir: Path | None
) -> tuple[dict[Unit, str], dict[Unit, bytes], dict[Unit, list[SourceResult]]]:
    """Each readable unit's content digest, the bytes of those read now and skipped results (unreadable, too large,
    duplicate). A file whose ``stat`` signature matches :class:`FileDigests` is not read;
    byte-identical copies (the same digest) are one source: the later ones are skipped as ``duplicate``, so a copy
    never lands on both sides of the split."""
    known = FileDigests(cache_dir)
    digests: dict[Unit, str] = {}
    read: dict[Unit, bytes] = {}
    skipped: dict[Unit, list[SourceResult]] = {}  # results stay in unit order, cached or not (stable split)
    first_with: dict[str, Unit] = {}
    for unit in units:
        info = _regular_file(unit.path)
        digest = known.get(unit.path, info) if info is not None else None
        if digest is None:
            try:
                read[unit] = read_unit_bytes(unit.path)
            except SkipFile as skip:
                skipped[unit] = [SourceResult(unit.label, skip.reason.value, skip.detail)]
                continue
            digest = content_digest(read[unit])
            if info is not None:
                known.put(unit.path, info, digest)
        if digest in first_with:
            detail = f"the same bytes as {first_with[digest].label}"
            skipped[unit] = [
                SourceResult(unit.label, SkipReason.DUPLICATE.value, detail, twin=first_with[digest].label)
            ]
            read.pop(unit, None)
            continue
        first_with[digest] = unit
        digests[unit] = digest
    known.save()
    return digests, read, skipped


def _regular_file(path: Path) -> os.stat_result | None:
    """``stat`` of ``path`` when it is a regular file within the size limit; ``None`` otherwise (it is then read, and
    :func:`read_unit_bytes` says why it cannot be used)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_UNIT_BYTES else None


def _renamed(results: list[ParsedSource], unit: Unit) -> list[ParsedSource]:
    """Cache entries are keyed by content, so they carry the names of wherever that content was first parsed."""
    for r in results:
        _, sep, tune = r.name.partition("#") if unit.kind == "abc" else ("", "", "")
        r.name = unit.label + sep + tune
    return results


def reading_stopped(signum: int, cfg: DataConfig, training: bool) -> RunInterrupted:
    """The :class:`RunInterrupted` of a stop by ``signum`` while :func:`load_dataset` reads with ``cfg``: ``interrupted
    while reading data``, ``; nothing was trained`` for a command that trains (``training``), and what the parse cache
    keeps for the next run (:func:`parse_kept`)."""
    nothing = "; nothing was trained" if training else ""
    return RunInterrupted(f"{interruption(signum)} while reading data{nothing}{parse_kept(cfg)}", signum)


@contextmanager
def reading_memory(
    data: Sequence[str], cfg: DataConfig, jobs: int | None, training: bool, runs_data: bool = False
) -> Iterator[None]:
    """Within the block (``data`` read with ``cfg`` and ``jobs`` parse workers, and split), the memory running out
    (a :class:`MemoryError`, numpy's too) ends as :class:`ReadingRanOut`, saying ``nothing was trained`` for a
    command that trains (``training``). ``runs_data``: ``data`` is a trained run's (its split read again, or its
    validation loops), which fewer files would not give, so the message does not advise them."""
    try:
        yield
    except MemoryError as exc:
        raise _ran_out(exc, data, cfg, jobs, training, runs_data) from exc


def _ran_out(
    exc: MemoryError, data: Sequence[str], cfg: DataConfig, jobs: int | None, training: bool, runs_data: bool
) -> ReadingRanOut:  # fmt: skip
    """:func:`reading_memory`'s error: what ran out, reading what, what the parse cache keeps (:func:`parse_kept`),
    and what needs less memory: fewer files (not of a run's data, ``runs_data``), fewer parse workers (each a process
    of its own), the parse cache (the set is kept memory-mapped there; without it, in memory)."""
    kept = parse_kept(cfg)
    said = f"ran out of memory while reading {' '.join(data)} ({reason(exc)}){'; nothing was trained' * training}{kept}"
    cache = "" if kept else (
        "; or turn the parse cache on (data.cache_dir, MVAE_CACHE_DIR): it keeps the data set memory-mapped, where "
        "without it the set is held in memory"
    )  # fmt: skip

    fewer = "" if runs_data else " or give fewer files"

    def advice(jobs_option: str) -> str:
        workers = (
            "" if jobs == 1 else f", or parse with fewer worker processes ({jobs_option}; each is a process of its own)"
        )
        return f"{said}; free memory (another program may hold it){fewer}{workers}{cache}"

    return ReadingRanOut(advice("jobs=1"), command_line=advice("--jobs 1"))


def parse_kept(cfg: DataConfig) -> str:
    """What a stop while :func:`load_dataset` reads leaves for the next run, as a clause to end the ``stopped:`` line
    with: with the parse cache on, each file is kept there as it is parsed, so the next run goes on from there; with
    it off, nothing (``""``)."""
    if _cache_dir(cfg) is None:
        return ""
    return "; the files parsed so far are in the parse cache, so the next run starts from there"


def _cache_dir(cfg: DataConfig) -> Path | None:
    if cfg.cache_dir is None:
        return default_cache_dir()
    return None if str(cfg.cache_dir).lower() == "none" else cfg.cache_dir


def _parse_all(contents: dict[Unit, bytes], cfg: DataConfig, jobs: int | None) -> Iterator[list[ParsedSource]]:
    """Each unit's parse results, in the order of ``contents``, as they come."""
    items = list(contents.items())
    workers = min(jobs or cores(), len(items))
    big = len(items) >= PARALLEL_MIN_UNITS or sum(len(data) for _, data in items) >= PARALLEL_MIN_BYTES
    if workers < 2 or not big:
        yield from (parse_unit(unit, data, cfg) for unit, data in items)
        return
    # spawn: workers never inherit a forked copy of torch's thread pools; they ignore Ctrl-C and a hang-up, the
    # parent handles them
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
    try:
        with _caller_script_hidden(), _interrupts_held():  # map() starts every worker
            results = pool.map(parse_unit, *zip(*items, strict=True), [cfg] * len(items), chunksize=1)
        yield from results
    except BaseException:
        end_workers(pool)
        raise
    pool.shutdown()


def end_workers(pool: ProcessPoolExecutor) -> None:
    """End ``pool``'s worker processes at once, busy or not, and wait until they and the pool's manager thread have
    ended: on a stop (Ctrl-C, SIGTERM) or an error, where ``shutdown(wait=False)`` left them parsing, and the
    interpreter's exit then waited for them in ``concurrent.futures``' exit hook (where a later signal raised, and the
    process hung on a worker that never got its end). ``shutdown`` alone lets each worker finish its file first. A
    further signal meanwhile is held until they have ended (:func:`~mvae_core.signals.held_signals`)."""
    with held_signals():
        for process in list((pool._processes or {}).values()):  # no public way before Python 3.14's terminate_workers
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _caller_script_hidden() -> Iterator[None]:
    """Start spawned workers without the caller's script: they need only mvae's modules, and a spawned process
    otherwise re-runs ``__main__``'s file (``python script.py``) or module (``python -m script``), which breaks a
    script that calls ``mvae_core.train`` at top level (no ``if __name__ == "__main__"`` guard) and slows every
    start. The script's path and module spec are put back at once."""
    main = sys.modules.get("__main__")
    hidden = {name: getattr(main, name) for name in ("__file__", "__spec__") if getattr(main, name, None) is not None}
    if "__file__" in hidden:
        del main.__file__
    if "__spec__" in hidden:
        main.__spec__ = None  # multiprocessing reads a module's name from its spec when there is one
    try:
        yield
    finally:
        for name, value in hidden.items():
            setattr(main, name, value)


WORKERS_IGNORE = (signal.SIGINT, *((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()))
"""What parse workers ignore: Ctrl-C and a hang-up (a closed terminal signals every process of its group) are the
parent's to handle: it stops the pool and says so once, instead of each worker and Python's resource tracker dying
with tracebacks of their own."""


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Block :data:`WORKERS_IGNORE` in this thread while it starts worker processes: they inherit the blocked signals
    through exec and keep them pending until :func:`_ignore_interrupts` discards them, so a terminal's Ctrl-C during
    their imports prints no KeyboardInterrupt traceback per worker. Here they arrive once the block ends (POSIX;
    elsewhere a no-op)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(WORKERS_IGNORE))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _ignore_interrupts() -> None:
    """A worker's initializer: it ignores :data:`WORKERS_IGNORE`; one pending since the worker started
    (:func:`_interrupts_held`) is discarded."""
    for signum in WORKERS_IGNORE:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, set(WORKERS_IGNORE))


def _sparse_detail(block: LoopBlock, min_onsets: int) -> str:
    """Why ``block`` gave no loop under ``min_onsets``: its loops, the fullest one's notes, and the setting that would
    take that loop (a folder of short clips was otherwise skipped with no way out named)."""
    fullest = int(np.bincount(block.loop).max())
    return (
        f"{counted(block.n_loops, 'loop')}, none with >= {min_onsets} notes; the fullest has {fullest}: to use loops "
        f"this sparse, lower data.min_onsets (--set data.min_onsets={fullest})"
    )


def _no_loop_detail(counters: dict[str, int]) -> str:
    """Why a source parsed into no loop at all, from its counters: its melody notes fall in no complete 4/4 loop
    (bars in other meters, a 4/4 region shorter than a loop), or ``data.out_of_range = "drop"`` removed every note
    in its loops (a flute part above the rows said ``0 notes outside complete 4/4 loops``)."""
    outside, dropped = counters.get("outside_loops", 0), counters.get("dropped", 0)
    said = []
    if outside:
        bars = counters.get("other_meter_bars", 0)
        where = f" ({bars} bar{'s' * (bars != 1)} not in 4/4)" if bars else ""
        said.append(
            f"{outside} of its {counters.get('notes_in_file', 0)} melody notes fall in no complete 4/4 loop{where}"
        )
    if dropped:
        said.append(
            f"{dropped} note{'s' * (dropped != 1)} in loops are outside the pitch rows, which data.out_of_range = drop "
            "removes: fold them into the rows (--set data.out_of_range=fold) or move the rows (data.pitch_low)"
        )
    return "; ".join(said) or "no note falls into a loop"


def _entry(result: SourceResult, loops: int, notes: int, min_onsets: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"source": result.name, "status": "ok", "reason": None, "detail": result.detail}
    entry.update({k: int(v) for k, v in result.counters.items()})
    if result.melody:
        entry["melody"] = result.melody
    if result.content:
        entry["content"] = result.content[:CONTENT_CHARS]
    if result.warnings:
        entry["warnings"] = [{"kind": kind, "message": message} for kind, message in result.warnings]
    if result.block is not None:
        entry["pitch_counts"] = result.block.pitch_counts
    if result.block is not None and loops == 0:
        entry["reason"] = SkipReason.NO_LOOPS.value
        entry["detail"] = _sparse_detail(result.block, min_onsets)
    elif result.block is None:
        entry["reason"] = result.reason
        if result.reason == SkipReason.NO_LOOPS.value:  # parsed, but no loop at all: the counters say why
            entry["detail"] = _no_loop_detail(result.counters)
    if entry["reason"] is not None:
        entry["status"] = "skipped"
    entry["loops"], entry["notes"] = loops, notes
    return entry
