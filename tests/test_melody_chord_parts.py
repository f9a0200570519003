"""A band file whose voices and leads by General MIDI program are a synth lead's line and a choir's held chords
(Choir Aahs, a pad). ``auto`` took the top line of both, so the choir's chord tops joined the lead's line (and filled
its rests); a part that plays mostly chords is now left out of the choice by program when another part of it plays a
line, and the reason names it with the selector that takes it."""

from __future__ import annotations

from pathlib import Path

import pretty_midi

from mvae_core.config import DataConfig
from mvae_core.data.melody import VOICE_TOP_LINE
from mvae_core.data.midi import read_midi_bytes

BAR = 2.0  # seconds: 4/4 at 120 bpm
PIANO, BASS, CHOIR_AAHS, LEAD_SQUARE, LEAD_SAW = 0, 33, 52, 80, 81  # General MIDI programs from 0
LINE = [67, 69, 71, 72]  # the lead's eighths, under the choir's chord top (79)
CHOIR_CHORD = (72, 76, 79)


def band(path: Path, *extra: tuple[str, int, list[tuple[int, float, float]]]) -> Path:
    """8 bars written with pretty_midi (track 0 the tempo; parts from track 1, channels from 1): piano chords, a bass
    on the beats, a synth lead ('Synth 1', Lead 1) playing eighths in bars 1, 3, 5 and 7 (resting in the others), a
    choir ('Choir', Choir Aahs) holding a triad a bar, then the ``extra`` parts (name, program, notes)."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    parts = [
        ("Piano", PIANO, [(p, b * BAR, (b + 1) * BAR) for b in range(8) for p in (48, 52, 55)]),
        ("Bass", BASS, [(36, k * BAR / 4, (k + 0.9) * BAR / 4) for k in range(32)]),
        ("Synth 1", LEAD_SQUARE, eighths(LINE, bars=(0, 2, 4, 6))),
        ("Choir", CHOIR_AAHS, [(p, b * BAR, (b + 1) * BAR) for b in range(8) for p in CHOIR_CHORD]),
        *extra,
    ]
    for name, program, notes in parts:
        part = pretty_midi.Instrument(program=program, name=name)
        part.notes = [pretty_midi.Note(velocity=90, pitch=p, start=s, end=e) for p, s, e in notes]
        midi.instruments.append(part)
    midi.write(str(path))
    return path


def eighths(line: list[int], bars: tuple[int, ...]) -> list[tuple[int, float, float]]:
    """``line`` repeated in eighths (each held 80 % of its length) through ``bars``."""
    return [(line[k % len(line)], b * BAR + k * BAR / 8, b * BAR + (k + 0.8) * BAR / 8) for b in bars for k in range(8)]


def test_a_choirs_chords_beside_a_synth_lead_are_left_out_of_the_melody(tmp_path: Path) -> None:
    score = read_midi_bytes(band(tmp_path / "band.mid").read_bytes(), DataConfig())
    assert sorted(set(score.pitch.tolist())) == LINE  # no chord top of the choir
    assert len(score.pitch) == 32  # the lead's 4 bars of eighths, its rests not filled by the choir
    assert score.melody == (
        "programmed like a melody: track 3 'Synth 1' (channel 3, GM 81 Lead 1 (square)); left out, mostly chords: "
        "track 4 'Choir' (channel 4, GM 53 Choir Aahs) (to use it, set data.melody = \"track:4\")"
    ), score.melody


def test_the_selector_the_reason_names_takes_the_choir(tmp_path: Path) -> None:
    score = read_midi_bytes(band(tmp_path / "band.mid").read_bytes(), DataConfig(melody=["track:4"]))
    assert set(score.pitch.tolist()) == set(CHOIR_CHORD)


def test_two_leads_beside_a_choir_take_the_top_line_of_the_leads_alone(tmp_path: Path) -> None:
    second = ("Synth 2", LEAD_SAW, eighths([62, 64, 65, 64], bars=(1, 3, 5, 7)))
    score = read_midi_bytes(band(tmp_path / "band.mid", second).read_bytes(), DataConfig())
    assert sorted(set(score.pitch.tolist())) == [62, 64, 65, 67, 69, 71, 72]
    assert score.melody == (
        f"{VOICE_TOP_LINE} 5: the top line of 2 pitched parts (track 3 'Synth 1' (channel 3, GM 81 Lead 1 (square)), "
        "track 5 'Synth 2' (channel 5, GM 82 Lead 2 (sawtooth))); "
        'if one of them is the melody, set data.melody = "track:N" (N as listed); left out, mostly chords: '
        "track 4 'Choir' (channel 4, GM 53 Choir Aahs) (to use it, set data.melody = \"track:4\")"
    ), score.melody


def test_two_choirs_beside_a_lead_are_both_left_out(tmp_path: Path) -> None:
    pad = ("Choir 2", CHOIR_AAHS, [(p, b * BAR, (b + 1) * BAR) for b in range(8) for p in (60, 64, 67)])
    path = band(tmp_path / "band.mid", pad)
    score = read_midi_bytes(path.read_bytes(), DataConfig())  # the lead's line, both choirs left out
    assert sorted(set(score.pitch.tolist())) == LINE
    assert "left out, mostly chords: track 4 'Choir'" in score.melody
    assert "track 5 'Choir 2'" in score.melody


def test_a_choir_alone_among_the_voices_is_still_the_melody(tmp_path: Path) -> None:
    midi_path = tmp_path / "choir.mid"
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    for name, program, pitches in (("Piano", PIANO, (48, 52, 55)), ("Choir", CHOIR_AAHS, CHOIR_CHORD)):
        part = pretty_midi.Instrument(program=program, name=name)
        part.notes = [pretty_midi.Note(90, p, b * BAR, (b + 1) * BAR) for b in range(8) for p in pitches]
        midi.instruments.append(part)
    midi.write(str(midi_path))
    melody = read_midi_bytes(midi_path.read_bytes(), DataConfig()).melody
    assert melody == "programmed like a melody: track 2 'Choir' (channel 2, GM 53 Choir Aahs)", melody
