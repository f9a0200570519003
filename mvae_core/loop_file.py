"""Generated loops → a loop-exact Standard MIDI File, and the same notes in seconds for live hosts and audio.

A file of ``N`` loops lasts exactly ``N`` × 2 bars at the tempo, so a DAW or a looper that takes the file's length
loops it in time. The rules, in ticks (:data:`MIDI_RESOLUTION` per beat, :data:`STEP_TICKS` per 16th step):

* a note starts at :func:`start_tick` of its grid step moved by :func:`written_offset` half-steps (``timeshift ·
  grid_offset``, kept inside [-1, 1]: a grid offset above 1 exaggerates each offset up to the edge of its step's
  window, so notes keep the order the model wrote them in); an early note on the first step starts at tick 0, a late
  note on the last step at the latest half a step before the end (its window's edge);
* no note is cut into a click: in order of start (then of step), a note that would start less than
  :data:`MIN_AUDIBLE_SECONDS` (20 ms, or half a step where a step is shorter than 40 ms, above 375 bpm) after the note
  before it is held back to exactly that gap after it (:func:`min_gap_ticks`, :func:`held_starts`). Cut shorter, the
  note before sounded as a 1–20 ms click or flam (at 120 bpm and grid offset 2, 24 of 2,562 notes of 200 points of a
  jazz run; 9 at grid offset 1), where real players start 0.03 % of their notes that soon after the one before (WJD).
  A held note moves later by at most that gap (exactly it when it would start with a note of an earlier step) and
  stays in its step's window; a note neither held nor joined (below) starts where its offset puts it, so grid offset 1
  changes only the notes that would have clicked (9 of that run's 2,562). Notes of one step that start together (a
  chord) still start together, and a note of a step that would start less than the gap after a note of the same step
  starts with it (the ``mse`` timing head gives each note of a chord its own offset: held apart they were strummed
  20 ms a note, and a chord late on the last step ended on a click at the file's end); a note of a later step never
  starts with a note of an earlier one: above grid offset 1 a late note and an early note of the next step both reach
  their windows' shared edge, and the later one is held that gap after it, so the melody keeps its order instead of
  sounding two of its notes as a dyad (at grid offset 2, 38 starts of 200 points of that run, 17 at grid offset 1.5);
* it lasts its decoded duration, at least :func:`min_note_ticks`: 1/8 step (:data:`MIN_NOTE_TICKS`) or the no-click
  gap where that is longer (above 94 bpm; a decoded duration that short was written as a click, at 240 bpm 3 of
  1,725 notes of a seed run, 17 ms), and is cut at the next *later* onset, which is at least the gap later, and at
  the file's end, at least half a step after the last start: no note sounds past the end or into a later onset (the
  notes of one onset, a chord, sound together, each for its own length) and none lasts less than the gap;
* the file is type 1: a tempo track (track name, tempo, 4/4 time signature at tick 0) and one note track (channel 1,
  its program change asking for ``options.program``, piano unless told otherwise), both ending (end of track) exactly at ``N · 32 · STEP_TICKS``.

:func:`timed_notes` computes these notes once; :func:`midi_file` (the file), :func:`notes_to_midi` (the same file
as ``pretty_midi``), :func:`loop_notes_json` (seconds, for ``mvae serve``) and :mod:`mvae_core.audio` all use them.
"""

from __future__ import annotations

import io
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import mido
import numpy as np
import pretty_midi

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import MAX_VELOCITY, STEPS_PER_BEAT, STEPS_PER_LOOP
from mvae_core.generation import DecodeOptions, Note, point_name
from mvae_core.instruments import PIANO
from mvae_core.wording import listed

if TYPE_CHECKING:
    import torch

