"""On-disk parse cache: no pickles (every entry loads with ``allow_pickle=False``); a damaged entry is a miss.

Two kinds of entry:

* **unit** entries (``.npz``), keyed by a unit's content hash + the parse settings but the window of pitch rows
  (:data:`~mvae_core.data.loops.WINDOW_SETTINGS`) + the format version: the unit's loop columns before the pitch
  rows (each note's MIDI pitch: :class:`~mvae_core.data.loops.PitchedLoops`) and a JSON string with its per-source
  outcomes. Adding or editing one file re-parses only that file; another window (``data.pitch_low = "auto"``
  choosing one, ``--set data.pitch_low=55``) re-parses none: the loader folds the notes into its rows.
* **set** entries (``sets/<key>/``, a :mod:`~mvae_core.data.table_store` directory), keyed by the ordered list of
  (unit label, unit key) + the window of pitch rows (``data.pitch_low = "auto"`` as given: such an entry keeps the
  number chosen beside its report entries, :func:`set_extra`) + ``min_onsets``: the finished :class:`NoteTable` and
  the report entries of a whole data set. An unchanged data set reloads memory-mapped, without reading its notes:
  the processes of a machine share one copy, and a set larger than memory trains. ``lineages/`` records the latest
  set entry of each data set (:func:`lineage_key`), so that a new one replaces the one before it
  (:meth:`ParseCache.retire_earlier`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from mvae_core.data.loops import WINDOW_SETTINGS, PitchedLoops
from mvae_core.data.sources import ParsedSource
from mvae_core.data.table import NoteTable
from mvae_core.data.table_store import OPEN_ERRORS, TableWriter, open_table, remove_abandoned
from mvae_core.files import atomic_write, compressed_zip_entry, reason

FORMAT_VERSION = 44  # 44: top-line and all leave out a part named like drums off channel 10, as auto does, and a
# merge's warning names the selector that takes one part; a file that is not MIDI is named when it is MP3, FLAC or
# Ogg audio, XML, a web page or text; 43: a drums-only file's detail names its parts after a colon, not in
# parentheses around theirs; 42: a MIDI file's "no 4/4 bar" detail ends with --set data.meter=4/4; 41: a note's
# program comes from program changes in any track (a type-1 file's setup track: its parts were all Acoustic Grand
# Piano); 40: a track's name is read with ß as ss (plain_text.plain: "E-Baß" is a
# bass part); 39: a zero-length note no longer hides two notes held together from mostly_chords (a choir
# read as a line); 38: auto's choice by program leaves out a part of mostly chords (a choir's pad) beside a
# part that plays a line (a synth lead), and its reason names the part left out; 37: auto takes the top line of several
# voices or leads alone (by program), and leaves a part named as no melody (Backing Vox, Synth Bass) out of its choice
# by program; 36: auto takes the top line of a band
# file's solo instruments alone when several are (no voice or lead; piano, bass and pads left out); 35: auto takes a
# band file's one solo instrument (sax, trumpet, flute, violin, …) when no voice or lead is there; its top line of
# several parts names the selector that takes one of them;
# 34: a unit entry holds its notes' MIDI pitches, not rows: any window reads it (no re-parse);
# 33: a source's loops count their notes per MIDI pitch (pitch_counts, the best pitch window);
# 32: "unaligned timing" blames busy lines, not fast solos (the dev set's flagged ones are slow);
# a file cut short before its first note says so first, and to get it whole again;
# 31: a file's zero-length melody notes are counted in a "zero-length notes" warning;
# 30: a zero-length note written note-off first (pretty_midi) is zero-length too; 29: an entry's meta is UTF-8 bytes (numpy kept text at 4 bytes a character); 28:
# corpus:essen reads tunes in whole 4/4 bars (2/2, 4/2, C|, …), skips others as "no 4/4 bar"; 27: a late end of track is not "too large"; 26: pickup also from long notes on beats 2 and 4;
# 25: a selector naming only a channel-10 part says why; 24: skipped chunks of one name are one warning; 23: no notes
# says what was recovered;
# 22: a file whose only track is cut before any event is corrupt; 21: drum names are whole words; 20: a DAW
# project's skip names it; 19: 0/x meters ignored;
# 18: name:TEXT ignores accents; 17: undecodable metas left out; 16: UTF-8 track names, accents dropped in name rules;
# 15: a drums-only file names its parts; 14: "one bar" warning; 13: a file without notes says what it holds; 12:
# drum-named parts off channel 10 are drums; 11: report entries name their file's content; 10: melody names by word
# beginnings; 9: length limit in beats; 8: zero-length and unended notes kept; 7: absurd-tempo detail; 6: SMPTE skip
# detail; 5: a type-0 file's song title chooses no part; 4: type-2 files' patterns one after another; 3: lenient SMF
# reading, melody, meters, warnings (diagnostics.py), keys of digests; 2: guards
SET_VERSION = 8  # of a set entry's report, over the whole set: 8: its extra is a table of the entries and the window
# "auto" chose (set_extra), one entry per "auto" read; 7: the table's files carry CRC-32s (table_store
# format 2; a format-1 entry would read as damaged); 6: "same notes" up to octaves (a transposed copy
# folded at other rows), "music_classes" digests; 5: a corpus's same-notes pair says nothing to do;
# 4: a used source's entry holds its "music" digest; 3: "same notes" also for transposed copies, and says they are one group of the split; 2: copies of skipped files keep
# its reason; 1: "same notes"
"""Part of every set entry's key with :data:`FORMAT_VERSION`: a change to what the report of a whole set holds (not
to one unit's parse) bumps it, so that old set entries are rebuilt from the unit entries without re-parsing a file."""
_NOTE_COLUMNS = {
    "loop": np.int32,
    "pitch": np.int16,
    "step": np.uint8,
    "velocity": np.int16,
    "duration": np.float32,
    "timeshift": np.float32,
}
"""The per-note columns of a unit entry (:class:`PitchedLoops`), with their types."""


