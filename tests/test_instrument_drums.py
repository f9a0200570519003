"""Drums as instrument names: ``--program pandeiro`` (a Brazilian frame drum) was read as Pan Flute, as it lengthens
``pan``; ``cymbal`` was read as Reverse Cymbal, a crash played backwards, though a crash or ride cymbal is a sound of
the drum kit; and ``tabla``, ``djembe``, ``snare``, ``hi-hat``, ``drum kit`` or ``drums`` were refused with no word of
why (``"snare drum"`` was offered Synth Drum, ``"bass drum"`` Taiko Drum). General MIDI plays drums on channel 10, a
note for each, so a drum kit is no program: such a name is refused saying so and naming the programs nearest to it
(:data:`~mvae_core.instruments.DRUMS`), while a General MIDI name holding ``drum`` or ``cymbal`` keeps its reading."""

from __future__ import annotations

import contextlib
import string

import pytest

from mvae_core.errors import OptionError
from mvae_core.instruments import (
    DRUM_CHANNEL_NOTE,
    DRUMS,
    PITCHED_PERCUSSION,
    _list_knows,
    _list_words,
    program_name,
    program_number,
)

PITCHED = "'Timpani', 'Steel Drums', 'Taiko Drum', 'Melodic Tom', 'Synth Drum', 'Woodblock', 'Agogo'"
HAND = "'Melodic Tom', 'Taiko Drum'"
NEAREST = {  # a name, and the programs its refusal names after the channel-10 note ("" for none)
    "pandeiro": HAND,  # was Pan Flute
    "pandero": HAND,  # was Pan Flute
    "pandeiros": HAND,
    "pandiero": HAND,  # a slip of pandeiro
    "cymbal": "'Reverse Cymbal'",  # was Reverse Cymbal
    "Cymbals": "'Reverse Cymbal'",  # was Reverse Cymbal
    "cymbalist": "'Reverse Cymbal'",  # was Reverse Cymbal
    "crash cymbal": "'Reverse Cymbal'",  # was "did you mean 'Reverse Cymbal'?"
    "ride cymbal": "'Reverse Cymbal'",
    "tabla": HAND,
    "djembe": HAND,
    "djembes": HAND,
    "cajón": HAND,
    "conga": HAND,
    "bongos": HAND,
    "timbales": HAND,
    "darbuka": HAND,
    "bodhrán": HAND,
    "drums": PITCHED,  # listed Steel Drums, Taiko Drum and Synth Drum
    "drummers": PITCHED,  # listed Taiko Drum and Synth Drum
    "drum kit": PITCHED,
    "drum set": PITCHED,
    "drumkit": PITCHED,
    "percussion": PITCHED,  # listed the Chromatic Percussion family
    "percussionist": PITCHED,  # was offered Percussive Organ
    "snare drum": PITCHED,  # was offered Synth Drum
    "bass drum": PITCHED,  # was offered Taiko Drum
    "kick drum": PITCHED,
    "snare": "",
    "hi-hat": "",
    "hihat": "",
    "kick": "",
    "tambourine": "",
    "maracas": "",
    "triangle": "",
    "cowbell": "'Agogo'",
    "claves": "'Woodblock'",
    "castanets": "'Woodblock'",
}

STILL_READ = {  # General MIDI names and musicians' names holding a drum's word or near one, read as before
    "reverse cymbal": "Reverse Cymbal",
    "reversed cymbal": "Reverse Cymbal",
    "steel drum": "Steel Drums",
    "steel drummer": "Steel Drums",
    "taiko drummer": "Taiko Drum",
    "synth drums": "Synth Drum",
    "drum synth": "Synth Drum",
    "tom": "Melodic Tom",  # the kit's tom, which General MIDI plays as a program too
    "tom-tom": "Melodic Tom",
    "taiko": "Taiko Drum",
    "timpani": "Timpani",
    "woodblock": "Woodblock",
    "agogo": "Agogo",
    "panpipes": "Pan Flute",
    "panflute": "Pan Flute",
}