MIDI_RESOLUTION = 960
STEP_TICKS = MIDI_RESOLUTION // STEPS_PER_BEAT
LOOP_TICKS = STEPS_PER_LOOP * STEP_TICKS
MIN_NOTE_TICKS = STEP_TICKS // 8  # the least a note lasts, or the no-click gap where longer: min_note_ticks()
MIN_AUDIBLE_SECONDS = 0.02  # the least time between two different note starts (at most half a step): no clicks
TRACK_NAME = "mvae"
NUMBERED_FILE = re.compile(r"\d{3,}_z_.*\.(mid|wav)")  # the names loop_file_stem gives, as MIDI or WAV files


class TimedNote(NamedTuple):
    """One note of a file, in ticks from the file's start."""

    pitch: int
    start: int
    end: int
    velocity: int  # 1..127
    step: int  # the grid step it belongs to, counted from the file's start (loop · 32 + step)


def written_offset(timeshift: float, grid_offset: float) -> float:
    """The offset in half-steps a note is written at: its ``timeshift`` scaled by ``grid_offset``, kept inside
    [-1, 1]. Up to ``grid_offset`` 1 nothing is kept in (offsets are drawn from [-1, 1)); above it, an offset that
    would leave its step's window stops at the edge, so a late note and an early note of the next step meet (and
    sound together) instead of passing each other, which played the melody's notes in another order (at grid offset
    2, 4 % of neighbouring pairs in a jazz run)."""
    return min(max(timeshift * grid_offset, -1.0), 1.0)


def start_tick(grid_step: int, offset: float) -> int:
    """The tick of a note on ``grid_step`` moved by ``offset`` half-steps (in [-1, 1]: :func:`written_offset`),
    clamped at tick 0.

    An offset inside [-1, 1) stays inside its step's half-open window when rounded to ticks: 0.999 half-steps would
    round to exactly +½ step, which reads back as the *next* step's −1, so it is written one tick earlier. An offset
    of 1 (an exaggerated one at the window's edge) is the next step's −1.
    """
    half = STEP_TICKS // 2
    moved = round(offset * half)
    if offset < 1.0 and moved >= half:
        moved = half - 1
    return max(0, grid_step * STEP_TICKS + moved)


