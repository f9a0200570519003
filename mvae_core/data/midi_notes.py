"""The notes, tempo map, time signatures and parts of a MIDI file's tracks, in ticks.

Notes are paired as pretty_midi pairs them, except that pretty_midi drops the two kinds of note a DAW shows: per
track, channel and pitch, a note-on with velocity > 0 opens a note, and a note-off (or note-on with velocity 0)
closes every open note of that key that did not start at the same tick (a DAW that writes a repeated note's new
note-on before the old note-off keeps the new note); when every open note of the key started at that tick, the
note-off ends them there (a **zero-length** note: its onset counts, its duration is 0). The same note written
note-off first (pretty_midi's order for a zero-length note: a note-off that ends nothing, then the note-on on that
tick) is zero-length too when it gets no note-off of its own: when the note-off that would end it also ends a later
note of the key, is followed by a note-on of the key on its tick (that note's, written first), or when none comes.
A note-off that ends nothing before a note that its own note-off ends later (a reset at the start of a file)
changes nothing. A note never closed is held to the end of its track and marked
:attr:`FileNotes.unended`. Each note keeps its track, its channel and the
program its channel had when it started (:class:`ChannelPrograms`).

Program changes are read from **every** track too: a type-1 file's tracks play at once on 16 shared channels, and a
setup (conductor) track often holds every part's program change (pretty_midi reads each track's own alone, so such a
file is all Acoustic Grand Piano). A note takes its channel's latest change at or before its start tick, in any track;
at one tick, a change in the note's own track (written before its note-on) wins over other tracks', and among other
tracks' the later track's wins, as for tempo. A type-2 file's patterns come here as one track (:mod:`.smf`), in order.

Tempo changes and time signatures are read from **every** track, as the SMF spec allows them anywhere (pretty_midi
reads only the first track); at one tick the event of the later track wins. Channel 10 (index 9) is the General
MIDI drum channel.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import mido
import numpy as np

DRUM_CHANNEL = 9
DEFAULT_TEMPO = 500_000  # microseconds per beat: 120 bpm, the SMF default before any tempo event


@dataclass
class Part:
    """The notes of one track on one channel: what melody selection chooses from."""

    track: int  # index in the file, from 0
    channel: int  # from 0 (channel 10 of the GM standard is 9)
    name: str  # the track's name ("" when it has none)
    program: int  # GM program from 0, of the part's first note
    notes: int

    @property
    def is_drum(self) -> bool:
        return self.channel == DRUM_CHANNEL

    def label(self) -> str:
        """``track 3 'Vocal' (channel 4, GM 53 Voice Oohs)``: as people count channels and programs (from 1)."""
        import pretty_midi  # its table of General MIDI program names

        name = f" {self.name.strip()!r}" if self.name.strip() else ""
        sound = (
            "drums" if self.is_drum else f"GM {self.program + 1} {pretty_midi.program_to_instrument_name(self.program)}"
        )
        return f"track {self.track}{name} (channel {self.channel + 1}, {sound})"


@dataclass
class FileNotes:
    """Every note of a file as columns (one entry per note), with where it came from and the file's time maps."""

    track: np.ndarray  # int32
    channel: np.ndarray  # int8
    program: np.ndarray  # int16
    pitch: np.ndarray  # int16
    start: np.ndarray  # int64 ticks
    end: np.ndarray  # int64 ticks
    velocity: np.ndarray  # int16
    unended: np.ndarray  # bool: no note-off ended it; held to the end of its track
    parts: list[Part]
    tempos: list[tuple[int, int]]  # (tick, microseconds per beat), sorted, starting at tick 0
    signatures: list[tuple[int, int, int]]  # (tick, numerator, denominator), in file order per tick

    def part_of(self) -> np.ndarray:
        """Each note's index in :attr:`parts`."""
        index = {(p.track, p.channel): i for i, p in enumerate(self.parts)}
        return np.array([index[(t, c)] for t, c in zip(self.track, self.channel, strict=True)], dtype=np.int32)


