"""docs/data.md says what a zero-length note written note-off first (pretty_midi's order) becomes: the same
zero-length note as one written note-on first, its onset kept, its duration 0 (before FORMAT_VERSION 30 it lasted
until the key's next note-off, or was held to the end of its track with a `recovered` warning)."""

from __future__ import annotations

import mido

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes


def test_a_zero_length_note_written_off_first_keeps_its_onset_and_lasts_nothing(tmp_path) -> None:
    track = mido.MidiTrack()
    for delta, kind, pitch in [(0, "note_off", 60), (0, "note_on", 60), (480, "note_off", 62), (0, "note_on", 62),
                               (480, "note_on", 60), (480, "note_off", 60)]:  # fmt: skip
        track.append(mido.Message(kind, note=pitch, velocity=0 if kind == "note_off" else 100, time=delta))
    track.append(mido.MetaMessage("end_of_track", time=1))
    path = tmp_path / "zero.mid"
    mido.MidiFile(type=0, ticks_per_beat=480, tracks=[track]).save(path)
    score = read_midi_bytes(path.read_bytes(), DataConfig())
    notes = sorted(zip(score.start.tolist(), score.pitch.tolist(), score.end.tolist(), strict=True))
    assert notes == [(0, 60, 0), (480, 62, 480), (960, 60, 1440)]
    assert [kind for kind, _ in score.warnings] == ["zero-length notes"]