def min_gap_ticks(tempo: float) -> int:
    """The least ticks between two different note starts at ``tempo`` bpm: :data:`MIN_AUDIBLE_SECONDS`, rounded up
    to whole ticks, or half a step when that is less."""
    tick = step_seconds(tempo) / STEP_TICKS
    return min(math.ceil(MIN_AUDIBLE_SECONDS / tick - 1e-9), STEP_TICKS // 2)


def min_note_ticks(tempo: float) -> int:
    """The least ticks a note lasts at ``tempo`` bpm: :data:`MIN_NOTE_TICKS` (1/8 step), or :func:`min_gap_ticks`
    where that is longer (above 94 bpm, where 1/8 step is under 20 ms), so that no note is written as a click."""
    return max(MIN_NOTE_TICKS, min_gap_ticks(tempo))


def held_starts(starts: np.ndarray, steps: np.ndarray, gap: int) -> np.ndarray:
    """``starts`` (ticks, any order) of notes on grid ``steps``, in order of start and then of step (in which the
    steps never decrease, as each step's window ends where the next one's begins), each that would come less than
    ``gap`` ticks after the onset before it: starting with it when both are of one step (a chord), else held back to
    ``gap`` after it (the module docstring). So equal starts of one step stay equal, and a note of a later step
    starting with one of an earlier step starts ``gap`` after it.

    With ``gap`` at most half a step, every start stays in its step's window: only a step's first onset can be held,
    by less than ``gap`` after the earlier step's note, which is at most at the window's shared edge, half a step
    before this step, so it lands on or before its own step, half a step or more before the next step's window
    opens; a later onset of the step is then where its offset puts it, or joins the onset before it."""
    onsets, index = np.unique(np.column_stack([starts, steps]), axis=0, return_inverse=True)
    held = onsets[:, 0].copy()
    for k in range(1, len(held)):
        if onsets[k, 1] == onsets[k - 1, 1] and onsets[k, 0] < held[k - 1] + gap:
            held[k] = held[k - 1]
        else:
            held[k] = max(onsets[k, 0], held[k - 1] + gap)
    return held[index.reshape(-1)]


def step_seconds(tempo: float) -> float:
    """Seconds per 16th step at ``tempo`` bpm."""
    return 60.0 / tempo / STEPS_PER_BEAT


def loop_seconds(tempo: float, loops: int = 1) -> float:
    """Seconds that ``loops`` loops (2 bars each) last at ``tempo`` bpm: a file's exact length."""
    return loops * STEPS_PER_LOOP * step_seconds(tempo)


def timed_notes(loops: list[list[Note]], cfg: MvaeConfig, options: DecodeOptions) -> list[TimedNote]:
    """The notes of consecutive ``loops`` in ticks, ordered by start (rules: the module docstring)."""
    pitch_low = cfg.data.chosen_pitch_low()  # a clear error for a config whose "auto" rows were never chosen
    end_of_file = len(loops) * LOOP_TICKS
    shortest = min_note_ticks(options.tempo)
    grid_steps, notes = [], []
    for loop_index, loop in enumerate(loops):
        for note in loop:
            grid_steps.append(loop_index * STEPS_PER_LOOP + note.step)
            notes.append(note)
    starts = held_starts(
        np.array(
            [
                start_tick(step, written_offset(note.timeshift, options.grid_offset))
                for step, note in zip(grid_steps, notes, strict=True)
            ],
            dtype=np.int64,
        ),
        np.array(grid_steps, dtype=np.int64),
        min_gap_ticks(options.tempo),
    )
    order = np.argsort(starts, kind="stable")
    onsets = np.unique(starts)
    later = np.append(onsets, end_of_file)[np.searchsorted(onsets, starts, side="right")]
    timed = []
    for j in order:
        note = notes[j]
        length = max(round(note.duration * cfg.data.max_duration_steps * STEP_TICKS), shortest)
        end = min(int(starts[j]) + length, int(later[j]))
        velocity = int(np.clip(round(note.velocity * MAX_VELOCITY), 1, MAX_VELOCITY))
        timed.append(TimedNote(pitch_low + note.row, int(starts[j]), end, velocity, grid_steps[j]))
    return timed


def midi_file(loops: list[list[Note]], cfg: MvaeConfig, options: DecodeOptions) -> mido.MidiFile:
    """Consecutive ``loops`` as one loop-exact type-1 MIDI file at ``options.tempo`` (the module docstring)."""
    return notes_file(timed_notes(loops, cfg, options), options.tempo, len(loops) * LOOP_TICKS, options.program)


def notes_file(notes: list[TimedNote], tempo: float, end_of_file: int, program: int = PIANO) -> mido.MidiFile:
    """``notes`` as a type-1 MIDI file at ``tempo`` whose tracks end at tick ``end_of_file``, its part asking for
    General MIDI ``program`` (1-128, :mod:`mvae_core.instruments`)."""
    tempo_track = _track(
        [
            (0, mido.MetaMessage("track_name", name=TRACK_NAME)),
            (0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo))),
            (0, mido.MetaMessage("time_signature", numerator=4, denominator=4)),
        ],
        end_of_file,
    )
    events = [(0, mido.Message("program_change", program=program - 1))]
    for note in notes:
        events.append((note.start, mido.Message("note_on", note=note.pitch, velocity=note.velocity)))
        events.append((note.end, mido.Message("note_off", note=note.pitch, velocity=0)))
    note_track = _track(events, end_of_file, name=TRACK_NAME)
    return mido.MidiFile(type=1, ticks_per_beat=MIDI_RESOLUTION, tracks=[tempo_track, note_track])