def meta_text(text: str) -> str:
    """A MIDI text event as its writer meant it: ``text`` is its bytes read as Latin-1 (lossless), which DAWs that
    write UTF-8 (Logic, Ableton Live, Reaper, MuseScore) then show as ``MÃ©lodie``; bytes that are valid UTF-8 are
    read as UTF-8, any others stay Latin-1 (older files)."""
    raw = text.encode("latin-1")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


class ChannelPrograms:
    """The program changes of every track on one channel, for the program a note of one track finds there."""

    def __init__(self, changes: list[tuple[int, int, int]]) -> None:
        """``changes``: ``(tick, track, program)``, sorted by tick, then track, then file order."""
        self._ticks = [tick for tick, _, _ in changes]
        self._tracks = [track for _, track, _ in changes]
        self._programs = [program for _, _, program in changes]
        # per change, the index of the latest change before it in another track (-1: none)
        self._other_before = [-1] * len(changes)
        for i in range(1, len(changes)):
            same = self._tracks[i - 1] == self._tracks[i]
            self._other_before[i] = self._other_before[i - 1] if same else i - 1

    def elsewhere(self, tick: int, track: int) -> tuple[int, int] | None:
        """``(tick, program)`` of the latest change at or before ``tick`` in a track other than ``track`` (at one
        tick, the later track's), or None when there is none."""
        i = bisect_right(self._ticks, tick) - 1
        if i >= 0 and self._tracks[i] == track:
            i = self._other_before[i]
        return (self._ticks[i], self._programs[i]) if i >= 0 else None


def program_changes(tracks: list[mido.MidiTrack]) -> dict[int, ChannelPrograms]:
    """Every track's program changes, per channel that has any."""
    changes: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for index, track in enumerate(tracks):
        tick = 0
        for message in track:
            tick += message.time
            if message.type == "program_change":
                changes[message.channel].append((tick, index, message.program))
    return {channel: ChannelPrograms(sorted(found, key=lambda c: c[:2])) for channel, found in changes.items()}


def _program_at(own: tuple[int, int] | None, programs: ChannelPrograms | None, tick: int, track: int) -> int:
    """The program of a note of ``track`` starting at ``tick``: ``own`` is its track's latest change on its channel
    before its note-on, ``(tick, program)``; a change of another track counts when it is later (General MIDI's
    program 0, Acoustic Grand Piano, when there is none)."""
    elsewhere = programs.elsewhere(tick, track) if programs is not None else None
    if own is not None and (elsewhere is None or own[0] >= elsewhere[0]):
        return own[1]
    return elsewhere[1] if elsewhere is not None else 0


NOTE_COLUMNS = ("track", "channel", "program", "pitch", "start", "end", "velocity", "unended")


def _add(columns: dict[str, list[int]], values: tuple[int, int, int, int, int, int, int, bool]) -> None:
    """Append one note's values (in the order of :data:`NOTE_COLUMNS`) to ``columns``."""
    for column, value in zip(NOTE_COLUMNS, values, strict=True):
        columns[column].append(value)


