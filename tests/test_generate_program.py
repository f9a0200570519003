"""The instrument of a written loop: every file asked for General MIDI program 1 (a piano), so a saxophonist's
generated line rendered with ``--audio`` sounded as a piano and a General MIDI player played it as one. ``program``
(``--program``) is a decoding option: a number 1-128 as the General MIDI list counts them, or an instrument's name."""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import audio
from mvae_core.cli import app
from mvae_core.errors import OptionError
from mvae_core.generation import DecodeOptions
from mvae_core.instruments import program_name, program_number


def _programs(midi: mido.MidiFile) -> list[int]:
    """The program change values of ``midi`` (the message's, 0-127)."""
    return [message.program for track in midi.tracks for message in track if message.type == "program_change"]


@pytest.mark.parametrize("given", [67, "67", " 67 ", "tenor sax", "Tenor Sax", "TENOR-SAX", "tenorsax"])
def test_a_program_is_a_general_midi_number_or_a_name(given: object) -> None:
    assert program_number(given) == 67 and program_name(67) == "Tenor Sax"


def test_the_first_and_last_programs_are_piano_and_gunshot() -> None:
    assert (program_name(1), program_name(128)) == ("Acoustic Grand Piano", "Gunshot")


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (0, "program must be a General MIDI program 1-128 or an instrument's name, got 0"),
        (129, "program must be a General MIDI program 1-128 or an instrument's name, got 129"),
        (True, "program must be a General MIDI program 1-128 or an instrument's name, got True"),
        (66.5, "program must be a General MIDI program 1-128 or an instrument's name, got 66.5"),
        (
            "sax",
            "program is not a General MIDI instrument: 'sax'; instruments with that word: 'Soprano Sax', 'Alto Sax', "
            "'Tenor Sax', 'Baritone Sax'",
        ),
        ("tenor sacks", "program is not a General MIDI instrument: 'tenor sacks'; did you mean 'Tenor Sax'?"),
    ],
)
def test_anything_else_is_refused_naming_the_option_and_what_it_takes(given: object, said: str) -> None:
    with pytest.raises(OptionError) as raised:
        DecodeOptions(program=given)  # type: ignore[arg-type]
    assert str(raised.value) == said


def test_options_keep_a_name_as_its_number() -> None:
    assert DecodeOptions(program="alto sax") == DecodeOptions(program=66)
    assert DecodeOptions().program == 1


def test_the_written_file_asks_for_the_program(tiny_run: Path) -> None:
    run = mvae_core.load(tiny_run)
    assert _programs(run.generate([0.5, -1]).midi_file(0)) == [0]
    assert _programs(run.generate([0.5, -1], program="tenor sax").midi_file(0)) == [66]
    line = run.interpolate([0, 0], [1, 1], steps=2, program=74)
    assert _programs(line.midi_file(0)) == [73] and _programs(line.joined().midi_file(0)) == [73]


def test_the_commands_take_a_number_or_a_name(tiny_run: Path, tmp_path: Path) -> None:
    generate = ["generate", str(tiny_run), "--z", "0.5,-1", "--out", str(tmp_path / "sax.mid"), "--program", "alto sax"]
    assert CliRunner().invoke(app, generate).exit_code == 0
    assert _programs(mido.MidiFile(tmp_path / "sax.mid")) == [65]
    line = ["interpolate", str(tiny_run), "--from", "0,0", "--to", "1,1", "--steps", "2", "--out", str(tmp_path / "i")]
    assert CliRunner().invoke(app, [*line, "--program", "41"]).exit_code == 0
    assert {tuple(_programs(mido.MidiFile(path))) for path in (tmp_path / "i").glob("*.mid")} == {(40,)}


def test_a_name_of_several_instruments_exits_2_listing_them(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "sax.mid"
    printed = CliRunner().invoke(app, ["generate", str(tiny_run), "--z", "0,0", "--out", str(out), "--program", "sax"])
    said = " ".join(printed.stderr.split())
    assert printed.exit_code == 2 and "--program is not a General MIDI instrument: 'sax'; instruments with" in said
    assert not out.exists()


@pytest.mark.skipif(audio.fluidsynth_missing() is not None, reason="the fluidsynth program is not installed")
def test_fluidsynth_plays_the_program(tiny_run: Path) -> None:
    run = mvae_core.load(tiny_run)
    piano, sax = (run.generate([0.5, -1], program=p).audio(0, renderer="fluidsynth") for p in (1, "tenor sax"))
    assert piano.samples.shape == sax.samples.shape and np.abs(piano.samples).max() > 0.01
    assert not np.allclose(piano.samples, sax.samples, atol=1e-3)
