"""Instruments General MIDI has no program for: ``--program mandolin`` (ukulele, wurlitzer, flugelhorn, cornet, …) was
refused with only "see the General MIDI list", and ``melodica`` was read as Melodic Tom, a drum (it lengthens
``melodic``). Such a name is refused naming the General MIDI instruments nearest to it
(:data:`~mvae_core.instruments.LACKING`), also mistyped, as a plural or a player, by another name
(:data:`~mvae_core.instruments.LACKING_OTHER_NAMES`: ``wurli``, ``uke``) and among other words; it is never read as an
instrument, nor is a slip of it, while a word of the list or a start of one keeps its reading (``melodi``: Melodic
Tom, which the first rule had refused as melodica mistyped)."""

from __future__ import annotations

import contextlib
import string

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import (
    LACKING,
    LACKING_OTHER_NAMES,
    _lacking,
    _list_knows,
    _list_words,
    program_name,
    program_number,
)

GUITARS_BANJO = "'Acoustic Guitar (steel)', 'Acoustic Guitar (nylon)', 'Banjo'"
TRUMPET_HORN = "'Trumpet', 'French Horn'"
HINTS = {  # a name, and the end of its refusal
    "mandolin": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",
    "ukulele": "General MIDI has no ukulele, the nearest it has: 'Acoustic Guitar (nylon)', 'Acoustic Guitar (steel)', "
    "'Banjo'",
    "wurlitzer": "General MIDI has no wurlitzer, the nearest it has: 'Electric Piano 1', 'Electric Piano 2'",
    "flugelhorn": f"General MIDI has no flugelhorn, the nearest it has: {TRUMPET_HORN}",
    "cornet": f"General MIDI has no cornet, the nearest it has: {TRUMPET_HORN}",
    "euphonium": "General MIDI has no euphonium, the nearest it has: 'Tuba', 'Trombone'",
    "sousaphone": "General MIDI has no sousaphone, the nearest it has: 'Tuba'",
    "melodica": "General MIDI has no melodica, the nearest it has: 'Harmonica', 'Accordion'",
    "harmonium": "General MIDI has no harmonium, the nearest it has: 'Reed Organ', 'Accordion'",
    "Mandolins": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",
    "mandoline": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",
    "mandolinist": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",
    "electric mandolin": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",
    "pandolin": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",  # was Pan Flute
    "ukelele": "General MIDI has no ukulele, the nearest it has: 'Acoustic Guitar (nylon)', 'Acoustic Guitar (steel)', "
    "'Banjo'",
    "fluegelhorn": f"General MIDI has no flugelhorn, the nearest it has: {TRUMPET_HORN}",
    "cornetist": f"General MIDI has no cornet, the nearest it has: {TRUMPET_HORN}",
    "warmonium": "General MIDI has no harmonium, the nearest it has: 'Reed Organ', 'Accordion'",  # was Pad 2 (warm)
    # instruments added after the first nine, each offered only "see the General MIDI list" before
    "bouzouki": "General MIDI has no bouzouki, the nearest it has: 'Acoustic Guitar (steel)', 'Banjo'",
    "balalaika": "General MIDI has no balalaika, the nearest it has: 'Acoustic Guitar (nylon)', "
    "'Acoustic Guitar (steel)', 'Banjo'",
    "lute": "General MIDI has no lute, the nearest it has: 'Acoustic Guitar (nylon)'",  # no Flute
    "lutenist": "General MIDI has no lute, the nearest it has: 'Acoustic Guitar (nylon)'",
    "oud": "General MIDI has no oud, the nearest it has: 'Acoustic Guitar (nylon)'",
    "zither": "General MIDI has no zither, the nearest it has: 'Koto', 'Dulcimer'",
    "cimbalom": "General MIDI has no cimbalom, the nearest it has: 'Dulcimer'",
    "santoor": "General MIDI has no santur, the nearest it has: 'Dulcimer'",
    "erhu": "General MIDI has no erhu, the nearest it has: 'Fiddle', 'Violin'",
    "wurli": "General MIDI has no wurlitzer, the nearest it has: 'Electric Piano 1', 'Electric Piano 2'",
    "clavichord": "General MIDI has no clavichord, the nearest it has: 'Harpsichord', 'Clavinet'",
    "mellotron": "General MIDI has no mellotron, the nearest it has: 'String Ensemble 1', 'Flute', 'Choir Aahs'",
    "moog": "General MIDI has no moog, the nearest it has: 'Lead 2 (sawtooth)', 'Synth Bass 1'",
    "minimoog": "General MIDI has no moog, the nearest it has: 'Lead 2 (sawtooth)', 'Synth Bass 1'",
    "theremin": "General MIDI has no theremin, the nearest it has: 'Lead 6 (voice)', 'Whistle'",
    "mellophone": "General MIDI has no mellophone, the nearest it has: 'French Horn', 'Trumpet'",
    "flugel": f"General MIDI has no flugelhorn, the nearest it has: {TRUMPET_HORN}",
    "fife": "General MIDI has no fife, the nearest it has: 'Piccolo', 'Flute'",
    "fifer": "General MIDI has no fife, the nearest it has: 'Piccolo', 'Flute'",
    "bandoneon": "General MIDI has no bandoneon, the nearest it has: 'Tango Accordion', 'Accordion'",
    "bandonion": "General MIDI has no bandoneon, the nearest it has: 'Tango Accordion', 'Accordion'",
    "concertina": "General MIDI has no concertina, the nearest it has: 'Accordion', 'Tango Accordion'",
    "steelpan": "General MIDI has no steelpan, the nearest it has: 'Steel Drums'",  # listed the steel guitar too
    "handpan": "General MIDI has no handpan, the nearest it has: 'Steel Drums'",
    "uke": "General MIDI has no ukulele, the nearest it has: 'Acoustic Guitar (nylon)', 'Acoustic Guitar (steel)', "
    "'Banjo'",
    "mando": f"General MIDI has no mandolin, the nearest it has: {GUITARS_BANJO}",
}

