"""A mistyped instrument name: ``--program harpsicord`` (Harpsichord mistyped) was read as Orchestral Harp, because
``harpsicord`` begins with the General MIDI word ``harp`` and a word the list does not know may be a longer form of
one (``saxophone`` for Sax). A word that is another word of the list mistyped is no longer form of it: the name is
the instrument it means or is refused with what it could mean, never read as another instrument."""

from __future__ import annotations

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import program_name, program_number

MISTYPED = {  # common misspellings, and the General MIDI name each means
    "harpsicord": "Harpsichord",
    "harpsichoard": "Harpsichord",
    "harpiscord": "Harpsichord",
    "harpsecord": "Harpsichord",
    "tombone": "Trombone",
    "trombon": "Trombone",
    "tompani": "Timpani",
    "timpany": "Timpani",
    "voilin": "Violin",
    "viloa": "Viola",
    "chello": "Cello",
    "tubalar bells": "Tubular Bells",
    "tubbular bells": "Tubular Bells",
    "tubu": "Tuba",
    "agego": "Agogo",
    "glockenspeil": "Glockenspiel",
    "accordian": "Accordion",
    "xylaphone": "Xylophone",
    "clarinnet": "Clarinet",
    "clarinette": "Clarinet",
    "picolo": "Piccolo",
    "basoon": "Bassoon",
    "trumpit": "Trumpet",
    "shamisan": "Shamisen",
    "ocarena": "Ocarina",
    "recoder": "Recorder",
    "contrebass": "Contrabass",
    "fretles bass": "Fretless Bass",
    "fretess bass": "Fretless Bass",
    "orcestral harp": "Orchestral Harp",
    "tremelo strings": "Tremolo Strings",
}


def assert_read_as_or_offered(given: str, meant: str) -> None:
    """``given`` is read as ``meant``, or refused with ``did you mean`` ``meant``."""
    try:
        read = program_name(program_number(given, "program"))
    except OptionError as refused:
        assert str(refused).endswith(f"; did you mean {meant!r}?"), given
    else:
        assert read == meant, given


@pytest.mark.parametrize(("given", "meant"), MISTYPED.items())
def test_a_mistyped_name_is_the_instrument_it_means_or_is_refused_offering_it(given: str, meant: str) -> None:
    assert_read_as_or_offered(given, meant)


@pytest.mark.parametrize(
    ("given", "not_offered"),
    [("pano", "Pan Flute"), ("piana", "Pan Flute"), ("hon", "Honky-tonk"), ("tonkle", "Honky-tonk")],
)
def test_a_short_word_mistyped_is_no_instrument_it_begins_or_lengthens(given: str, not_offered: str) -> None:
    # pano: Piano mistyped, not Pan Flute; hon: Horn, not Honky-tonk; tonkle: Tinkle, not Honky-tonk (the hints they
    # get: tests/test_instruments_hints.py)
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert not_offered not in str(refused.value)


def test_each_one_letter_slip_in_harpsichord_is_never_the_harp() -> None:
    word = "harpsichord"
    slips = {word[:i] + word[i + 1 :] for i in range(4, len(word))}  # a letter after 'harp' dropped
    slips |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(3, len(word) - 1)}  # two swapped
    for slip in sorted(slips):
        assert_read_as_or_offered(slip, "Harpsichord")


@pytest.mark.parametrize(
    ("given", "name"),
    [("tromboner", "Trombone"), ("harpist", "Orchestral Harp"), ("tenor saxophone", "Tenor Sax"), ("obo", "Oboe")],
)
def test_a_longer_form_or_a_start_that_is_no_typo_still_names_its_instrument(given: str, name: str) -> None:
    assert program_name(program_number(given)) == name


def test_a_player_of_the_harpsichord_is_no_harpist() -> None:
    # 'harpsichordist' lengthens both Harp and Harpsichord; a player's word is read as the instrument it plays
    assert program_name(program_number("harpsichordist")) == "Harpsichord"
    with pytest.raises(OptionError, match="did you mean 'Harpsichord'"):  # its stem mistyped is no Harp either
        program_number("harpsicordist", "program")


def test_a_word_one_slip_from_two_instruments_is_neither_silently() -> None:
    with pytest.raises(OptionError, match="did you mean 'Viola'"):  # 'violan': Viola or Violin; it was read as Viola
        program_number("violan", "program")
