"""Property-based tests (hypothesis) of MIDI → loops → MIDI.

Random monophonic melodies on the 16th grid, with offsets, durations, velocities, pitches and tempo maps, are
written tick-exactly (``tests/synth.py``), parsed back through the data layer, and must come back as the cells they
were written as. MIDI written by ``mvae_core.loop_file.notes_to_midi`` from random note lists must parse back to the
same notes. Examples are derandomized and no example database is kept, so every run (and CI) checks the same cases.
"""

from __future__ import annotations

import io
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP, LoopBlock
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.table import NoteTable
from mvae_core.generation import DecodeOptions, Note
from mvae_core.loop_file import (
    MIDI_RESOLUTION,
    held_starts,
    min_gap_ticks,
    min_note_ticks,
    notes_to_midi,
    start_tick,
)
from tests.synth import SynthNote, score_to_loops, write_midi

# Rows MIDI 48..71, which these expectations assume (the default, "auto", chooses from the data)
CFG = DataConfig(cache_dir="none", pitch_low=48)
HALF_STEP_TICKS = MIDI_RESOLUTION // 8  # notes_to_midi's files: 960 ticks per beat, 120 ticks per half-step
PROPERTY = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class Written:
    """One melody as written: notes in ticks plus the cells they must become."""

    resolution: int
    tempos: list[tuple[int, float]]
    notes: list[SynthNote]
    loop: list[int]
    step: list[int]
    offset: list[int]  # ticks from the note's grid line

    @property
    def step_ticks(self) -> int:
        return self.resolution // 4


@st.composite
def melodies(draw: st.DrawFn, pitches: st.SearchStrategy[int] = st.integers(48, 71)) -> Written:
    """1–3 loops; each loop 1–16 distinct steps; offsets anywhere in [-half a step, half a step) (none before tick 0);
    each note ends by the next onset (monophonic); 1–4 tempos."""
    resolution = draw(st.sampled_from([96, 120, 192, 240, 384, 480, 960]))
    step, half = resolution // 4, resolution // 8
    n_loops = draw(st.integers(1, 3))
    cells = [
        (loop, s)
        for loop in range(n_loops)
        for s in sorted(draw(st.sets(st.integers(0, STEPS_PER_LOOP - 1), min_size=1, max_size=16)))
    ]
    offsets = [draw(st.integers(0 if (loop, s) == (0, 0) else -half, half - 1)) for loop, s in cells]
    starts = [(loop * STEPS_PER_LOOP + s) * step + o for (loop, s), o in zip(cells, offsets, strict=True)]
    gaps = [b - a for a, b in itertools.pairwise(starts)] + [24 * step]
    notes = [
        SynthNote(
            pitch=draw(pitches),
            start=start,
            end=start + draw(st.integers(1, gap)),
            velocity=draw(st.integers(1, 127)),
        )
        for start, gap in zip(starts, gaps, strict=True)
    ]
    end = n_loops * STEPS_PER_LOOP * step
    changes = draw(st.lists(st.tuples(st.integers(1, end), st.floats(40, 300)), max_size=3, unique_by=lambda c: c[0]))
    tempos = [(0, draw(st.floats(40, 300))), *sorted(changes)]
    return Written(resolution, tempos, notes, [c[0] for c in cells], [c[1] for c in cells], offsets)


def parse(written: Written, cfg: DataConfig = CFG) -> LoopBlock:
    with tempfile.TemporaryDirectory() as folder:
        path = write_midi(Path(folder) / "m.mid", written.notes, written.resolution, written.tempos)
        return score_to_loops(read_midi_bytes(path.read_bytes(), cfg), cfg)


def seconds(written: Written, tick: int) -> float:
    """Seconds at ``tick`` by the written tempo map (mido stores whole microseconds per beat)."""
    total, (at, bpm) = 0.0, written.tempos[0]
    for change, next_bpm in [*written.tempos[1:], (None, None)]:
        until = tick if change is None else min(tick, change)
        total += max(0, until - at) * mido.bpm2tempo(bpm) / 1e6 / written.resolution
        if change is None or change >= tick:
            break
        at, bpm = change, next_bpm
    return total


@PROPERTY
@given(melodies())
def test_written_cells_come_back(written):
    block = parse(written)
    assert block.n_loops == len(set(written.loop))
    # notes come back sorted by (loop, step, row); the written ones are already in that order (one per step)
    assert block.loop.tolist() == written.loop
    assert block.step.tolist() == written.step
    assert block.row.tolist() == [n.pitch - CFG.pitch_low for n in written.notes]
    assert block.velocity.tolist() == [n.velocity for n in written.notes]
    half = written.step_ticks / 2
    assert np.allclose(block.timeshift, np.array(written.offset) / half, atol=1e-6)  # exact up to float32
    assert np.all((block.timeshift >= -1) & (block.timeshift < 1))
    steps_long = np.array([(n.end - n.start) / written.step_ticks for n in written.notes])
    assert np.allclose(block.duration, np.clip(steps_long / CFG.max_duration_steps, 0, 1), atol=1e-6)


