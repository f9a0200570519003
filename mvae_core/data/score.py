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
    """Why a source file contributed no loops, or (:attr:`RUN_FOLDER`) why a folder below a DATA folder was not
    searched. Values are stable strings used in reports and JSON."""

    UNREADABLE = "unreadable"  # the OS refused to read it, or it is no regular file (a FIFO, a device, a broken link)
    TOO_LARGE = "too large"  # over sources.MAX_UNIT_BYTES or midi.MAX_BEATS (parsing it would take too long)
    EMPTY = "empty file"
    NOT_MIDI = "not a MIDI file"
    CORRUPT = "corrupt or truncated MIDI"
    ABSURD_TEMPO = "absurd tempo"
    NO_NOTES = "no notes"
    DRUMS_ONLY = "drums only"
    NO_FOUR_FOUR = "no 4/4 bar"
    NO_LOOPS = "no loop with enough notes"
    DUPLICATE = "duplicate"  # the same bytes as a file read before it: used once
    RUN_FOLDER = "run folder"  # a folder of an mvae run below a DATA folder: not searched (sources.is_run_folder)


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
    each loop's seconds-per-step. ``melody`` says which of the file's notes these are and why, ``warnings`` what the
    reader had to recover or noticed, ``counters`` what it counted (e.g. drum notes left out).
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
    melody: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)

    def __post_init__(self) -> None:
        order = np.lexsort((self.pitch, self.start))
        self.pitch, self.start = self.pitch[order], self.start[order]
        self.end, self.velocity = self.end[order], self.velocity[order]


def bars_of_four_four(numerator: int, denominator: int) -> int:
    """How many 4/4 bars one bar of ``numerator/denominator`` spans: 1 for 4/4, 2/2 and 8/8, 2 for 4/2 and 8/4;
    0 when it is not a whole number of them (3/4, 6/8, 2/4, 5/4, …)."""
    quarters = numerator * 4 / denominator if denominator > 0 else 0
    return int(quarters // 4) if quarters > 0 and quarters % 4 == 0 else 0


def four_four_segments(
    signatures: list[tuple[int, int, int]], resolution: int, last_tick: int
) -> tuple[list[tuple[int, int | None]], dict[str, int]]:
    """Split a file into 4/4 regions from its time signatures ``[(tick, numerator, denominator)]``.

    No signature means 4/4 from tick 0 (the MIDI default). A meter whose bar is a whole number of 4/4 bars (2/2, 4/2,
    8/8, …) counts as 4/4: its bar lines fall on 4/4 bar lines. Returns the 4/4 ``segments`` and, per other meter,
    the number of its bars up to ``last_tick`` (they are skipped and counted).
    """
    by_tick: dict[int, tuple[int, int]] = {0: (4, 4)}
    for tick, num, den in sorted(signatures, key=lambda signature: signature[0]):  # stable: file order per tick
        by_tick[int(tick)] = (int(num), int(den))  # the last signature at a tick wins (plain ints: JSON-safe)
    ticks = sorted(by_tick)
    segments: list[tuple[int, int | None]] = []
    other: dict[str, int] = {}
    for i, tick in enumerate(ticks):
        end = ticks[i + 1] if i + 1 < len(ticks) else None
        num, den = by_tick[tick]
        if bars_of_four_four(num, den):
            previous = segments[-1] if segments else None
            if previous is not None and previous[1] == tick and (tick - previous[0]) % (4 * resolution) == 0:
                segments[-1] = (previous[0], end)  # 4/4 then 2/2 on a bar line: one region, the bar lines go on
            else:
                segments.append((tick, end))
        elif tick <= last_tick:
            bar = max(1, num * resolution * 4 // max(den, 1))
            span = (min(end, last_tick + 1) if end is not None else last_tick + 1) - tick
            other[f"{num}/{den}"] = other.get(f"{num}/{den}", 0) + int(-(-span // bar))
    return segments, other


def meters_text(other: dict[str, int]) -> str:
    """``145 bars in 2/4, 3 in 3/4``: what :func:`four_four_segments` skipped, most bars first."""
    ordered = sorted(other.items(), key=lambda item: -item[1])
    return ", ".join(f"{n} bar{'s' if n != 1 else ''} in {meter}" if k == 0 else f"{n} in {meter}"
                     for k, (meter, n) in enumerate(ordered))  # fmt: skip
