"""General MIDI instruments by number and by name: the sound a written loop asks a player for.

Numbers are the General MIDI list's, 1–128 (1 is Acoustic Grand Piano, 67 Tenor Sax), as ``data.melody``'s
``program:N`` counts them; a MIDI program change message carries the number less one. Names are pretty_midi's copy
of the General MIDI list, matched as pretty_midi matches them: ignoring case, spaces and punctuation (``"tenor sax"``, ``"Tenor Sax"``);
a name that is none of them but whose words fit one instrument alone is that one (``"tenor saxophone"``,
``"elec piano 2"``).
"""

from __future__ import annotations

import numbers
import re

import pretty_midi

from mvae_core.errors import OptionError
from mvae_core.suggest import closest

PROGRAMS = (1, 128)
"""The General MIDI program numbers, first and last."""

PIANO = 1
"""The program a written loop asks for unless told otherwise: Acoustic Grand Piano."""


def program_name(program: int) -> str:
    """The General MIDI name of ``program`` (1–128): ``67`` → ``"Tenor Sax"``."""
    return str(pretty_midi.INSTRUMENT_MAP[program - 1])


def program_number(value: object, option: str = "program") -> int:
    """``value`` as a General MIDI program number: a whole number 1–128 (or its digits), or an instrument's name.

    Raises :class:`OptionError` naming ``option``, with the closest name for a misspelt one (``"tenor sacks"``) and
    the names holding the words given (``"sax"``: Soprano Sax, Alto Sax, …)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    low, high = PROGRAMS
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and low <= value <= high:
        return int(value)
    if not isinstance(value, str):
        raise OptionError(option, f"must be a General MIDI program {low}-{high} or an instrument's name, got {value!r}")
    try:  # pretty_midi's match: any case, spaces and punctuation ignored
        return pretty_midi.instrument_name_to_program(value) + 1
    except ValueError:
        names = [program_name(n) for n in range(low, high + 1)]
        if len(holding := _holding(value, names)) == 1:  # "tenor saxophone": the one instrument it can be
            return names.index(holding[0]) + low
        raise OptionError(option, f"is not a General MIDI instrument: {value!r}{_nearest(value, names)}") from None


def _holding(value: str, names: list[str]) -> list[str]:
    """The ``names`` that hold each word of ``value``, as :func:`_names_word` reads a word (``"saxophone"``: Soprano
    Sax, Alto Sax, Tenor Sax, Baritone Sax)."""
    words = _words(value)
    return [name for name in names if words and all(any(_names_word(g, w) for w in _words(name)) for g in words)]


def _nearest(value: str, names: list[str]) -> str:
    """The end of the error for an unknown instrument name: the names holding its words (:func:`_holding`), else the
    closest."""
    holding = _holding(value, names)
    if holding:
        return f"; instruments with that word: {', '.join(repr(name) for name in holding)}"
    match = closest(value, names)
    return f"; did you mean {match!r}?" if match else "; see the General MIDI list (docs/cli.md, mvae generate)"


def _words(text: str) -> set[str]:
    """The words of ``text``, in lower case, punctuation left out (``"Electric Guitar (jazz)"``: electric, guitar,
    jazz)."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _names_word(given: str, word: str) -> bool:
    """Whether a musician's ``given`` word names the General MIDI name's ``word``: the same, its start (``elec`` for
    Electric) or a longer form of it (``saxophone`` for Sax, ``drums`` for Drum; a word of 3 letters or more)."""
    return word.startswith(given) or (len(word) >= 3 and given.startswith(word))
