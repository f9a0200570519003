"""``corpus:essen``: the 4/4 tunes of the Essen folk song collection shipped in music21's corpus.

Each ABC collection file holds hundreds of tunes; a tune is one *source* (the unit of the train/validation
split). Tunes are converted in-process to the same :class:`TickScore` form as MIDI files: 960 ticks per quarter,
120 bpm (ABC carries no tempo), velocity 100, ties merged, pickup bars shifted so that bar lines fall on
multiples of a 4/4 bar. Only tunes whose every ``M:`` field is 4/4 (or ``C``) are converted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from mvae_core.data.score import SkipFile, SkipReason, TickScore
from mvae_core.errors import MvaeError

CORPUS_PREFIX = "corpus:"
CORPORA = ("essen",)
DEFAULT_DATA = ["corpus:essen"]
"""What ``mvae train`` and ``mvae ablate`` read when no DATA is given."""
RESOLUTION = 960
SECONDS_PER_TICK = 0.5 / RESOLUTION  # 120 bpm
_TUNE_START = re.compile(r"\n(?=X:)")
_METER = re.compile(r"^M:\s*(\S+)", re.MULTILINE)


class MissingCorpusExtra(MvaeError, RuntimeError):
    """music21 is not installed."""


def _music21():
    try:
        import music21
    except ImportError:
        raise MissingCorpusExtra("corpus:essen needs music21, the 'corpus' extra: pip install 'mvae[corpus]'") from None
    return music21


def corpus_files(name: str) -> list[Path]:
    """The ABC collection files of a named corpus (sorted, so the order is stable)."""
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; available: {', '.join(CORPORA)}")
    music21 = _music21()
    return sorted(Path(p) for p in music21.corpus.getComposer("essenFolksong"))


def split_tunes(text: str) -> list[tuple[str, str]]:
    """``[(tune id, ABC text)]`` of the tunes in 4/4 (``X:`` numbers as ids)."""
    tunes = []
    for chunk in _TUNE_START.split("\n" + text):
        chunk = chunk.strip()
        if not chunk.startswith("X:"):
            continue
        meters = _METER.findall(chunk)
        if meters and all(m in ("4/4", "C") for m in meters):
            tunes.append((chunk.splitlines()[0][2:].strip(), chunk))
    return tunes


def tune_to_score(abc: str) -> TickScore:
    """Convert one ABC tune to a :class:`TickScore` (raises :class:`SkipFile`)."""
    converter = _music21().converter
    try:
        stream = converter.parse(abc, format="abc").stripTies()
    except Exception as exc:  # music21 raises many types on odd ABC
        raise SkipFile(SkipReason.CORRUPT, f"music21: {type(exc).__name__}") from None
    part = stream.parts[0] if stream.parts else stream
    measures = list(part.getElementsByClass("Measure"))
    pad = float(measures[0].paddingLeft) if measures else 0.0
    starts, ends, pitches = [], [], []
    for note in part.flatten().notes:
        length = float(note.quarterLength)
        if length <= 0:  # grace notes
            continue
        onset = float(note.getOffsetInHierarchy(part)) + pad
        top = max(note.pitches, key=lambda p: p.midi)  # chords: keep the top line
        starts.append(round(onset * RESOLUTION))
        ends.append(round((onset + length) * RESOLUTION))
        pitches.append(top.midi)
    if not starts:
        raise SkipFile(SkipReason.NO_NOTES)
    return TickScore(
        resolution=RESOLUTION,
        pitch=np.array(pitches, dtype=np.int16),
        start=np.array(starts, dtype=np.int64),
        end=np.array(ends, dtype=np.int64),
        velocity=np.full(len(starts), 100, dtype=np.int16),
        segments=[(0, None)],
        seconds_at=lambda ticks: np.asarray(ticks, dtype=np.float64) * SECONDS_PER_TICK,
    )
