"""A zero-length note (note-off on its note-on's tick: an onset whose note-off was lost, a step sequencer's trigger)
reads the same whichever of its two events a file writes first. pretty_midi writes the note-off first; such a note
lasted until the key's next note-off (a later note's, bars away) or was held to the end of its track with a
`recovered` warning, where the note-on-first order gave duration 0."""

from __future__ import annotations

import io

import mido
import pretty_midi
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes

BEAT = 0.5  # seconds at pretty_midi's 120 bpm
NOTES = [  # (pitch, start beat, end beat): zero-length ones, repeated ones, then a held note of a repeated key
    (60, 0, 0), (62, 1, 1), (62, 2, 2), (62, 3, 3), (64, 4, 5), (60, 6, 6), (60, 7, 8), (67, 8, 8),
]  # fmt: skip


def _notes(data: bytes) -> tuple[list[tuple[int, int, int]], list[str]]:
    score = read_midi_bytes(data, DataConfig())
    ticks = 220  # pretty_midi's resolution: ticks per beat
    notes = sorted(zip(score.start.tolist(), score.pitch.tolist(), score.end.tolist(), strict=True))
    return [(pitch, start // ticks, end // ticks) for start, pitch, end in notes], [k for k, _ in score.warnings]


def _pretty_midi_file() -> bytes:
    song = pretty_midi.PrettyMIDI()
    melody = pretty_midi.Instrument(program=0, name="melody")
    for pitch, start, end in NOTES:
        melody.notes.append(pretty_midi.Note(velocity=90, pitch=pitch, start=start * BEAT, end=end * BEAT))
    song.instruments.append(melody)
    out = io.BytesIO()
    song.write(out)
    return out.getvalue()


def _events_file(events: list[tuple[int, str, int]]) -> bytes:
    """A type-0 file of (delta ticks at 220 a beat, note_on or note_off, pitch) events."""
    track = mido.MidiTrack()
    for delta, kind, pitch in events:
        track.append(mido.Message(kind, note=pitch, velocity=0 if kind == "note_off" else 90, time=delta))
    track.append(mido.MetaMessage("end_of_track", time=220 * 4))
    out = io.BytesIO()
    mido.MidiFile(type=0, ticks_per_beat=220, tracks=[track]).save(file=out)
    return out.getvalue()


def test_pretty_midis_zero_length_notes_read_as_zero_length():
    notes, warnings = _notes(_pretty_midi_file())
    assert notes == sorted(NOTES, key=lambda note: (note[1], note[0]))
    assert "recovered" not in warnings


@pytest.mark.parametrize("first", ["note_on", "note_off"])
def test_a_zero_length_note_is_the_same_in_either_order(first):
    second = "note_off" if first == "note_on" else "note_on"
    notes, warnings = _notes(
        _events_file([(0, first, 60), (0, second, 60), (440, "note_on", 60), (220, "note_off", 60)])
    )
    assert notes == [(60, 0, 0), (60, 2, 3)]
    assert warnings == ["zero-length notes"]


def test_a_note_off_that_ends_nothing_before_a_note_with_its_own_note_off_changes_nothing():
    # a reset at the start of a file (a note-off for a key no note holds), then notes played legato
    events = [(0, "note_off", 60), (0, "note_on", 60), (220, "note_off", 60), (0, "note_on", 62), (220, "note_off", 62)]
    assert _notes(_events_file(events)) == ([(60, 0, 1), (62, 1, 2)], [])


def test_repeated_notes_played_legato_keep_their_lengths():
    events = [(0, "note_on", 60), (220, "note_off", 60), (0, "note_on", 60), (220, "note_off", 60)]
    assert _notes(_events_file(events)) == ([(60, 0, 1), (60, 1, 2)], [])
