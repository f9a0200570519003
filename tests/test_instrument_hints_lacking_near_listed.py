"""A slip nearer a word of the General MIDI list than an instrument General MIDI lacks is that word mistyped:
``harmonika`` (the German spelling) and ``harmonia`` are offered Harmonica, not the harmonium's nearest programs.
Before, any slip within reach of a lacking instrument was taken to mean it, whatever word of the list was nearer."""

from __future__ import annotations

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import program_number


@pytest.mark.parametrize("name", ["harmonika", "harmonia"])
def test_a_slip_of_harmonica_is_offered_harmonica_not_the_harmoniums_nearest(name: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(name)
    said = str(refused.value)
    assert "'Harmonica'" in said and "harmonium" not in said, said


def test_a_slip_nearer_the_harmonium_still_names_it() -> None:
    with pytest.raises(OptionError, match="General MIDI has no harmonium"):
        program_number("harmonim")
