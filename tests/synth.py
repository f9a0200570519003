"""Synthetic MIDI for tests: files written tick-exactly with mido, with known notes, tempo maps and meters, and the
loops a read score makes (:func:`score_to_loops`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np

from mvae_core.config import DataConfig
from mvae_core.data.loops import LoopBlock, fold_into_rows, pitched_loops
from mvae_core.data.score import TickScore


@dataclass(frozen=True)
class SynthNote:
    pitch: int
    start: int  # ticks
    end: int  # ticks
    velocity: int = 100
    channel: int = 0


def write_midi(
    path: Path,
    notes: list[SynthNote],
    resolution: int = 960,
    tempos: list[tuple[int, float]] = ((0, 120.0),),
    time_signatures: list[tuple[int, int, int]] = ((0, 4, 4),),
    drum_notes: list[SynthNote] = (),
) -> Path:
    """Type-1 file: track 0 = tempo map + meters, track 1 = ``notes``, track 2 (channel 9) = ``drum_notes``."""
    midi = mido.MidiFile(type=1, ticks_per_beat=resolution)
    conductor = [(tick, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0)) for tick, bpm in tempos]
    conductor += [
        (tick, mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0))
        for tick, num, den in time_signatures
    ]
    midi.tracks.append(_track(conductor))
    for group in (notes, drum_notes):
        if not group:
            continue
        events = []
        for n in group:
            channel = 9 if group is drum_notes else n.channel
            events.append((n.start, mido.Message("note_on", note=n.pitch, velocity=n.velocity, channel=channel)))
            events.append((n.end, mido.Message("note_off", note=n.pitch, velocity=0, channel=channel)))
        midi.tracks.append(_track(events))
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(str(path))
    return path


def _track(events: list[tuple[int, mido.Message]]) -> mido.MidiTrack:
    track = mido.MidiTrack()
    now = 0
    # note_off before note_on at the same tick, so touching notes do not cut each other
    for tick, message in sorted(events, key=lambda e: (e[0], e[1].type == "note_on")):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def random_melody(
    rng: np.random.Generator,
    n_loops: int,
    resolution: int = 960,
    offset_std: float = 0.3,
    notes_per_loop: int = 12,
    pitch_range: tuple[int, int] = (52, 68),
    offset_sampler: Callable[[np.random.Generator], float] | None = None,
) -> list[SynthNote]:
    """Monophonic loops: ``notes_per_loop`` distinct steps per loop, offsets ~ N(0, offset_std) half-steps (or drawn
    by ``offset_sampler``, clipped to ±0.9)."""
    step = resolution // 4
    notes = []
    for loop in range(n_loops):
        steps = np.sort(rng.choice(32, size=notes_per_loop, replace=False))
        for s in steps:
            drawn = offset_sampler(rng) if offset_sampler else rng.normal(0, offset_std) if offset_std else 0.0
            offset = float(np.clip(drawn, -0.9, 0.9))
            start = (loop * 32 + int(s)) * step + round(offset * step / 2)
            notes.append(
                SynthNote(
                    int(rng.integers(*pitch_range)), max(0, start), max(0, start) + step, int(rng.integers(60, 120))
                )
            )
    return notes


def melody_folder(
    folder: Path,
    n_files: int = 6,
    n_loops: int = 4,
    seed: int = 0,
    offset_std: float = 0.3,
    offset_sampler: Callable[[np.random.Generator], float] | None = None,
) -> Path:
    """A folder of ``n_files`` synthetic melody files (120 bpm, 4/4)."""
    rng = np.random.default_rng(seed)
    for i in range(n_files):
        melody = random_melody(rng, n_loops, offset_std=offset_std, offset_sampler=offset_sampler)
        write_midi(folder / f"melody_{i:02d}.mid", melody)
    return folder


def high_tunes(folder: Path, n_files: int, seed: int) -> Path:
    """``n_files`` files of 3 loops (120 bpm at 960 ticks per beat) whose notes lie mostly in MIDI 62..85, so that
    ``data.pitch_low = "auto"`` chooses 62, not 48, with two notes per loop anywhere in 20..110 (folding moves them)
    and a chord at step 4 (a collision, maybe); the last file lies entirely in 81..100 (``drop`` at 48 leaves it no
    loop)."""
    step_ticks = 240  # a 16th
    rng = np.random.default_rng(seed)
    for i in range(n_files):
        low, high = (81, 100) if i == n_files - 1 else (62, 85)
        notes = []
        for loop in range(3):
            pitches = [*rng.integers(low, high + 1, size=10), int(rng.integers(20, 110)), int(rng.integers(20, 110))]
            for pitch, step in zip(pitches, [*range(0, 30, 3), 4, 4], strict=True):
                start = (32 * loop + step) * step_ticks
                notes.append(SynthNote(int(pitch), start, start + step_ticks, velocity=int(rng.integers(40, 120))))
        write_midi(folder / f"tune_{i}.mid", notes)
    return folder


def pattern_folder(folder: Path, n_files: int = 8, n_loops: int = 6, n_patterns: int = 4, seed: int = 0) -> Path:
    """Learnable data: every loop is one of ``n_patterns`` fixed melodies (steps, pitches, offsets) with small jitter.

    A model that uses its latent can reconstruct these far better than the marginal statistics allow.
    """
    rng = np.random.default_rng(seed)
    step = 960 // 4
    patterns = []
    for _ in range(n_patterns):
        steps = np.sort(rng.choice(32, size=10, replace=False))
        patterns.append((steps, rng.integers(52, 68, size=10), rng.uniform(-0.6, 0.6, size=10)))
    for i in range(n_files):
        notes = []
        for loop in range(n_loops):
            steps, pitches, offsets = patterns[rng.integers(n_patterns)]
            for s, p, o in zip(steps, pitches, offsets, strict=True):
                jitter = o + rng.normal(0, 0.05)
                start = max(0, (loop * 32 + int(s)) * step + round(jitter * step / 2))
                notes.append(SynthNote(int(p), start, start + step, 100))
        write_midi(folder / f"pattern_{i:02d}.mid", notes)
    return folder


@dataclass(frozen=True)
class SynthTrack:
    """One track of a multitrack file: its notes on one channel, a name and a GM program (from 0)."""

    notes: list[SynthNote]
    name: str = ""
    program: int = 0
    channel: int = 0


def write_tracks(
    path: Path,
    tracks: list[SynthTrack],
    resolution: int = 960,
    tempos: list[tuple[int, float]] = ((0, 120.0),),
    time_signatures: list[tuple[int, int, int]] = ((0, 4, 4),),
    conductor_in: int | None = None,
) -> Path:
    """Type-1 file with a conductor track (tempo map and meters) then one track per :class:`SynthTrack`; with
    ``conductor_in = k`` the tempo map and meters go into track ``k`` of ``tracks`` instead (and no conductor)."""
    midi = mido.MidiFile(type=1, ticks_per_beat=resolution)
    conductor = [(tick, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0)) for tick, bpm in tempos]
    conductor += [
        (tick, mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0))
        for tick, num, den in time_signatures
    ]
    if conductor_in is None:
        midi.tracks.append(_track(conductor))
    for k, part in enumerate(tracks):
        events: list[tuple[int, mido.Message]] = list(conductor) if conductor_in == k else []
        if part.name:
            events.append((0, mido.MetaMessage("track_name", name=part.name, time=0)))
        events.append((0, mido.Message("program_change", program=part.program, channel=part.channel)))
        for n in part.notes:
            events.append((n.start, mido.Message("note_on", note=n.pitch, velocity=n.velocity, channel=part.channel)))
            events.append((n.end, mido.Message("note_off", note=n.pitch, velocity=0, channel=part.channel)))
        midi.tracks.append(_track(events))
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(str(path))
    return path


def score_to_loops(score: TickScore, cfg: DataConfig) -> LoopBlock:
    """The notes of ``score`` gridded, folded into ``cfg``'s pitch rows and de-collided into loops, as a data load
    makes a source's (no ``min_onsets`` filter here): :func:`~mvae_core.data.loops.fold_into_rows` of
    :func:`~mvae_core.data.loops.pitched_loops`. ``cfg.pitch_low`` a number (``"auto"``: a ValueError)."""
    return fold_into_rows(pitched_loops(score, cfg), cfg)
