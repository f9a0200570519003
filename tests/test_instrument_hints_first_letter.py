"""A word one slip of its first letter from another: ``--program bello`` was read as Tinkle Bell, since it lengthens
``bell``, although a user who typed it almost surely meant ``cello``. A typo keeps its first letter
(:func:`~mvae_core.instruments._typo_of`: ``lute`` is no Flute mistyped, ``singer`` no finger), so nothing said that
``bello`` might be Cello. The rule now: a longer form of a word of the list that is another word with its first letter
slipped (changed, dropped, added or swapped with the second) is read as neither, and the refusal offers both. A start
of a word stays that word's (``cell``: Cello, though one letter from ``bell``): a start is how musicians shorten a
name, where a longer form one letter off a word is as likely a slip of either."""

from __future__ import annotations

import contextlib
import string

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import GUESS_SHORTEST, _list_knows, _list_words, _typo_targets, program_name, program_number

REFUSED = {  # a longer form that is another word with its first letter slipped, and the end of its refusal
    "bello": "did you mean 'bell' or 'bells' or 'cello'? instruments with one of them: 'Tubular Bells', 'Cello', "
    "'Tinkle Bell'",
    "bellos": "did you mean 'bell' or 'bells' or 'cello'? instruments with one of them: 'Tubular Bells', 'Cello', "
    "'Tinkle Bell'",
    "panjo": "did you mean 'Banjo'?",  # was Pan Flute
    "pango": "did you mean 'Tango Accordion'?",  # was Pan Flute
    "hitar": "did you mean 'Sitar'?",  # was Orchestra Hit
    "warmonica": "did you mean 'Harmonica' or 'Pad 2 (warm)'?",  # was Pad 2 (warm)
    "tonky": "did you mean 'Honky-tonk Piano'?",  # honky or tonk: one instrument, still refused as a slip
}


def begins_or_lengthens(given: str) -> bool:
    """Whether ``given`` begins or lengthens a word of the General MIDI list (of 3 letters or more): the words the
    rules of starts and longer forms could read as that word. A typo keeps its first letter: the sweeps of typos are in
    tests/test_instruments_misspelt.py and tests/test_instruments_hints.py."""
    return any(given.startswith(word) or word.startswith(given) for word in _list_words() if len(word) >= 3)


@pytest.mark.parametrize(("given", "hint"), REFUSED.items())
def test_a_longer_form_one_first_letter_slip_from_another_word_is_refused_offering_both(given: str, hint: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == f"program is not a General MIDI instrument: {given!r}; {hint}"


def test_a_first_letter_slip_of_a_word_is_read_only_as_the_start_or_the_player_of_another() -> None:
    read = {}
    for word in sorted(_typo_targets()):
        if len(word) < GUESS_SHORTEST:
            continue
        slips = {c + word[1:] for c in string.ascii_lowercase} | {word[1:], word[1] + word[0] + word[2:]}
        slips |= {c + word for c in string.ascii_lowercase}
        for slip in sorted(slip for slip in slips - {word} if begins_or_lengthens(slip) and not _list_knows(slip)):
            with contextlib.suppress(OptionError):  # refused: not read
                read[slip] = program_name(program_number(slip))
    assert read == {
        "cell": "Cello",  # a start of cello (bell's first letter slipped)
        "fing": "Electric Bass (finger)",  # a start of finger (ring)
        "honk": "Honky-tonk Piano",  # a start of honky (tonk)
        "ringer": "Telephone Ring",  # a player of ring (finger): a player's word is the instrument it plays
    }
