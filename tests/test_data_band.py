"""A band file's melody: Piano, Bass, 'Alto Sax' (GM 66) and drums. ``auto`` knew voices and synth leads alone, so
it took the top line of piano, bass and sax: the piano's held chord tops over the sax's tune. When no voice or lead
is there, the one solo instrument (sax, trumpet, flute, violin, …) is the melody; several, and ``auto`` takes their
top line (tests/test_melody_solo_parts.py), naming the selector that takes one of them."""

from __future__ import annotations

from pathlib import Path

from mvae_core.config import DataConfig
from mvae_core.data.melody import SOLO_TOP_LINE
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import TickScore
from tests.synth import SynthNote, SynthTrack, write_tracks

STEP = 240  # a 16th at 960 ticks per beat
TUNE = [72, 74, 76, 79, 77, 76, 74, 72]
PIANO, BASS, ALTO_SAX, TRUMPET, LEAD = 0, 33, 65, 56, 80  # GM programs from 0


def tune(channel: int) -> list[SynthNote]:
    return [SynthNote(TUNE[k % 8], k * 2 * STEP, k * 2 * STEP + STEP, channel=channel) for k in range(64)]


def chords() -> list[SynthNote]:  # held a bar each, their top (79) above most of the tune
    return [SynthNote(p, bar * 16 * STEP, (bar + 1) * 16 * STEP) for bar in range(8) for p in (60, 64, 67, 79)]


def bass() -> list[SynthNote]:
    return [SynthNote(36, beat * 4 * STEP, beat * 4 * STEP + 3 * STEP, channel=1) for beat in range(32)]


def band(path: Path, *lines: tuple[str, int]) -> tuple[TickScore, str]:
    """The score and melody reason of a file of piano chords, a bass and ``lines`` (name, program), each playing
    the tune."""
    tracks = [SynthTrack(chords(), "Piano", PIANO), SynthTrack(bass(), "Bass", BASS, channel=1)]
    tracks += [SynthTrack(tune(2 + i), name, program, channel=2 + i) for i, (name, program) in enumerate(lines)]
    score = read_midi_bytes(write_tracks(path, tracks).read_bytes(), DataConfig())
    return score, score.melody


def test_the_one_solo_instrument_of_a_band_is_its_melody(tmp_path: Path) -> None:
    score, melody = band(tmp_path / "My Song (final mix).mid", ("Alto Sax", ALTO_SAX))
    assert melody.startswith(
        "the one solo instrument (no voice or lead): track 3 'Alto Sax' (channel 3, GM 66 Alto Sax)"
    )
    assert sorted(score.pitch.tolist()) == sorted(n.pitch for n in tune(2))  # the tune whole, no chord top


def test_a_voice_or_lead_comes_before_a_solo_instrument(tmp_path: Path) -> None:
    _, melody = band(tmp_path / "song.mid", ("Alto Sax", ALTO_SAX), ("Synth", LEAD))
    assert melody.startswith("programmed like a melody: track 4 'Synth'")


def test_two_solo_instruments_take_their_top_line_and_name_the_selector_of_one(tmp_path: Path) -> None:
    _, melody = band(tmp_path / "song.mid", ("Alto Sax", ALTO_SAX), ("Trumpet", TRUMPET))
    assert melody.startswith(f"{SOLO_TOP_LINE} 4: the top line of 2 pitched parts")
    assert melody.endswith('; if one of them is the melody, set data.melody = "track:N" (N as listed)')


def test_a_type_0_files_parts_are_named_by_channel(tmp_path: Path) -> None:
    """A type-0 file's one track holds every part: ``track:0`` would take them all, ``channel:N`` takes one."""
    import mido

    events = [(n.start, "note_on", n.pitch, n.channel) for n in chords() + tune(1)]
    events += [(n.end, "note_off", n.pitch, n.channel) for n in chords() + tune(1)]
    track, now = mido.MidiTrack(), 0
    for tick, kind, pitch, channel in sorted(events, key=lambda e: (e[0], e[1] == "note_on")):
        track.append(mido.Message(kind, note=pitch, velocity=90, channel=channel, time=tick - now))
        now = tick
    midi = mido.MidiFile(type=0, ticks_per_beat=960, tracks=[track])
    midi.save(str(tmp_path / "type0.mid"))
    melody = read_midi_bytes((tmp_path / "type0.mid").read_bytes(), DataConfig()).melody
    assert melody.endswith('; if one of them is the melody, set data.melody = "channel:N" (N as listed)'), melody