KEEP_READING = {  # words one slip from a word General MIDI lacks, which keep what they are read as
    "mute": "'mute'; instruments with that word: 'Electric Guitar (muted)', 'Muted Trumpet'",  # no lute mistyped
    "moon": "'moon'; see the General MIDI list (docs/cli.md, mvae generate)",  # no moog: a short word's slip
    "melodi": "Melodic Tom",  # a start of melodic, no melodica mistyped
    "harmoni": "'harmoni'; did you mean 'Harmonica'?",  # a start of harmonica and harmonics, no harmonium
}


LIST_WORDS = [word for word in _list_words() if len(word) >= 3]
STARTS = {word[:end] for word in LIST_WORDS for end in range(3, len(word) + 1)}


def begins_or_lengthens(given: str) -> bool:
    """Whether ``given`` begins or lengthens a word of the General MIDI list (of 3 letters or more): the words the
    rules of starts and longer forms could read as that word. A typo keeps its first letter: the sweeps of typos are in
    tests/test_instruments_misspelt.py and tests/test_instruments_hints.py."""
    return given in STARTS or any(given[:end] in LIST_WORDS for end in range(3, len(given)))


@pytest.mark.parametrize(("given", "hint"), HINTS.items())
def test_an_instrument_general_midi_lacks_is_refused_naming_the_nearest_it_has(given: str, hint: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == f"program is not a General MIDI instrument: {given!r}; {hint}"


def test_each_nearest_instrument_is_a_general_midi_name() -> None:
    for nearest in LACKING.values():
        assert [program_name(program_number(name)) for name in nearest] == list(nearest)


@pytest.mark.parametrize(("given", "read"), KEEP_READING.items())
def test_a_short_words_slip_and_a_start_of_a_word_of_the_list_keep_their_reading(given: str, read: str) -> None:
    try:
        said = program_name(program_number(given, "program"))
    except OptionError as refused:
        said = str(refused).removeprefix("program is not a General MIDI instrument: ")
    assert said == read


def test_no_word_of_the_list_nor_start_of_one_names_an_instrument_general_midi_lacks() -> None:
    assert [start for start in sorted(STARTS) if _lacking(start)] == []


def test_no_slip_of_an_instrument_general_midi_lacks_is_read_as_an_instrument() -> None:
    letters = string.ascii_lowercase
    read = {}
    for key in [*LACKING, *LACKING_OTHER_NAMES]:
        cuts = [(key[:i], key[i:]) for i in range(len(key) + 1)]
        slips = {a + b[1:] for a, b in cuts if b} | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
        slips |= {a + c + b[1:] for a, b in cuts if b for c in letters} | {a + c + b for a, b in cuts for c in letters}
        for slip in sorted(slip for slip in slips - {key} if begins_or_lengthens(slip)):
            with contextlib.suppress(OptionError):  # refused: not read
                read[slip] = program_name(program_number(slip))
    assert read == {  # each a word of the list or a start of one, which keeps its reading
        "melodic": "Melodic Tom",
        "melodics": "Melodic Tom",
        "flute": "Flute",  # lute with a letter added
        "fif": "Lead 7 (fifths)",  # fife with its last letter dropped: a start of fifths
        "fift": "Lead 7 (fifths)",
    }
    assert all(_list_knows(word) or word in STARTS for word in read)
