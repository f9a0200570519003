"""Instrument names as a band says them: ``--program "bass guitar"`` answered ``did you mean 'Sitar'?``, ``"upright
bass"`` and ``"rhodes"`` pointed at the General MIDI list, and ``"synth lead"`` suggested ``'Synth Drum'``. A musician's
name for a General MIDI one (:data:`~mvae_core.instruments.ALIASES`) is read as it; a family's name lists its eight;
a spelling suggestion for a name of several words holds one of them. ``--program bass`` listed Bassoon among the basses
(``bass`` begins ``bassoon``): a word of the list fits that word alone. ``"mellotron"`` was offered ``'Melodic Tom'``,
a whole name as close as any suggestion may be with no word spelt like it: a suggestion shares a word with the
name."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.errors import OptionError
from mvae_core.instruments import program_name, program_number


def refusal(given: str) -> str:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    return str(refused.value)


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("upright bass", "Acoustic Bass"),
        ("Double Bass", "Acoustic Bass"),
        ("rhodes", "Electric Piano 1"),
        ("hammond", "Drawbar Organ"),
        ("vibes", "Vibraphone"),
    ],
)
def test_a_musicians_name_for_one_instrument_is_that_instrument(given: str, name: str) -> None:
    assert program_name(program_number(given)) == name


@pytest.mark.parametrize("given", ["bass guitar", "Bass-Guitar"])
def test_a_bass_guitar_lists_the_electric_basses(given: str) -> None:
    assert refusal(given) == (
        f"program is not a General MIDI instrument: {given!r} (General MIDI: 'electric bass'); instruments with those "
        "words: 'Electric Bass (finger)', 'Electric Bass (pick)'"
    )


def test_a_general_midi_familys_name_lists_its_instruments() -> None:
    assert refusal("synth lead") == (
        "program is not a General MIDI instrument: 'synth lead'; the General MIDI Synth Lead family: 'Lead 1 (square)', "
        "'Lead 2 (sawtooth)', 'Lead 3 (calliope)', 'Lead 4 chiff', 'Lead 5 (charang)', 'Lead 6 (voice)', "
        "'Lead 7 (fifths)', 'Lead 8 (bass + lead)'"
    )


def test_a_name_of_several_words_is_suggested_no_instrument_without_one_of_them() -> None:
    said = refusal("fender bass")  # spelt close to no General MIDI name holding 'fender' or 'bass'
    assert "did you mean" not in said
    assert said.startswith("program is not a General MIDI instrument: 'fender bass'; instruments with 'bass': ")
    assert "'Electric Bass (finger)'" in said


def test_the_command_exits_2_naming_the_option_and_the_name(tmp_path) -> None:
    printed = CliRunner().invoke(app, ["serve", str(tmp_path), "--program", "bass guitar"])  # refused before the run
    assert printed.exit_code == 2
    assert "--program is not a General MIDI instrument: 'bass guitar' (General MIDI: 'electric bass')" in printed.stderr


def test_a_word_of_the_list_names_that_word_not_a_longer_one() -> None:
    listed = refusal("bass").partition("instruments with that word: ")[2]
    assert "'Bassoon'" not in listed
    assert listed.startswith("'Acoustic Bass', 'Electric Bass (finger)', 'Electric Bass (pick)', 'Fretless Bass'")
    assert program_name(program_number("bassoons")) == "Bassoon"  # its singular is a word: not a longer form of Bass


def test_a_spelling_suggestion_shares_a_word_with_the_name() -> None:
    assert refusal("melotone") == (  # spelt closest to 'Melodic Tom', as mellotron (now in LACKING) was
        "program is not a General MIDI instrument: 'melotone'; see the General MIDI list (docs/cli.md, mvae generate)"
    )
    assert refusal("trumpit").endswith("; did you mean 'Trumpet'?")  # a word misspelt
    assert refusal("tenor sacks").endswith("; did you mean 'Tenor Sax'?")  # holds 'tenor'