def default_cache_dir() -> Path | None:
    """The parse cache's folder when ``data.cache_dir`` is unset: ``$MVAE_CACHE_DIR`` read as ``data.cache_dir`` is
    (surrounding spaces stripped, a leading ``~`` the home folder, ``none`` in any case: no cache, None), else
    ``$XDG_CACHE_HOME/mvae``, else ``~/.cache/mvae``. An empty (or blank) variable counts as unset, and so does an
    ``$XDG_CACHE_HOME`` that is not an absolute path (the XDG Base Directory specification: a relative one would put
    the cache in whatever folder mvae was started from)."""
    env = os.environ.get("MVAE_CACHE_DIR", "").strip()
    if env.lower() == "none":
        return None
    if env:
        return Path(env).expanduser()
    xdg = Path(os.environ.get("XDG_CACHE_HOME", "").strip() or ".")
    return (xdg if xdg.is_absolute() else Path.home() / ".cache") / "mvae"


def settings_key(parse_settings: dict[str, Any]) -> bytes:
    """The parse settings but the window of pitch rows (:data:`WINDOW_SETTINGS`: a unit entry holds MIDI pitches) and
    the format version as the bytes :func:`cache_key` hashes after a unit's content."""
    unit_settings = {name: value for name, value in parse_settings.items() if name not in WINDOW_SETTINGS}
    return json.dumps({"v": FORMAT_VERSION, **unit_settings}, sort_keys=True).encode()


def cache_key(digest: str, settings: bytes) -> str:
    """The key of a unit's entry: SHA-256 of its content digest (:func:`~mvae_core.data.digests.content_digest`)
    and of :func:`settings_key`."""
    return hashlib.sha256(digest.encode() + settings).hexdigest()


