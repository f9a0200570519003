"""A band file with two voices or leads by General MIDI program (two synth leads trading, or a singer and a backing
vocal on Voice Oohs) and no part named like a melody. ``auto`` took the top line of every pitched part, so the piano's
held chord tops became the melody; it now takes the top line of the voice and lead parts alone, by the rule that
takes several solo instruments' (:data:`~mvae_core.data.melody.BY_PROGRAM`), and a part named as no melody
("Backing Vocals") is left out of them."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.melody import VOICE_TOP_LINE
from mvae_core.data.midi import read_midi_bytes
from mvae_core.report import print_skips
from tests.test_melody_solo_parts import SAX_LINE, TRUMPET_LINE, trading_fours

LEAD_SQUARE, LEAD_SAW, VOICE_OOHS = 80, 81, 53  # General MIDI programs from 0


def test_two_leads_take_the_top_line_of_those_two_alone(tmp_path: Path) -> None:
    path = trading_fours(tmp_path / "band.mid", ("Synth 1", LEAD_SQUARE), ("Synth 2", LEAD_SAW))
    score = read_midi_bytes(path.read_bytes(), DataConfig())
    assert sorted(set(score.pitch.tolist())) == sorted(SAX_LINE[:3] + TRUMPET_LINE[:3])  # no chord top, no bass
    assert score.melody == (
        f"{VOICE_TOP_LINE} 4: the top line of 2 pitched parts (track 4 'Synth 1' (channel 4, GM 81 Lead 1 (square)), "
        "track 5 'Synth 2' (channel 5, GM 82 Lead 2 (sawtooth))); "
        'if one of them is the melody, set data.melody = "track:N" (N as listed)'
    ), score.melody


def test_the_report_says_the_top_line_left_notes_out(tmp_path: Path) -> None:
    trading_fours(tmp_path / "band.mid", ("Synth 1", LEAD_SQUARE), ("Synth 2", LEAD_SAW))
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    out = io.StringIO()
    print_skips(Console(file=out, width=400), report)
    [line] = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("melody of")]
    assert f"{VOICE_TOP_LINE} 4: the top line of 2 pitched parts (track 4 'Synth 1'" in line, line
    assert line.endswith("; left out 56 notes of other parts or under the top line and 32 drum notes"), line


def test_a_voice_named_as_backing_is_left_out_of_the_voices(tmp_path: Path) -> None:
    path = trading_fours(tmp_path / "band.mid", ("Backing Vocals", VOICE_OOHS), ("Take 3", VOICE_OOHS))
    melody = read_midi_bytes(path.read_bytes(), DataConfig()).melody
    assert melody.startswith("programmed like a melody: track 5 'Take 3' (channel 5, GM 54 Voice Oohs)"), melody


def test_a_lead_vocal_by_name_comes_before_a_backing_one(tmp_path: Path) -> None:
    path = trading_fours(tmp_path / "band.mid", ("Backing Vocal", VOICE_OOHS), ("Lead Vocal", VOICE_OOHS))
    melody = read_midi_bytes(path.read_bytes(), DataConfig()).melody
    assert melody.startswith("named like a melody: track 5 'Lead Vocal'"), melody
