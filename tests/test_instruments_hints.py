"""Instrument names as musicians type them: ``--program violincello`` (violoncello misspelt) was read as Violin,
because it lengthens ``violin``, and ``violoncello`` itself, ``contrabassoon`` (read as Contrabass), ``cellist`` and
``pianist`` met no rule; short slips (``pano``, ``hon``, ``rin``) were refused with only "see the General MIDI list".
A one-word alias (``violoncello``: Cello) counts as a word a typo may mean, a word ending with another word of the
list is no longer form of its start, a player's word is read as the instrument it plays, and a refusal names the
instruments a mistyped word would name. Each name below is written down with what it gives: an instrument, or a
refusal and its hint; none is read as another instrument, and no hint offers one a first letter apart (``lute`` is
no Flute, ``singer`` no finger) unless the name lengthens a word of the list too (``bello``:
tests/test_instrument_hints_first_letter.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.errors import OptionError
from mvae_core.instruments import program_name, program_number

PIANOS = (
    "'Acoustic Grand Piano', 'Bright Acoustic Piano', 'Electric Grand Piano', 'Honky-tonk Piano', 'Electric Piano 1', "
    "'Electric Piano 2'"
)

READ_AS = {  # a musician's name, and the General MIDI instrument it is
    "violoncello": "Cello",
    "cellist": "Cello",
    "violinist": "Violin",
    "violist": "Viola",
    "bassoonist": "Bassoon",
    "trumpeter": "Trumpet",
    "trombonist": "Trombone",
    "tubist": "Tuba",
    "oboist": "Oboe",
    "flutist": "Flute",
    "clarinettist": "Clarinet",
    "timpanist": "Timpani",
    "xylophonist": "Xylophone",
    "vibraphonist": "Vibraphone",
    "marimbist": "Marimba",
    "fiddler": "Fiddle",
    "bagpiper": "Bagpipe",
    "jazz guitarist": "Electric Guitar (jazz)",
    "tenor saxophonist": "Tenor Sax",
    "hammond organ": "Drawbar Organ",
    "rhodes piano": "Electric Piano 1",
    "clavinet": "Clavinet",
    "clav": "Clavinet",
    "panflute": "Pan Flute",
    "piccolo": "Piccolo",
    "harmonica": "Harmonica",
    "accordion": "Accordion",
    "glockenspiel": "Glockenspiel",
    "celesta": "Celesta",
}

REFUSED = {  # a name General MIDI cannot take as it is, and the end of the refusal
    "violincello": "'violincello'; did you mean 'Cello'?",
    "violoncelo": "'violoncelo'; did you mean 'Cello'?",
    "contrabassoon": "'contrabassoon'; instruments with 'bassoon' or 'contrabass': 'Contrabass', 'Bassoon'",
    "fender rhodes": "'fender rhodes' (General MIDI: 'fender electric piano 1'); did you mean 'Electric Piano 1'?",
    "celeste": "'celeste'; did you mean 'Celesta'?",
    "pianist": f"'pianist' (General MIDI: 'piano'); instruments with that word: {PIANOS}",
    "pianoforte": f"'pianoforte'; instruments with that word: {PIANOS}",
    "pano": f"'pano'; did you mean 'piano'? instruments with that word: {PIANOS}",
    "piana": f"'piana'; did you mean 'piano'? instruments with that word: {PIANOS}",
    "hon": "'hon'; did you mean 'horn'? instruments with that word: 'French Horn', 'English Horn'",
    "rin": "'rin'; did you mean 'FX 1 (rain)' or 'Telephone Ring'?",
    "tonkle": "'tonkle'; did you mean 'Tinkle Bell'?",
    "drummer": "'drummer' (General MIDI: 'drum'); General MIDI plays drums on MIDI channel 10, a note for each drum or "
    "cymbal, so a drum kit is no program; the nearest programs it has: 'Timpani', 'Steel Drums', 'Taiko Drum', "
    "'Melodic Tom', 'Synth Drum', 'Woodblock', 'Agogo'",
}

NOT_IN_GENERAL_MIDI = ["singer"]
"""A word a letter from a word of the list (singer: finger), which is offered none (an instrument General MIDI lacks
is offered the nearest it has: ``lute`` the nylon guitar, no Flute; tests/test_instrument_hints_lacking.py; a drum,
``kick`` no Pick Bass nor ``hi-hat`` Orchestra Hit, is refused saying General MIDI plays drums on channel 10:
tests/test_instrument_drums.py)."""


@pytest.mark.parametrize(("given", "name"), READ_AS.items())
def test_a_musicians_name_is_the_instrument_it_means(given: str, name: str) -> None:
    assert program_name(program_number(given)) == name


@pytest.mark.parametrize(("given", "said"), REFUSED.items())
def test_a_name_general_midi_cannot_take_is_refused_with_what_it_could_mean(given: str, said: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == f"program is not a General MIDI instrument: {said}"


@pytest.mark.parametrize("given", NOT_IN_GENERAL_MIDI)
def test_an_instrument_general_midi_lacks_is_offered_no_other(given: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == (
        f"program is not a General MIDI instrument: {given!r}; see the General MIDI list (docs/cli.md, mvae generate)"
    )


def test_the_command_exits_2_naming_the_option_and_the_instrument_meant(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["serve", str(tmp_path), "--program", "violincello"])  # refused before the run
    assert printed.exit_code == 2
    assert "--program is not a General MIDI instrument: 'violincello'; did you mean 'Cello'?" in printed.stderr