@pytest.mark.parametrize(("given", "nearest"), NEAREST.items())
def test_a_drum_is_refused_saying_general_midi_plays_drums_on_channel_10(given: str, nearest: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    said = str(refused.value)
    ending = f"; {DRUM_CHANNEL_NOTE}" + (f"; the nearest programs it has: {nearest}" if nearest else "")
    assert said.startswith(f"program is not a General MIDI instrument: {given!r}") and said.endswith(ending)


def test_the_note_says_channel_10_and_that_a_drum_kit_is_no_program() -> None:
    assert "channel 10" in DRUM_CHANNEL_NOTE and "drum kit is no program" in DRUM_CHANNEL_NOTE


@pytest.mark.parametrize(("given", "name"), STILL_READ.items())
def test_a_general_midi_name_holding_a_drums_word_keeps_its_reading(given: str, name: str) -> None:
    assert program_name(program_number(given)) == name


def test_a_familys_whole_name_lists_the_family_not_the_drums() -> None:
    with pytest.raises(OptionError) as refused:
        program_number("chromatic percussion", "program")
    assert "; the General MIDI Chromatic Percussion family: 'Celesta'," in str(refused.value)
    assert DRUM_CHANNEL_NOTE not in str(refused.value)


def test_a_handpan_by_its_trade_name_is_no_pan_flute() -> None:
    with pytest.raises(OptionError) as refused:
        program_number("pantam", "program")  # was Pan Flute
    assert str(refused.value).endswith("; General MIDI has no handpan, the nearest it has: 'Steel Drums'")


def test_each_nearest_program_is_a_general_midi_name() -> None:
    nearest = {name for names in DRUMS.values() for name in names} | set(PITCHED_PERCUSSION)
    assert {name for name in nearest if program_name(program_number(name)) != name} == set()


def test_no_slip_of_a_drum_is_read_as_an_instrument_unless_a_word_of_the_list_or_a_start_of_one() -> None:
    words = [word for word in _list_words() if len(word) >= 3]
    starts = {word[:end] for word in words for end in range(3, len(word) + 1)}
    letters = string.ascii_lowercase
    read = {}
    for key in DRUMS:
        cuts = [(key[:i], key[i:]) for i in range(len(key) + 1)]
        slips = {a + b[1:] for a, b in cuts if b} | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
        slips |= {a + c + b[1:] for a, b in cuts if b for c in letters} | {a + c + b for a, b in cuts for c in letters}
        could_be_read = {
            slip for slip in slips if slip in starts or any(slip[:end] in words for end in range(3, len(slip)))
        }
        for slip in sorted(could_be_read - {key}):  # a word neither beginning nor lengthening one names none
            with contextlib.suppress(OptionError):  # refused: not read
                read[slip] = program_name(program_number(slip))
    assert {slip for slip in read if not (_list_knows(slip) or slip in starts)} == set(), read


TIES_GO_TO_THE_LIST = {  # a slip as near a word of the list as a drum's: the list's word is offered, as before drums
    "bonjo": "did you mean 'Banjo'?",  # bongo too
    "bango": "did you mean 'Banjo'?",
    "sqare": "did you mean 'Lead 1 (square)'?",  # snare too
    "tubla": "did you mean 'Tuba'?",  # tabla too
    "trumset": "did you mean 'Trumpet'?",  # drumset too
}


@pytest.mark.parametrize(("given", "hint"), TIES_GO_TO_THE_LIST.items())
def test_a_slip_as_near_a_word_of_the_list_as_a_drum_is_offered_the_lists(given: str, hint: str) -> None:
    with pytest.raises(OptionError) as refused:
        program_number(given, "program")
    assert str(refused.value) == f"program is not a General MIDI instrument: {given!r}; {hint}"


@pytest.mark.parametrize(
    ("given", "name"), [("percussion organ", "Percussive Organ"), ("percusive organ", "Percussive Organ")]
)
def test_a_general_midi_name_mistyped_with_a_drums_word_is_offered_that_name(given: str, name: str) -> None:
    """Its words are the name's, one a slip, so it is offered the name, not the drums' note (found in review)."""
    with pytest.raises(OptionError) as refused:
        program_number(given)
    assert str(refused.value).endswith(f"; did you mean {name!r}?")