class ParseCache:
    """Get and put per-unit results. ``directory=None`` disables caching.

    What it creates inside its folder is as accessible as the folder itself, whatever the umask of the process that
    creates it (:func:`folder_modes`): a cache shared by several users (a folder they may all write, ``chmod 1777``
    or a group's ``2775``) stays shared, and an entry that another user's process cannot reach is a miss."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.npz"

    def _folder(self, name: str) -> tuple[int, int]:
        """Create the cache's folder and its subfolder ``name`` (when missing) with the modes of
        :func:`folder_modes`, which it returns.

        :raises OSError: the folder cannot be made or read."""
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        folder, entry = folder_modes(self.directory.stat().st_mode)
        try:
            (self.directory / name).mkdir()
        except FileExistsError:
            return folder, entry
        with contextlib.suppress(OSError):  # a file system without modes keeps its own
            os.chmod(self.directory / name, folder)  # mkdir applies the umask and drops the sticky bit
        return folder, entry

    def _read(self, key: str) -> dict[str, np.ndarray] | None:
        if self.directory is None:
            return None
        if compressed_zip_entry(self._path(key)):  # np.savez stores unpacked: a planted entry (a shared cache)
            return None
        try:
            with np.load(self._path(key), allow_pickle=False) as entry:
                return {name: entry[name] for name in entry.files}
        except (OSError, EOFError, ValueError, zipfile.BadZipFile):  # damaged entry = miss
            return None

    def _write(self, key: str, arrays: dict[str, np.ndarray]) -> None:
        if self.directory is None:
            return
        # A read-only or full cache only costs a re-parse next time; a failed write leaves no temporary behind.
        with contextlib.suppress(OSError):
            _, mode = self._folder(key[:2])
            atomic_write(self._path(key), lambda tmp: np.savez(tmp, **arrays), durable=False, mode=mode)

    def has(self, key: str) -> bool:
        """Whether unit entry ``key`` exists (it may still turn out damaged: :meth:`get` then returns ``None``); one in
        a folder this process may not search (another user's, made private by their umask) does not."""
        if self.directory is None:
            return False
        try:
            return self._path(key).exists()
        except OSError:
            return False

    def get(self, key: str) -> list[ParsedSource] | None:
        arrays = self._read(key)
        try:
            return None if arrays is None else _unpack(arrays)
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError):  # damaged, or JSON of a wrong shape
            return None

    def put(self, key: str, results: list[ParsedSource]) -> None:
        self._write(key, _pack(results))

    def get_set(self, key: str, chosen: bool = False) -> tuple[NoteTable, list[dict[str, Any]], int | None] | None:
        """The set entry ``key``: its table, memory-mapped, its report entries and the window ``"auto"`` chose
        (:func:`set_extra`; a number where ``chosen``, the entry of an ``"auto"`` read, else ``None``); ``None`` when
        absent or when this process may not read it (another user's private entry).

        :raises DamagedSetEntry: it is there but damaged (a miss too: rebuild it, and say so)."""
        if self.directory is None or not self._set_path(key).exists():
            return None
        try:
            table, extra = open_table(self._set_path(key))
        except PermissionError:
            return None
        except OPEN_ERRORS as exc:
            raise DamagedSetEntry(self._set_path(key), reason(exc)) from None
        extra = extra if isinstance(extra, dict) else {}
        entries = extra.get("entries")
        if not isinstance(entries, list):
            raise DamagedSetEntry(self._set_path(key), "its report is not a list")
        window = extra.get(CHOSEN)
        if not (type(window) is int if chosen else window is None):
            raise DamagedSetEntry(self._set_path(key), f"its chosen window is {window!r}")
        return table, entries, window

    def set_writer(self, key: str) -> TableWriter | None:
        """A writer for the set entry ``key`` (commit it with :func:`set_extra`); ``None`` when caching is off.

        :raises OSError: the cache cannot be written (read-only, full)."""
        if self.directory is None:
            return None
        _, entry = self._folder("sets")
        remove_abandoned(self.directory / "sets")
        return TableWriter(self._set_path(key), mode=entry | (entry & 0o444) >> 2)  # searchable where readable

    def _set_path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / "sets" / key

    def retire_earlier(self, lineage: str, key: str) -> None:
        """Record set entry ``key`` as the latest of its data set (:func:`lineage_key`: the same sources, read with
        the same settings) and remove the one recorded before it: an edited file, a newer format or a newer mvae
        makes a new entry, and each old one was a whole copy of the table (gigabytes for a large data set) that no
        read would find again. A process still reading the old entry keeps its map (POSIX unlinks only the name).
        Nothing is done when caching is off; a failure only leaves the old entry."""
        if self.directory is None:
            return
        record = self.directory / "lineages" / lineage  # beside sets/, which holds set entries alone
        with contextlib.suppress(OSError):
            earlier = record.read_text(encoding="utf-8").strip()
            if earlier != key and earlier.startswith("set-"):
                shutil.rmtree(self._set_path(earlier), ignore_errors=True)
        with contextlib.suppress(OSError):
            _, mode = self._folder(record.parent.name)
            atomic_write(record, lambda tmp: tmp.write_text(key, encoding="utf-8"), durable=False, mode=mode)


CHOSEN = "chosen_pitch_low"
"""The field of a set entry's ``extra`` that holds the window ``data.pitch_low = "auto"`` chose (:func:`set_extra`)."""


def set_extra(entries: list[dict[str, Any]], chosen_pitch_low: int | None) -> dict[str, Any]:
    """What a set entry keeps beside its table (``TableWriter.commit``'s ``extra``, read back by
    :meth:`ParseCache.get_set`): the report ``entries``, and the window ``"auto"`` chose (``None`` for a number
    given), since an ``"auto"`` entry's key holds ``"auto"``, not the number."""
    return {"entries": entries, CHOSEN: chosen_pitch_low}


