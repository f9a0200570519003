"""Players and aliases: ``--program violoncellist`` was refused ("did you mean 'Cello'") although ``violoncello`` (an
alias) and ``cellist`` were read, as a player's stem was looked up among the list's words alone; and a plural player
(``cellists``, ``mandolinists``) was refused with no hint. A player's word, or its plural, is read as the word of the
list or the one-word alias it plays, and the aliases among the words are read after the players' (``"bass
guitarist"``: bass guitar, the electric basses). Kettledrums are the Timpani (an alias)."""

from __future__ import annotations

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import program_name, program_number

READ_AS = {
    "violoncellist": "Cello",  # was refused: "did you mean 'Cello'?"
    "violoncellists": "Cello",  # was refused: "see the General MIDI list"
    "Violoncellist": "Cello",
    "cellists": "Cello",  # was refused: "see the General MIDI list"
    "oboists": "Oboe",
    "jazz guitarists": "Electric Guitar (jazz)",
    "kettledrum": "Timpani",  # was refused: "see the General MIDI list"
    "kettle drum": "Timpani",  # was offered Steel Drums
    "cellist": "Cello",
    "violinists": "Violin",
    "hammond organist": "Drawbar Organ",
}

PIANOS = (
    "'Acoustic Grand Piano', 'Bright Acoustic Piano', 'Electric Grand Piano', 'Honky-tonk Piano', 'Electric Piano 1', "
    "'Electric Piano 2'"
)
REFUSED = {
    "pianists": f"'pianists' (General MIDI: 'piano'); instruments with that word: {PIANOS}",  # was no hint
    "bass guitarist": "'bass guitarist' (General MIDI: 'electric bass'); instruments with those words: "
    "'Electric Bass (finger)', 'Electric Bass (pick)'",  # was listed with the acoustic bass and the guitars
    "mandolinists": "'mandolinists'; General MIDI has no mandolin, the nearest it has: 'Acoustic Guitar (steel)', "
    "'Acoustic Guitar (nylon)', 'Banjo'",  # was no hint
}


@pytest.mark.parametrize(("given", "name"), READ_AS.items())
def test_a_player_of_an_alias_or_players_are_the_instrument_played(given: str, name: str) -> None:
    assert program_name(program_number(given)) == name


@pytest.mark.parametrize(("given", "said"), REFUSED.items())
def test_players_of_several_instruments_are_refused_listing_them(given: str, said: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == f"program is not a General MIDI instrument: {said}"