@PROPERTY
@given(melodies())
def test_loops_keep_min_onsets_and_their_seconds_per_step(written):
    block = parse(written)
    per_loop = np.bincount(written.loop)
    table, kept = NoteTable.from_blocks([("m", block)], CFG.min_onsets)
    assert kept["m"] == (int((per_loop >= CFG.min_onsets).sum()), int(per_loop[per_loop >= CFG.min_onsets].sum()))
    assert table.n_loops == kept["m"][0]
    loop_ticks = STEPS_PER_LOOP * written.step_ticks
    expected = [
        (seconds(written, (k + 1) * loop_ticks) - seconds(written, k * loop_ticks)) / STEPS_PER_LOOP
        for k in sorted(set(written.loop))
    ]
    assert block.seconds_per_step == pytest.approx(expected, rel=1e-5)


@PROPERTY
@given(melodies(pitches=st.integers(0, 127)))
def test_folding_keeps_the_pitch_class(written):
    block = parse(written)
    pitches = np.array([n.pitch for n in written.notes])
    rows = block.row.astype(int)
    assert np.all((rows >= 0) & (rows < CFG.pitch_classes))
    assert np.all((rows + CFG.pitch_low) % 12 == pitches % 12)
    inside = (pitches >= CFG.pitch_low) & (pitches < CFG.pitch_low + CFG.pitch_classes)
    assert np.array_equal(rows[inside], pitches[inside] - CFG.pitch_low)
    assert block.counters["folded"] == int((~inside).sum())


@st.composite
def note_loops(draw: st.DrawFn) -> list[list[Note]]:
    """1–3 loops of monophonic generated notes, timeshifts in [-1, 1) (none before the file's start)."""
    loops = []
    for k in range(draw(st.integers(1, 3))):
        steps = sorted(draw(st.sets(st.integers(0, STEPS_PER_LOOP - 1), min_size=1, max_size=16)))
        loops.append(
            [
                Note(
                    step=s,
                    row=draw(st.integers(0, 23)),
                    velocity=draw(st.floats(0, 1)),
                    duration=draw(st.floats(0, 1)),
                    timeshift=draw(st.floats(0 if (k, s) == (0, 0) else -1, 1, exclude_max=True)),
                )
                for s in steps
            ]
        )
    return loops


@PROPERTY
@given(note_loops(), st.floats(40, 300))
def test_generated_midi_parses_back_to_its_notes(loops, tempo):
    cfg = MvaeConfig(data=CFG)
    buffer = io.BytesIO()
    notes_to_midi(loops, cfg, DecodeOptions(grid_offset=1.0, tempo=tempo)).write(buffer)
    block = score_to_loops(read_midi_bytes(buffer.getvalue(), cfg.data), cfg.data)
    flat = [(k, note) for k, loop in enumerate(loops) for note in loop]
    assert block.loop.tolist() == [k for k, _ in flat]
    assert block.step.tolist() == [note.step for _, note in flat]
    assert block.row.tolist() == [note.row for _, note in flat]
    assert block.velocity.tolist() == [int(np.clip(round(note.velocity * 127), 1, 127)) for _, note in flat]
    # the onset is rounded to the file's ticks: the timeshift comes back within half a tick (one tick for the last
    # half tick before +1, which is written a tick early to stay on its step); an onset that would cut the note
    # before into a click is held back to the least audible gap after it (loop_file's held_starts) and comes back so
    step_ticks = MIDI_RESOLUTION // 4
    written = np.array([start_tick(k * STEPS_PER_LOOP + n.step, n.timeshift) for k, n in flat])
    steps = np.array([k * STEPS_PER_LOOP + n.step for k, n in flat])
    onsets = held_starts(written, steps, min_gap_ticks(tempo))
    kept = onsets == written
    assert np.all(onsets - written < min_gap_ticks(tempo))  # held back by less than the gap
    timeshifts = np.array([note.timeshift for _, note in flat])
    assert np.allclose(block.timeshift[kept], timeshifts[kept], atol=1 / HALF_STEP_TICKS + 1e-6)
    assert all(
        abs(t - note.timeshift) <= 0.5 / HALF_STEP_TICKS + 1e-6
        for t, (_, note), k in zip(block.timeshift, flat, kept, strict=True)
        if k and note.timeshift < 1 - 0.5 / HALF_STEP_TICKS
    )
    grid = np.array([(k * STEPS_PER_LOOP + n.step) * step_ticks for k, n in flat])
    assert np.allclose(block.timeshift[~kept], (onsets - grid)[~kept] / HALF_STEP_TICKS, atol=1e-6)
    # a note lasts its duration (at least 1/8 step or the no-click gap), cut at the next onset and at the file's end;
    # ticks round it
    onsets = [*onsets.tolist(), len(loops) * STEPS_PER_LOOP * step_ticks]
    for i, (_, note) in enumerate(flat):
        ticks = max(note.duration * cfg.data.max_duration_steps * step_ticks, min_note_ticks(tempo))
        ticks = min(ticks, onsets[i + 1] - onsets[i])
        expected = min(ticks / step_ticks / cfg.data.max_duration_steps, 1.0)
        assert block.duration[i] == pytest.approx(expected, abs=2 / step_ticks / cfg.data.max_duration_steps)


def test_a_timeshift_just_below_one_stays_on_its_step():
    cfg = MvaeConfig(data=CFG)
    buffer = io.BytesIO()
    note = Note(step=4, row=12, velocity=0.8, duration=0.1, timeshift=0.999)
    notes_to_midi([[note]], cfg, DecodeOptions(grid_offset=1.0)).write(buffer)
    block = score_to_loops(read_midi_bytes(buffer.getvalue(), cfg.data), cfg.data)
    assert block.step.tolist() == [4]  # not step 5 with timeshift -1 (rounding to ticks must not cross the boundary)