class DamagedSetEntry(Exception):
    """A set entry that is there but cannot be used (:meth:`ParseCache.get_set`): ``notice`` is the line that tells
    the user it was rebuilt."""

    notice: str

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.notice = f"the parse cache's copy of this data set was damaged ({path}: {why}), so it was rebuilt"


def folder_modes(cache_mode: int) -> tuple[int, int]:
    """The permission bits of what a cache whose folder has ``cache_mode`` creates in it: ``(folder, entry)``.

    Its subfolders take the cache folder's bits, its sticky bit (where every user may add entries, only an entry's
    owner may replace or remove it) and set-group-ID bit (entries keep the folder's group) too; entries are read by
    whoever may read the cache folder and written by their owner alone. So a private cache (``0o700``) stays private, and one that a class shares is
    read and added to by all, also by those whose umask is ``077``."""
    folder = stat.S_IMODE(cache_mode) | stat.S_IRWXU
    return folder, stat.S_IRUSR | stat.S_IWUSR | (folder & (stat.S_IRGRP | stat.S_IROTH))


def lineage_key(labels: list[str], parse_settings: dict[str, Any], min_onsets: int) -> str:
    """What stays the same for a data set across edits of its files and versions of mvae: the names of its sources in
    order and the settings they are read with (:meth:`ParseCache.retire_earlier` keeps one set entry of each)."""
    blob = json.dumps({"sources": labels, "settings": parse_settings, "min_onsets": min_onsets}, sort_keys=True)
    return "lineage-" + hashlib.sha256(blob.encode()).hexdigest()


def set_key(unit_keys: list[tuple[str, ...]], parse_settings: dict[str, Any], min_onsets: int) -> str:
    """Key of a whole data set: its units in order (label and content key; a file read without one: its name and
    outcome), the window of pitch rows of ``parse_settings`` (:data:`WINDOW_SETTINGS`; the unit keys hold the
    others) and the loop filter."""
    rows = {name: parse_settings[name] for name in WINDOW_SETTINGS}
    blob = json.dumps(
        {"v": FORMAT_VERSION, "set": SET_VERSION, "units": unit_keys, "rows": rows, "min_onsets": min_onsets}
    )
    return "set-" + hashlib.sha256(blob.encode()).hexdigest()


def _pack(results: list[ParsedSource]) -> dict[str, np.ndarray]:
    meta: list[dict[str, Any]] = []  # per result: its outcome, and the sizes of its notes when it has them
    cols: dict[str, list[np.ndarray]] = {c: [] for c in (*_NOTE_COLUMNS, "seconds_per_step")}
    for r in results:
        meta.append({"name": r.name, "reason": r.reason, "detail": r.detail, "melody": r.melody,
                     "warnings": [list(w) for w in r.warnings]})  # fmt: skip
        if r.notes is not None:
            counters = {k: int(v) for k, v in r.notes.counters.items()}  # numpy ints are not JSON
            meta[-1].update(notes=len(r.notes.pitch), loops=r.notes.n_loops, counters=counters)
            meta[-1]["pitch_counts"] = r.notes.pitch_counts
            for c in cols:
                cols[c].append(getattr(r.notes, c))
    arrays = {c: np.concatenate(v) if v else np.zeros(0) for c, v in cols.items()}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)  # not np.str_: 4 bytes a character
    return arrays


def _unpack(arrays: dict[str, np.ndarray]) -> list[ParsedSource]:
    meta = json.loads(arrays["meta"].tobytes().decode())
    if not isinstance(meta, list):  # a dict would unpack as no sources
        raise ValueError("a unit entry's report is not a list")
    results, note_at, loop_at = [], 0, 0
    for m in meta:
        notes = None
        if m["reason"] is None:
            n, k = m["notes"], m["loops"]
            cols = {c: arrays[c][note_at : note_at + n].astype(dtype) for c, dtype in _NOTE_COLUMNS.items()}
            sps = arrays["seconds_per_step"][loop_at : loop_at + k].astype(np.float32)
            notes = PitchedLoops(**cols, seconds_per_step=sps, counters=m["counters"], pitch_counts=m["pitch_counts"])
            note_at, loop_at = note_at + n, loop_at + k
        warnings = [(kind, message) for kind, message in m["warnings"]]
        results.append(ParsedSource(m["name"], m["reason"], m["detail"], notes, m["melody"], warnings))
    return results