def file_notes(tracks: list[mido.MidiTrack]) -> FileNotes:
    """Collect notes, parts, tempo changes and time signatures from ``tracks`` (delta times in ticks)."""
    columns: dict[str, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    tempos: dict[int, int] = {}
    signatures: list[tuple[int, int, int]] = []
    programs = program_changes(tracks)
    for index, track in enumerate(tracks):
        tick = 0
        own_program: list[tuple[int, int] | None] = [None] * 16  # per channel, this track's latest (tick, program)
        # key → (tick, velocity, program, whether a note-off that ended nothing came on its tick just before it)
        open_notes: dict[tuple[int, int], list[tuple[int, int, int, bool]]] = defaultdict(list)
        ended_nothing: dict[tuple[int, int], int] = {}  # key → the tick of its last note-off that ended no note
        # key → the tick of its last note-off and the rows it ended of notes written note-off first
        ended_off_first: dict[tuple[int, int], tuple[int, list[int]]] = {}
        for message in track:
            tick += message.time
            kind = message.type
            if kind == "track_name":
                names.setdefault(index, meta_text(message.name))
            elif kind == "set_tempo":
                tempos[tick] = message.tempo
            elif kind == "time_signature":
                signatures.append((tick, message.numerator, message.denominator))
            elif kind == "program_change":
                own_program[message.channel] = (tick, message.program)
            elif kind == "note_on" and message.velocity > 0:
                key = (message.channel, message.note)
                off_first = ended_nothing.get(key) == tick
                ended_tick, rows = ended_off_first.pop(key, (-1, []))
                if ended_tick == tick and rows:  # that note-off was this note's, written first: they had none
                    for row in rows:
                        columns["end"][row] = columns["start"][row]
                    off_first = True
                program = _program_at(own_program[key[0]], programs.get(key[0]), tick, index)
                open_notes[key].append((tick, message.velocity, program, off_first))
            elif kind in ("note_off", "note_on") and (message.channel, message.note) not in open_notes:
                ended_nothing[(message.channel, message.note)] = tick
            elif kind in ("note_off", "note_on"):
                key = (message.channel, message.note)
                earlier = [n for n in open_notes[key] if n[0] != tick]
                here = [n for n in open_notes[key] if n[0] == tick]
                # a note-on written before the old note-off at one tick stays open; with no earlier note of the key
                # open, the note-off ends the notes that started here (zero length)
                closing, staying = (earlier, here) if earlier else (here, [])
                last = max(start for start, *_ in closing)  # the note this note-off belongs to ...
                ended_off_first[key] = (tick, [])
                for start, velocity, prog, off_first in closing:
                    end = start if off_first and start < last else tick  # written note-off first, none of its own
                    if off_first and end == tick:  # ... unless a note-on of the key follows on this tick
                        ended_off_first[key][1].append(len(columns["start"]))
                    _add(columns, (index, key[0], prog, key[1], start, end, velocity, False))
                if staying:
                    open_notes[key] = staying
                else:
                    del open_notes[key]
        for (channel, pitch), held in open_notes.items():  # no note-off: held until the track ends ...
            for start, velocity, prog, off_first in held:  # ... unless written note-off first: zero length
                _add(
                    columns, (index, channel, prog, pitch, start, start if off_first else tick, velocity, not off_first)
                )
    dtypes = {"track": np.int32, "channel": np.int8, "program": np.int16, "pitch": np.int16, "start": np.int64,
              "end": np.int64, "velocity": np.int16, "unended": np.bool_}  # fmt: skip
    arrays: dict[str, np.ndarray] = {column: np.array(columns[column], dtype=dtype) for column, dtype in dtypes.items()}
    parts = _parts(arrays, names)
    return FileNotes(**arrays, parts=parts, tempos=_tempo_map(tempos), signatures=signatures)


def _parts(arrays: dict[str, np.ndarray], names: dict[int, str]) -> list[Part]:
    """One part per (track, channel) with notes, in file order."""
    parts = []
    keys = sorted(set(zip(arrays["track"].tolist(), arrays["channel"].tolist(), strict=True)))
    for track, channel in keys:
        mine = (arrays["track"] == track) & (arrays["channel"] == channel)
        first = int(np.argmin(np.where(mine, arrays["start"], np.iinfo(np.int64).max)))
        parts.append(Part(track, channel, names.get(track, ""), int(arrays["program"][first]), int(mine.sum())))
    return parts


def _tempo_map(tempos: dict[int, int]) -> list[tuple[int, int]]:
    changes = sorted(tempos.items())
    if not changes or changes[0][0] != 0:
        changes.insert(0, (0, DEFAULT_TEMPO))
    return changes


def seconds_at(tempos: list[tuple[int, int]], resolution: int) -> Callable[[np.ndarray], np.ndarray]:
    """Ticks → seconds by the tempo map (exact, piecewise linear; past the last change its tempo holds)."""
    ticks = np.array([t for t, _ in tempos], dtype=np.float64)
    seconds_per_tick = np.array([u for _, u in tempos], dtype=np.float64) / 1e6 / resolution
    at_change = np.concatenate([[0.0], np.cumsum(np.diff(ticks) * seconds_per_tick[:-1])])

    def convert(values: np.ndarray) -> np.ndarray:
        values = np.atleast_1d(np.asarray(values, dtype=np.float64))
        segment = np.searchsorted(ticks, values, side="right") - 1
        return at_change[segment] + (values - ticks[segment]) * seconds_per_tick[segment]

    return convert
