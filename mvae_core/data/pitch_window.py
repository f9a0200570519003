"""The window of pitch rows that leaves the fewest notes of the data outside, from the pitches of the notes in loops.

Each source's report entry keeps ``pitch_counts``: its notes in loops per MIDI pitch, counted before the pitch rows
fold or drop any (:func:`pitch_counts`). Summed over the sources used, they say exactly how many notes any window
``pitch_low .. pitch_low + pitch_classes - 1`` would leave outside, so ``mvae data inspect`` can name the best window
of the configured height without reading the files again (docs/data.md, Pitch rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

MIDI_PITCHES = 128
"""MIDI pitches 0..127: a window of pitch rows lies among them (``data.pitch_low + data.pitch_classes <= 128``)."""


@dataclass(frozen=True)
class PitchWindow:
    """A window of pitch rows and the notes in loops that fall outside it (folded or dropped there)."""

    pitch_low: int
    pitch_classes: int
    outside: int


def pitch_counts(pitches: np.ndarray) -> dict[str, int]:
    """The notes of ``pitches`` per MIDI pitch, in pitch order, as a report entry keeps them: ``{"60": 12, ...}``
    (JSON keys are strings; a pitch no note has is absent)."""
    values, counts = np.unique(np.asarray(pitches, dtype=np.int64), return_counts=True)
    return {str(int(pitch)): int(count) for pitch, count in zip(values, counts, strict=True)}


def summed_counts(entries: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """The ``pitch_counts`` of report ``entries`` summed, by MIDI pitch (an entry without them adds nothing)."""
    return total_counts(entry.get("pitch_counts", {}) for entry in entries)


def total_counts(counts: Iterable[Mapping[str, int]]) -> dict[int, int]:
    """Notes per MIDI pitch (:func:`pitch_counts`' form) summed, by MIDI pitch as a number."""
    total: dict[int, int] = {}
    for each in counts:
        for pitch, count in each.items():
            total[int(pitch)] = total.get(int(pitch), 0) + int(count)
    return total


def fewest_outside(counts: Mapping[int, int], pitch_classes: int, prefer: int) -> PitchWindow:
    """Of every window of ``pitch_classes`` rows inside MIDI 0..127, the one that leaves the fewest notes of
    ``counts`` (by MIDI pitch) outside; among windows that leave as few, the one whose ``pitch_low`` is nearest
    ``prefer`` (the configured one, so that a window already as good is kept), then the lower. Exact: a window's
    notes outside are all the notes less a sliding sum over the pitch histogram."""
    histogram = np.zeros(MIDI_PITCHES, dtype=np.int64)
    for pitch, n in counts.items():
        if 0 <= pitch < MIDI_PITCHES:
            histogram[pitch] += n
    total = sum(counts.values())  # a pitch outside 0..127 (none in MIDI) is outside every window
    running = np.concatenate([[0], np.cumsum(histogram)])
    lows = np.arange(MIDI_PITCHES - pitch_classes + 1)
    left_out = total - (running[lows + pitch_classes] - running[lows])
    best = int(lows[np.lexsort((lows, np.abs(lows - prefer), left_out))[0]])
    return PitchWindow(best, pitch_classes, int(left_out[best]))
