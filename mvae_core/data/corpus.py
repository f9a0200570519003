"""``corpus:essen``: the 4/4 tunes of the Essen folk song collection shipped in music21's corpus.

Each ABC collection file holds hundreds of tunes; a tune is one *source* (the unit of the train/validation
split). Tunes are converted in-process to the same :class:`TickScore` form as MIDI files: 960 ticks per quarter,
120 bpm (ABC carries no tempo), velocity 100, ties merged, pickup bars shifted so that bar lines fall on
multiples of the tune's bar. A tune is converted when its every meter (``M:`` field) is 4/4 as MIDI files' meters
are (:func:`~mvae_core.data.score.bars_of_four_four`: 4/4, ``C``, 2/2, ``C|``, 4/2, …); any other tune is skipped as
``no 4/4 bar``, naming its meters.
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import numpy as np

from mvae_core.data.score import SkipFile, SkipReason, TickScore, bars_of_four_four
from mvae_core.errors import MvaeError
from mvae_core.suggest import did_you_mean

CORPUS_PREFIX = "corpus:"
CORPORA = ("essen",)
DEFAULT_DATA = ["corpus:essen"]
"""What ``mvae train`` and ``mvae ablate`` read when no DATA is given."""
RESOLUTION = 960
SECONDS_PER_TICK = 0.5 / RESOLUTION  # 120 bpm
_TUNE_START = re.compile(r"\n(?=X:)")
_METER = re.compile(r"(?:^|\[)M:[ \t]*([^\]\s]*)", re.MULTILINE)  # a header line or an inline field, [M:3/4]
_FRACTION = re.compile(r"(\d+)/(\d+)")
_SYMBOLS = {"C": (4, 4), "C|": (2, 2)}  # common time and cut time


class MissingCorpusExtra(MvaeError, RuntimeError):
    """music21 is not installed."""


def _music21():
    try:
        import music21
    except ImportError:
        from mvae_core.tools import install_advice

        raise MissingCorpusExtra(f"corpus:essen needs music21: install {install_advice('corpus')}") from None
    return music21


def corpus_files(name: str) -> list[Path]:
    """The ABC collection files of a named corpus (sorted, so the order is stable)."""
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}{did_you_mean(name, CORPORA, '')} (available: {', '.join(CORPORA)})")
    music21 = _music21()
    return sorted(Path(p) for p in music21.corpus.getComposer("essenFolksong"))


def split_tunes(text: str) -> list[tuple[str, str]]:
    """``[(tune id, ABC text)]`` of every tune of an ABC collection (``X:`` numbers as ids), in file order."""
    chunks = (chunk.strip() for chunk in _TUNE_START.split("\n" + text))
    return [(chunk.splitlines()[0][2:].strip(), chunk) for chunk in chunks if chunk.startswith("X:")]


def meter_bars(meter: str) -> int:
    """How many 4/4 bars one bar of an ABC meter (an ``M:`` field's value) spans, by MIDI's rule
    (:func:`~mvae_core.data.score.bars_of_four_four`): 1 for ``4/4``, ``C``, ``2/2`` and ``C|``, 2 for ``4/2``; 0 when
    a bar is no whole number of them (``3/4``, ``6/8``) or the meter is free (``none``)."""
    fraction = _FRACTION.fullmatch(meter)
    numerator, denominator = _SYMBOLS.get(meter) or (tuple(map(int, fraction.groups())) if fraction else (0, 0))
    return bars_of_four_four(numerator, denominator)


def check_meters(abc: str) -> None:
    """Raise :class:`SkipFile` (``no 4/4 bar``, naming the meters) unless every meter of the tune is 4/4 by
    :func:`meter_bars`; a tune without an ``M:`` field has a free meter. Reads only the text: it is cheap."""
    meters = list(dict.fromkeys(_METER.findall(abc)))  # each once, in order
    if not meters:
        raise SkipFile(SkipReason.NO_FOUR_FOUR, "no M: field (free meter)")
    if not all(meter_bars(meter) for meter in meters):
        fields = " and ".join(f"M:{meter}" for meter in meters)
        mixed = (
            ": a tune is read only when each of its meters is 4/4 or a whole number of 4/4 bars"
            if len(meters) > 1
            else ""
        )
        raise SkipFile(SkipReason.NO_FOUR_FOUR, fields + mixed)


def tune_to_score(abc: str) -> TickScore:
    """Convert one ABC tune to a :class:`TickScore` (raises :class:`SkipFile`: first :func:`check_meters`).

    music21's ABC tokenizer reads the notation (key signatures, accidentals carried through a bar, lengths, broken
    rhythm, tuplets, chords, ties); the timeline is laid out here from its tokens. That costs a thirteenth of building
    music21 streams and gives the same notes on every Essen tune (``tests/test_corpus.py``, docs/benchmarks.md).
    """
    check_meters(abc)
    abc_format = _music21().abcFormat
    handler = abc_format.ABCHandler()
    try:
        handler.process(abc)
        voices = handler.splitByVoice()
        tokens = voices[0].tokens + (voices[1].tokens if len(voices) > 1 else [])  # the first voice, as music21 does
        starts, lengths, pitches = _timeline(tokens, abc_format)  # meters and pitch names are parsed on the way
    except Exception as exc:  # music21 raises many types on odd ABC
        raise SkipFile(SkipReason.CORRUPT, f"music21: {type(exc).__name__}") from None
    if not starts:
        raise SkipFile(SkipReason.NO_NOTES)
    return TickScore(
        resolution=RESOLUTION,
        pitch=np.array(pitches, dtype=np.int16),
        start=np.array([round(float(s) * RESOLUTION) for s in starts], dtype=np.int64),
        end=np.array([round(float(s + n) * RESOLUTION) for s, n in zip(starts, lengths, strict=True)], dtype=np.int64),
        velocity=np.full(len(starts), 100, dtype=np.int16),
        segments=[(0, None)],
        seconds_at=lambda ticks: np.asarray(ticks, dtype=np.float64) * SECONDS_PER_TICK,
    )


def _timeline(tokens: list, abc_format: ModuleType) -> tuple[list[Fraction], list[Fraction], list[int]]:
    """Onsets, lengths (exact quarter notes) and MIDI pitches of the sounding notes among ABC ``tokens``.

    Rests advance time; grace notes and empty chords take none and are left out; a chord keeps its top note; a tie
    (``-``) adds the next note's length to the tied note. A short first bar is a pickup: every onset moves by what it
    lacks of a full bar, so bar lines fall on multiples of the bar length.
    """
    onsets: list[Fraction] = []
    lengths: list[Fraction] = []
    pitches: list[int] = []
    now = Fraction(0)
    bar_length: Fraction | None = None
    first_bar: Fraction | None = None  # the length of the first bar, once a bar line (or a field) has ended it
    tied = False  # the last note was tied to the next one
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        if isinstance(token, abc_format.ABCMetadata):
            if token.isMeter() and bar_length is None and (meter := token.getTimeSignatureObject()) is not None:
                bar_length = Fraction(meter.barDuration.quarterLength)
            if now > 0 and first_bar is None and isinstance(following, abc_format.ABCNote):
                first_bar = now
        elif isinstance(token, abc_format.ABCBar):
            if now > 0 and first_bar is None:
                first_bar = now
        elif isinstance(token, abc_format.ABCNote) and not token.inGrace:
            length = Fraction(token.quarterLength)
            if token.activeTuplet is not None:
                length *= Fraction(token.activeTuplet.numberNotesNormal, token.activeTuplet.numberNotesActual)
            pitch = _top_pitch(token)
            if length > 0 and pitch is not None and tied:
                lengths[-1] += length
            elif length > 0 and pitch is not None:
                onsets.append(now)
                lengths.append(length)
                pitches.append(pitch)
            tied = pitch is not None and token.tie in ("start", "continue")
            now += length
    if first_bar is not None and bar_length is not None and first_bar < bar_length:
        onsets = [onset + bar_length - first_bar for onset in onsets]
    return onsets, lengths, pitches


def _top_pitch(token) -> int | None:
    """The MIDI pitch of a note, or of a chord's top note; ``None`` for a rest or an empty chord."""
    names = [sub.pitchName for sub in getattr(token, "subTokens", [])] or [token.pitchName]
    midis = [_midi(name) for name in names if name is not None]
    return max(midis, default=None)


@functools.cache
def _midi(pitch_name: str) -> int:
    return int(_music21().pitch.Pitch(pitch_name).midi)
