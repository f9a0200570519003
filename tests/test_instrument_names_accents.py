"""Instrument names typed with accents: ``--program flügelhorn`` was split into ``fl`` and ``gelhorn`` (a word held
only the letters a-z and digits), so it was offered only "see the General MIDI list", and ``glöckenspiel``,
``célesta`` and ``tímpani`` were refused. A name is read without its accents (Unicode NFKD less the combining marks,
ß as ss) before every rule, so an accented name is read exactly as its plain spelling, and a name in ASCII exactly as
before."""

from __future__ import annotations

import unicodedata

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import LACKING, LACKING_OTHER_NAMES, _list_words, program_name, program_number
from mvae_core.plain_text import plain

ACCENTED = str.maketrans("aeiouycnAEIOUYCN", "áéïóüÿçñÂÈÎÕÙÝÇÑ")
"""Every vowel, c and n with an accent (acute, grave, circumflex, diaeresis, tilde, cedilla)."""


def read(given: str) -> str:
    """What ``--program given`` gives: the instrument's name, or the refusal after the name as typed."""
    try:
        return program_name(program_number(given, "program"))
    except OptionError as refused:
        return str(refused).removeprefix(f"program is not a General MIDI instrument: {given!r}")


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("glöckenspiel", "Glockenspiel"),
        ("célesta", "Celesta"),
        ("tímpani", "Timpani"),
        ("Acoustic Baß", "Acoustic Bass"),
        ("ténor saxophone", "Tenor Sax"),
        (unicodedata.normalize("NFD", "Glöckenspiel"), "Glockenspiel"),  # the accent as a combining mark
        ("cellist", "Cello"),  # no accent: as before
    ],
)
def test_an_accented_name_is_the_instrument_its_plain_spelling_is(given: str, name: str) -> None:
    assert read(given) == name


def test_an_accented_instrument_general_midi_lacks_is_refused_naming_the_nearest_it_has() -> None:
    assert read("flügelhorn") == "; General MIDI has no flugelhorn, the nearest it has: 'Trumpet', 'French Horn'"
    assert read("Flügelhorn") == read("flugelhorn")


def test_every_ascii_letter_is_read_as_it_is() -> None:
    # NFKD decomposes letter by letter and ASCII has no combining marks, so a name in ASCII is read as before
    ascii_letters = "".join(map(chr, range(128)))
    assert plain(ascii_letters) == ascii_letters


def test_every_general_midi_name_and_word_reads_the_same_with_accents() -> None:
    names = [program_name(program) for program in range(1, 129)]
    words = sorted({*_list_words(), *LACKING, *LACKING_OTHER_NAMES})
    differ = {}
    for given in [*names, *words]:
        plain = read(given)
        for form in ("NFC", "NFD"):
            accented = unicodedata.normalize(form, given.translate(ACCENTED))
            if accented != given and read(accented) != plain:
                differ[accented] = (read(accented), plain)
    assert differ == {}
