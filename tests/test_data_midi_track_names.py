"""Track names as DAWs write them: UTF-8 (Logic, Ableton Live, Reaper, MuseScore), or Latin-1 in older files.

A UTF-8 name was read as Latin-1 (``Mélodie ♪`` became ``MÃ©lodie â\\x99ª`` in the data report), so
``--melody name:Mélodie`` matched nothing, and ``auto`` did not see the melody word in ``Mélodie``.
"""

from __future__ import annotations

import unicodedata

import mido

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes

STEP = 240


def song(path, lead_name: bytes):
    """Two parts, 'Keys' (more notes, below) and the lead named by the raw bytes ``lead_name``."""

    def track(name: bytes, channel: int, base: int, every: int) -> mido.MidiTrack:
        events = [mido.MetaMessage("track_name", name=name.decode("latin-1"))]
        for k in range(64 // every):
            events.append(mido.Message("note_on", note=base + k % 5, velocity=90, channel=channel, time=0))
            events.append(mido.Message("note_off", note=base + k % 5, channel=channel, time=every * STEP))
        return mido.MidiTrack(events)

    midi = mido.MidiFile(type=1, ticks_per_beat=960, charset="latin1")
    midi.tracks += [track(b"Keys", 0, 48, 1), track(lead_name, 1, 72, 2)]
    midi.save(path)
    return path.read_bytes()


def test_a_utf8_track_name_reads_as_written_and_auto_takes_it_as_the_melody(tmp_path):
    data = song(tmp_path / "song.mid", "Mélodie ♪".encode())
    score = read_midi_bytes(data, DataConfig())
    assert score.melody == "named like a melody: track 1 'Mélodie ♪' (channel 2, GM 1 Acoustic Grand Piano)"


def test_a_name_selector_matches_the_utf8_name(tmp_path):
    data = song(tmp_path / "song.mid", "Gesang – Strophe".encode())
    score = read_midi_bytes(data, DataConfig(melody=["name:gesang – strophe"]))
    assert "'Gesang – Strophe'" in score.melody
    assert len(score.pitch) == 32


def test_a_latin1_track_name_still_reads(tmp_path):
    data = song(tmp_path / "song.mid", "Mélodie".encode("latin-1"))
    assert "'Mélodie'" in read_midi_bytes(data, DataConfig()).melody


def test_a_name_selector_ignores_case_and_accents_however_they_are_composed(tmp_path):
    # macOS may write "é" decomposed (NFD: e + combining accent), a terminal types it composed (NFC), or not at all
    decomposed = unicodedata.normalize("NFD", "Mélodie")
    data = song(tmp_path / "song.mid", decomposed.encode())
    for typed in ("name:mélodie", "name:MELODIE"):
        score = read_midi_bytes(data, DataConfig(melody=[typed]))
        assert len(score.pitch) == 32, typed
