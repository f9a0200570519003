"""A musician names an instrument as musicians do: ``--program saxophone`` answered ``did you mean 'Xylophone'?``
(the General MIDI names say ``Sax``), and ``--program "tenor saxophone"``, which can be one instrument only, was
refused. A word of the name may be a longer form of the list's (saxophone for Sax) or its start (elec for Electric);
a name whose words fit one instrument alone is that instrument."""

from __future__ import annotations

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import program_name, program_number


@pytest.mark.parametrize(("given", "name"), [("tenor saxophone", "Tenor Sax"), ("elec piano 2", "Electric Piano 2")])
def test_a_name_that_fits_one_instrument_alone_is_that_instrument(given: str, name: str) -> None:
    assert program_name(program_number(given)) == name


@pytest.mark.parametrize(
    ("given", "listed"),
    [
        ("saxophone", "'Soprano Sax', 'Alto Sax', 'Tenor Sax', 'Baritone Sax'"),
    ],
)
def test_a_longer_word_lists_the_instruments_it_names(given: str, listed: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value).endswith(
        f"not a General MIDI instrument: {given!r}; instruments with that word: {listed}"
    )
