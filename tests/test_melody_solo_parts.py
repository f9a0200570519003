"""A band file with two solo instruments: piano, bass, drums, an alto sax and a trumpet (a head played by two horns,
or trading fours). ``auto`` took the top line of every pitched part, so the piano's held chord tops became most of
the melody; with no voice or lead and several parts of :data:`~mvae_core.data.melody.SOLO_PROGRAMS`, the melody is
the top line of those parts alone, and the report's reason names them."""

from __future__ import annotations

import io
from pathlib import Path

import pretty_midi
from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.melody import SOLO_TOP_LINE
from mvae_core.data.midi import read_midi_bytes
from mvae_core.report import print_skips

BEAT = 0.5  # seconds at 120 bpm
PIANO, BASS, ALTO_SAX, TRUMPET, LEAD = 0, 33, 65, 56, 80  # General MIDI programs from 0
SAX_LINE, TRUMPET_LINE = [72, 74, 76, 74], [77, 79, 81, 79]  # both under the piano's chord top (84)


def _part(name: str, program: int, notes: list[tuple[int, float, float]], is_drum: bool = False):
    part = pretty_midi.Instrument(program=program, is_drum=is_drum, name=name)
    part.notes = [pretty_midi.Note(velocity=90, pitch=p, start=s, end=e) for p, s, e in notes]
    return part


def trading_fours(path: Path, *horns: tuple[str, int]) -> Path:
    """8 bars: piano chords held a bar each (their top, 84, above every horn note), a bass on the beats, drums, and
    ``horns`` (name, program) trading: each plays eighths for four bars in turn, the sax's line then the
    trumpet's."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    bar = 4 * BEAT
    midi.instruments.append(
        _part("Piano", PIANO, [(p, b * bar, (b + 1) * bar) for b in range(8) for p in (60, 64, 84)])
    )
    midi.instruments.append(_part("Bass", BASS, [(36, k * BEAT, (k + 0.9) * BEAT) for k in range(32)]))
    midi.instruments.append(_part("Drums", 0, [(36, k * BEAT, (k + 0.5) * BEAT) for k in range(32)], is_drum=True))
    for turn, (name, program) in enumerate(horns):
        line = (SAX_LINE, TRUMPET_LINE)[turn % 2]
        eighths = [
            (line[k % 4], (turn * 4 * bar) + k * BEAT / 2, (turn * 4 * bar) + (k + 0.8) * BEAT / 2) for k in range(32)
        ]
        midi.instruments.append(_part(name, program, eighths))
    midi.write(str(path))
    return path


def test_two_solo_instruments_take_the_top_line_of_those_two_alone(tmp_path: Path) -> None:
    path = trading_fours(tmp_path / "band.mid", ("Alto Sax", ALTO_SAX), ("Trumpet", TRUMPET))
    score = read_midi_bytes(path.read_bytes(), DataConfig())
    assert sorted(set(score.pitch.tolist())) == sorted(SAX_LINE[:3] + TRUMPET_LINE[:3])  # no chord top, no bass
    assert len(score.pitch) == 64
    assert score.melody == (
        f"{SOLO_TOP_LINE} 4: the top line of 2 pitched parts (track 4 'Alto Sax' (channel 4, GM 66 Alto Sax), "
        "track 5 'Trumpet' (channel 5, GM 57 Trumpet)); "
        'if one of them is the melody, set data.melody = "track:N" (N as listed)'
    ), score.melody


def test_the_report_says_which_parts_the_top_line_took_and_what_it_left_out(tmp_path: Path) -> None:
    trading_fours(tmp_path / "band.mid", ("Alto Sax", ALTO_SAX), ("Trumpet", TRUMPET))
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    out = io.StringIO()
    print_skips(Console(file=out, width=400), report)
    [line] = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("melody of")]
    assert f"{SOLO_TOP_LINE} 4: the top line of 2 pitched parts (track 4 'Alto Sax'" in line, line
    assert line.endswith("; left out 56 notes of other parts or under the top line and 32 drum notes"), line


def test_a_voice_or_lead_still_comes_before_two_solo_instruments(tmp_path: Path) -> None:
    path = trading_fours(tmp_path / "band.mid", ("Alto Sax", ALTO_SAX), ("Trumpet", TRUMPET), ("Synth", LEAD))
    assert read_midi_bytes(path.read_bytes(), DataConfig()).melody.startswith("programmed like a melody: track 6")
