"""Instruments General MIDI has no program for: ``--program mandolin`` (ukulele, wurlitzer, flugelhorn, cornet, …) was
refused with only "see the General MIDI list", and ``melodica`` was read as Melodic Tom, a drum (it lengthens
``melodic``). Such a name is refused naming the General MIDI instruments nearest to it
(:data:`~mvae_core.instruments.LACKING`), also mistyped, as a plural or a player, and among other words; it is never
read as an instrument, nor is a slip of it."""

from __future__ import annotations

import contextlib
import string

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import LACKING, _list_words, program_name, program_number

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
}


def begins_or_lengthens(given: str) -> bool:
    """Whether ``given`` begins or lengthens a word of the General MIDI list (of 3 letters or more): the words the
    rules of starts and longer forms could read as that word. A typo keeps its first letter: the sweeps of typos are in
    tests/test_instruments_misspelt.py and tests/test_instruments_hints.py."""
    return any(given.startswith(word) or word.startswith(given) for word in _list_words() if len(word) >= 3)


@pytest.mark.parametrize(("given", "hint"), HINTS.items())
def test_an_instrument_general_midi_lacks_is_refused_naming_the_nearest_it_has(given: str, hint: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == f"program is not a General MIDI instrument: {given!r}; {hint}"


def test_each_nearest_instrument_is_a_general_midi_name() -> None:
    for nearest in LACKING.values():
        assert [program_name(program_number(name)) for name in nearest] == list(nearest)


def test_no_slip_of_an_instrument_general_midi_lacks_is_read_as_an_instrument() -> None:
    letters = string.ascii_lowercase
    read = {}
    for key in LACKING:
        cuts = [(key[:i], key[i:]) for i in range(len(key) + 1)]
        slips = {a + b[1:] for a, b in cuts if b} | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
        slips |= {a + c + b[1:] for a, b in cuts if b for c in letters} | {a + c + b for a, b in cuts for c in letters}
        for slip in sorted(slip for slip in slips - {key} if begins_or_lengthens(slip)):
            with contextlib.suppress(OptionError):  # refused: not read
                read[slip] = program_name(program_number(slip))
    assert read == {"melodic": "Melodic Tom", "melodics": "Melodic Tom"}  # a word of the list: itself
