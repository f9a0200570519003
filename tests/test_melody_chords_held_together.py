"""Which notes of a part sound together (``melody.held_together``, behind ``mostly_chords``): it compared each note
with every later note it overlapped, so one note held under all the others (a crafted file: 50,000 notes under one)
took 50,000² comparisons, and it stopped looking at the first distance in sort order at which no two notes overlapped,
so a zero-length note sorted between two held notes hid them from each other. It now counts in O(n log n), and each
note's answer is the brute-force one of its contract on random parts and on the dev data."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import mido
import numpy as np
import pretty_midi
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.melody import held_together, mostly_chords
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.midi_notes import FileNotes, Part, file_notes

DEV_FILES_EVERY = 32
"""The dev data's files compared: every 32nd in sorted order (all 964 take 16 s; all agreed when this was written)."""


def brute_force(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The contract pair by pair: a note is held together with another when they overlap by more than 0 ticks and by
    at least half of the shorter one's length."""
    start, end = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64)
    overlap = np.minimum(end[:, None], end) - np.maximum(start[:, None], start)
    shorter = np.minimum((end - start)[:, None], end - start)
    held = (overlap > 0) & (2 * overlap >= shorter)
    np.fill_diagonal(held, False)
    return held.any(axis=1)


def one_part(start: np.ndarray, end: np.ndarray) -> tuple[FileNotes, Part]:
    """``start`` and ``end`` as the notes of one part (track 1, channel 1) of a file."""
    count = len(start)
    part = Part(track=1, channel=0, name="", program=0, notes=count)
    notes = FileNotes(
        track=np.ones(count, dtype=np.int32),
        channel=np.zeros(count, dtype=np.int8),
        program=np.zeros(count, dtype=np.int16),
        pitch=np.full(count, 60, dtype=np.int16),
        start=np.asarray(start, dtype=np.int64),
        end=np.asarray(end, dtype=np.int64),
        velocity=np.full(count, 90, dtype=np.int16),
        unended=np.zeros(count, dtype=bool),
        parts=[part],
        tempos=[(0, 500_000)],
        signatures=[],
    )
    return notes, part


def test_each_note_of_random_parts_is_held_together_as_pair_by_pair() -> None:
    rng = np.random.default_rng(393)
    for _ in range(2000):  # few ticks, so that starts, ends, midpoints and half lengths tie often; zero-length notes
        count, span = int(rng.integers(0, 14)), int(rng.integers(1, 40))
        start = rng.integers(0, span, count)
        end = start + rng.integers(0, span, count) * (rng.random(count) > 0.2)
        expected = brute_force(start, end)
        assert held_together(start, end).tolist() == expected.tolist(), (start.tolist(), end.tolist())
        notes, part = one_part(start, end)
        assert mostly_chords(notes, part) == (count > 0 and expected.mean() >= 0.5)


def test_a_zero_length_note_between_two_held_notes_hides_neither() -> None:
    # sorted by start: the held note, the zero-length one, the note under the held one; the old count stopped at the
    # first distance where no two notes overlapped (1), before it reached the held pair (distance 2)
    start, end = np.array([0, 480, 500]), np.array([960, 480, 960])
    assert held_together(start, end).tolist() == [True, False, True]
    assert mostly_chords(*one_part(start, end))


def calls_made(work: Callable[[], object]) -> int:
    """How many functions (Python's and C's, numpy's included) ``work`` calls."""
    calls = 0

    def count(_frame: object, event: str, _arg: object) -> None:
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls


def under_one_held_note(count: int) -> tuple[np.ndarray, np.ndarray]:
    """One note held through ``count`` sixteenths (120 ticks) that follow each other under it."""
    start = np.concatenate([[0], 120 * np.arange(count)])
    return start, np.concatenate([[120 * count], start[1:] + 120])


def test_one_note_held_under_50000_costs_no_more_calls_than_under_100() -> None:
    # a structural bound, not a timing: the count is a fixed number of numpy calls (sorts and binary searches), none
    # per note or per pair; the old count called numpy a few times per distance between notes, 50,000 distances here
    for count in (100, 1000, 50_000):
        assert calls_made(lambda count=count: held_together(*under_one_held_note(count))) == calls_made(
            lambda: held_together(*under_one_held_note(10))
        ), count
    together = held_together(*under_one_held_note(50_000))
    assert together.all()  # each sixteenth lies wholly under the held note, and so the held note under them
    assert mostly_chords(*one_part(*under_one_held_note(50_000)))


@pytest.mark.shared_data
def test_each_note_of_the_dev_datas_parts_is_held_together_as_pair_by_pair(dev_data: Path) -> None:
    files = sorted(dev_data.rglob("*.mid"))[::DEV_FILES_EVERY]
    assert len(files) > 25, files
    for path in files:
        notes = file_notes(mido.MidiFile(path).tracks)
        for part in notes.parts:
            mine = (notes.track == part.track) & (notes.channel == part.channel)
            start, end = notes.start[mine], notes.end[mine]
            assert held_together(start, end).tolist() == brute_force(start, end).tolist(), (path, part.label())


def test_a_choir_whose_zero_length_notes_fell_between_its_held_notes_is_left_out_beside_a_lead(tmp_path: Path) -> None:
    # each bar the choir holds a note, touches a zero-length one at its middle and holds another from just after it:
    # two of its three notes sound together, so it plays mostly chords; the old count saw none held and took the top
    # line of the choir and the lead
    from tests.test_melody_chord_parts import BAR, CHOIR_AAHS, LEAD_SQUARE, LINE, eighths

    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    choir = [(n, b * BAR + at, (b + 1) * BAR) for b in range(8) for n, at in ((79, 0.0), (76, BAR / 2 + 0.05))]
    choir += [(72, b * BAR + BAR / 2, b * BAR + BAR / 2) for b in range(8)]
    for name, program, played in (
        ("Synth 1", LEAD_SQUARE, eighths(LINE, bars=(0, 2, 4, 6))),
        ("Choir", CHOIR_AAHS, choir),
    ):
        part = pretty_midi.Instrument(program=program, name=name)
        part.notes = [pretty_midi.Note(velocity=90, pitch=p, start=s, end=e) for p, s, e in played]
        midi.instruments.append(part)
    midi.write(str(tmp_path / "band.mid"))
    score = read_midi_bytes((tmp_path / "band.mid").read_bytes(), DataConfig())
    assert sorted(set(score.pitch.tolist())) == LINE, score.melody
    assert score.melody.endswith(
        "left out, mostly chords: track 2 'Choir' (channel 2, GM 53 Choir Aahs) (to use it, "
        'set data.melody = "track:2")'
    ), score.melody
