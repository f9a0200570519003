"""One reading of accented names for musicians' instrument names and MIDI track names
(:func:`mvae_core.plain_text.plain`). Before, ``data.melody`` dropped accents but kept ß, so a track named ``E-Baß``
was not read as a bass part (left out of the melody choice by its name), where ``--program Baß`` read as Bass."""

from __future__ import annotations

import unicodedata

import pytest

from mvae_core.data.melody import _named_unlike_melody
from mvae_core.instruments import program_number
from mvae_core.plain_text import plain


@pytest.mark.parametrize(
    ("written", "read"),
    [("Flügelhorn", "Flugelhorn"), ("Baß", "Bass"), ("GROẞ", "GROSS"), ("Mélodie", "Melodie"), ("Lead 2", "Lead 2")],
)
def test_a_name_is_read_without_its_accents_however_composed(written: str, read: str) -> None:
    assert plain(written) == read
    assert plain(unicodedata.normalize("NFD", written)) == read


def test_a_track_and_an_instrument_named_with_sharp_s_are_read_alike() -> None:
    assert _named_unlike_melody("E-Baß") and _named_unlike_melody("E-Bass")
    assert program_number("Acoustic Baß") == program_number("Acoustic Bass") == 33
