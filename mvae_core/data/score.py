"""The source-independent intermediate form: notes on a tick grid plus the file's 4/4 regions.

Both readers (:mod:`.midi` for MIDI files, :mod:`.corpus` for music21's Essen corpus) produce a
:class:`TickScore`; :mod:`.loops` turns it into 2-bar loops. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class SkipReason(StrEnum):
    """Why a source file contributed no loops. Values are stable strings used in reports and JSON."""

    UNREADABLE = "unreadable"  # the OS refused to read it, or it is no regular file (a FIFO, a device, a broken link)
    TOO_LARGE = "too large"  # over sources.MAX_UNIT_BYTES or midi.MAX_TICKS (parsing it would take too long)
    EMPTY = "empty file"
    NOT_MIDI = "not a MIDI file"
    CORRUPT = "corrupt or truncated MIDI"
    ABSURD_TEMPO = "absurd tempo"
    NO_NOTES = "no notes"
    DRUMS_ONLY = "drums only"
    NO_FOUR_FOUR = "no 4/4 bar"
    NO_LOOPS = "no loop with enough notes"


class SkipFile(Exception):
    """Raised by a reader to skip one file; carries the reason and a human detail."""

    def __init__(self, reason: SkipReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


@dataclass
class TickScore:
    """Pitched (non-drum) notes of one source, in integer ticks of its own tempo map.

    ``segments`` are half-open tick ranges ``[start, end)`` in 4/4, each starting on a downbeat; ``end`` may be
    ``None`` for "until the end of the file". ``seconds_at`` maps ticks to seconds (tempo map), used only for
    each loop's seconds-per-step.
    """

    resolution: int
    pitch: np.ndarray  # int16
    start: np.ndarray  # int64 ticks
    end: np.ndarray  # int64 ticks
    velocity: np.ndarray  # int16, 1..127
    segments: list[tuple[int, int | None]]
    seconds_at: Callable[[np.ndarray], np.ndarray]
    other_meter_bars: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        order = np.lexsort((self.pitch, self.start))
        self.pitch, self.start = self.pitch[order], self.start[order]
        self.end, self.velocity = self.end[order], self.velocity[order]


def four_four_segments(
    signatures: list[tuple[int, int, int]], resolution: int, last_tick: int
) -> tuple[list[tuple[int, int | None]], int]:
    """Split a file into 4/4 regions from its time signatures ``[(tick, numerator, denominator)]``.

    No signature means 4/4 from tick 0 (the MIDI default). Returns the 4/4 ``segments`` and the number of
    bars in other meters up to ``last_tick`` (they are skipped and counted).
    """
    by_tick: dict[int, tuple[int, int]] = {0: (4, 4)}
    for tick, num, den in sorted(signatures, key=lambda signature: signature[0]):  # stable: file order per tick
        by_tick[int(tick)] = (int(num), int(den))  # the last signature at a tick wins (plain ints: JSON-safe)
    ticks = sorted(by_tick)
    segments: list[tuple[int, int | None]] = []
    other_bars = 0
    for i, tick in enumerate(ticks):
        end = ticks[i + 1] if i + 1 < len(ticks) else None
        num, den = by_tick[tick]
        if (num, den) == (4, 4):
            segments.append((tick, end))
        elif tick <= last_tick:
            bar = max(1, num * resolution * 4 // max(den, 1))
            span = (min(end, last_tick + 1) if end is not None else last_tick + 1) - tick
            other_bars += -(-span // bar)
    return segments, int(other_bars)