def _track(events: list[tuple[int, mido.Message]], end_of_file: int, name: str | None = None) -> mido.MidiTrack:
    """A track of ``(tick, message)`` events (note-offs before note-ons at one tick), ending at ``end_of_file``."""
    track = mido.MidiTrack()
    if name is not None:
        track.append(mido.MetaMessage("track_name", name=name))
    now = 0
    for tick, message in sorted(events, key=lambda event: (event[0], event[1].type == "note_on")):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=end_of_file - now))
    return track


def midi_bytes(loops: list[list[Note]], cfg: MvaeConfig, options: DecodeOptions) -> bytes:
    """:func:`midi_file` as the bytes of a ``.mid`` file."""
    return file_bytes(midi_file(loops, cfg, options))


def file_bytes(midi: mido.MidiFile) -> bytes:
    """``midi`` as the bytes of a ``.mid`` file."""
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def write_midi(path: str | os.PathLike[str], loops: list[list[Note]], cfg: MvaeConfig, options: DecodeOptions) -> None:
    """Write :func:`midi_file` to ``path``."""
    midi_file(loops, cfg, options).save(os.fspath(path))


def notes_to_midi(loops: list[list[Note]], cfg: MvaeConfig, options: DecodeOptions) -> pretty_midi.PrettyMIDI:
    """:func:`midi_file` as a ``pretty_midi.PrettyMIDI`` (read back from its bytes: the same notes and times)."""
    return pretty_midi.PrettyMIDI(io.BytesIO(midi_bytes(loops, cfg, options)))


def loop_notes_json(notes: list[TimedNote], tempo: float) -> list[dict[str, float | int]]:
    """``notes`` as ``{"pitch", "start", "end", "velocity", "step"}`` dicts, times in seconds from the file start
    at ``tempo`` (what ``mvae serve`` answers)."""
    tick = step_seconds(tempo) / STEP_TICKS
    return [
        {
            "pitch": note.pitch,
            "start": round(note.start * tick, 6),
            "end": round(note.end * tick, 6),
            "velocity": note.velocity,
            "step": note.step,
        }
        for note in notes
    ]


def loop_file_stem(i: int, count: int, point: torch.Tensor) -> str:
    """``000_z_+0.50_-1.00``: file ``i`` of ``count``, named by its number and its (first) latent point. The number
    has at least 3 digits and as many as the largest, so that the names of one command's files sort in order."""
    width = max(3, len(str(count - 1)))
    return f"{i:0{width}d}_{point_name(point)}"


def earlier_loop_files(folder: Path, written: list[Path], also: tuple[str, ...] = ()) -> list[Path]:
    """The files in ``folder`` that are named like a command's loop files of the kind (suffix) of ``written``
    (:func:`loop_file_stem` + ``.mid`` or ``.wav``, or one of the names ``also``) but are not in ``written``: what
    an earlier command left there, sorted by name. None unless ``written`` went into ``folder`` (a file named by
    the user is no folder's loop)."""
    if not written or written[0].parent != folder:
        return []
    kept, suffixes = {path.name for path in written}, {path.suffix for path in written}
    return sorted(
        path
        for path in folder.iterdir()
        if path.name not in kept
        and ((path.suffix in suffixes and NUMBERED_FILE.fullmatch(path.name)) or path.name in also)
        and path.is_file()
    )


def written_before(midi: list[Path], wavs: list[Path], wavs_written: list[Path]) -> str:
    """What ``mvae generate --audio`` had written when writing its WAV files failed: all its MIDI files and
    ``wavs_written`` of ``wavs``, e.g. ``written before it: the 8 MIDI files (a.mid, b.mid, c.mid and 5 more) and 2
    of the 8 WAV files (a.wav, b.wav)``."""
    files = f"the {len(midi)} MIDI files" if len(midi) > 1 else "the MIDI file"
    said = f"written before it: {files} ({listed([str(f) for f in midi])})"
    if not wavs_written:
        return f"{said}, no WAV file"
    return f"{said} and {len(wavs_written)} of the {len(wavs)} WAV files ({listed([str(f) for f in wavs_written])})"
