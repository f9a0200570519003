"""Cut a :class:`TickScore` into 2-bar 4/4 loops on its own 16th grid.

Contract (see docs/data.md):

* a step is a 16th = a quarter of a quarter-note beat = ``resolution / 4`` ticks; a loop is 32 steps (2 bars of
  4/4) starting on a downbeat of a 4/4 region; a loop must fit inside its region (the last region runs to the end
  of the file, so the file's last loop may end in silence); notes outside such loops are not used;
* a note belongs to its nearest grid line; ``timeshift = (onset - grid line) / half a step`` in [-1, 1),
  positive = late; a note just before a loop's first downbeat belongs to that loop's step 0;
* velocity is kept as the MIDI value (1..127); duration = steps / ``max_duration_steps``, clipped to [0, 1];
* rows are ``pitch - pitch_low``; out-of-range pitches are folded by octaves or dropped (counted); the notes in
  loops are also counted per MIDI pitch before that (``pitch_counts``: what any other window would fold);
* two notes in one (row, step) cell: the louder stays (the earlier on a tie), counted as ``collided``.

In two stages: :func:`pitched_loops` grids the notes, each with its MIDI pitch (what the parse cache keeps, the same
for every window of pitch rows), and :func:`fold_into_rows` places them in the rows of one window, so a new window
(``data.pitch_low = "auto"`` choosing one, or a musician trying another) parses no file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mvae_core.config import DataConfig
from mvae_core.data.pitch_window import pitch_counts
from mvae_core.data.score import TickScore

STEPS_PER_BEAT = 4
"""A step is a 16th: four to a quarter-note beat."""
STEPS_PER_BAR = 4 * STEPS_PER_BEAT  # 4/4
STEPS_PER_LOOP = 2 * STEPS_PER_BAR
MAX_VELOCITY = 127
"""The loudest MIDI velocity; a model's velocity channel is velocity / MAX_VELOCITY (0..1)."""
WINDOW_SETTINGS = ("pitch_low", "pitch_classes", "out_of_range")
"""The settings (``data.*``) that :func:`fold_into_rows` reads and :func:`pitched_loops` does not: the window of pitch
rows, applied after the parse cache (a unit entry's key leaves them out, a set entry's holds them)."""
COUNTED_BEFORE_WINDOW = ("notes_in_file", "outside_loops")
"""The counters that come before the window's (``folded``, ``dropped``, ``collided``) in a :class:`LoopBlock`'s."""


@dataclass
class LoopBlock:
    """The loops of one source: notes sorted by (loop, step, row), loops numbered 0..n-1."""

    loop: np.ndarray  # int32, per note
    row: np.ndarray  # uint8
    step: np.ndarray  # uint8
    velocity: np.ndarray  # uint8, 1..127
    duration: np.ndarray  # float32, 0..1
    timeshift: np.ndarray  # float32, -1..1
    seconds_per_step: np.ndarray  # float32, per loop
    counters: dict[str, int] = field(default_factory=dict)
    pitch_counts: dict[str, int] = field(default_factory=dict)  # notes in loops per MIDI pitch, before fold or drop

    @property
    def n_loops(self) -> int:
        return len(self.seconds_per_step)


@dataclass
class PitchedLoops:
    """The loops of one source before the pitch rows (:func:`pitched_loops`): per note, in the order they were
    gridded, its loop (numbered in order of time, every loop holding a note), its MIDI pitch, its step, its velocity
    as read, and its duration and timeshift as a :class:`LoopBlock` holds them; per loop, its seconds per step.
    ``counters``: a :class:`LoopBlock`'s but the window's (``folded``, ``dropped``, ``collided``)."""

    loop: np.ndarray  # int32, per note
    pitch: np.ndarray  # int16
    step: np.ndarray  # uint8
    velocity: np.ndarray  # int16
    duration: np.ndarray  # float32, 0..1
    timeshift: np.ndarray  # float32, -1..1
    seconds_per_step: np.ndarray  # float32, per loop
    counters: dict[str, int] = field(default_factory=dict)
    pitch_counts: dict[str, int] = field(default_factory=dict)  # the notes per MIDI pitch

    @property
    def n_loops(self) -> int:
        return len(self.seconds_per_step)


def fold_rows(rows: np.ndarray, n_rows: int) -> np.ndarray:
    """Move rows by whole octaves into ``[0, n_rows)`` (needs ``n_rows >= 12``)."""
    below = rows < 0
    rows = np.where(below, rows + 12 * ((-rows + 11) // 12), rows)
    above = rows >= n_rows
    return np.where(above, rows - 12 * ((rows - n_rows) // 12 + 1), rows)


def pitched_loops(score: TickScore, cfg: DataConfig) -> PitchedLoops:
    """Grid the notes of ``score`` into loops, before the pitch rows (reads none of ``cfg``'s
    :data:`WINDOW_SETTINGS`)."""
    step_ticks = score.resolution / STEPS_PER_BEAT
    parts: list[dict[str, np.ndarray]] = []
    spans: list[tuple[int, float]] = []  # (segment start tick, loop index within segment) per loop
    used = np.zeros(len(score.pitch), dtype=bool)
    # Notes are sorted by start: a segment looks only at the notes from one step before it up to its end, so a
    # file with thousands of meter changes costs O(notes + segments), not O(notes × segments).
    starts = np.array([s for s, _ in score.segments], dtype=np.float64)
    ends = np.array([np.inf if e is None else e for _, e in score.segments], dtype=np.float64)
    lows = np.searchsorted(score.start, starts - step_ticks)
    highs = np.searchsorted(score.start, ends)
    for (seg_start, seg_end), low, high in zip(score.segments, lows, highs, strict=True):
        if low >= high:
            continue
        window = slice(int(low), int(high))
        pos = (score.start[window] - seg_start) / step_ticks
        index = np.floor(pos + 0.5).astype(np.int64)
        loop = index // STEPS_PER_LOOP
        ok = (index >= 0) & ~used[window]
        if seg_end is not None:
            full_loops = int((seg_end - seg_start) // (STEPS_PER_LOOP * step_ticks))
            ok &= loop < full_loops
        if not ok.any():
            continue
        used[window] |= ok
        seg_loops, local = np.unique(loop[ok], return_inverse=True)
        parts.append(
            {
                "loop": local + len(spans),
                "step": index[ok] % STEPS_PER_LOOP,
                "timeshift": (pos[ok] - index[ok]) * 2.0,
                "pitch": score.pitch[window][ok],
                "velocity": score.velocity[window][ok],
                "steps_long": (score.end[window][ok] - score.start[window][ok]) / step_ticks,
            }
        )
        spans.extend((seg_start, float(k)) for k in seg_loops)
    counters = {"notes_in_file": len(score.pitch), "outside_loops": int((~used).sum())}
    counters["other_meter_bars"] = score.other_meter_bars
    counters.update(score.counters)
    if not parts:
        return _no_loops(counters)
    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}

    # Each loop's seconds per step, measured on the tempo map at its first and its next loop's downbeat.
    seg_starts = np.array([start for start, _ in spans], dtype=np.float64)
    first_steps = np.array([k for _, k in spans], dtype=np.float64) * STEPS_PER_LOOP
    t0 = score.seconds_at(np.round(seg_starts + first_steps * step_ticks).astype(np.int64))
    t1 = score.seconds_at(np.round(seg_starts + (first_steps + STEPS_PER_LOOP) * step_ticks).astype(np.int64))
    duration = np.clip(cols["steps_long"] / cfg.max_duration_steps, 0.0, 1.0)
    return PitchedLoops(
        loop=cols["loop"].astype(np.int32),
        pitch=cols["pitch"].astype(np.int16),
        step=cols["step"].astype(np.uint8),
        velocity=cols["velocity"].astype(np.int16),
        duration=duration.astype(np.float32),
        timeshift=np.clip(cols["timeshift"], -1.0, np.nextafter(1.0, 0)).astype(np.float32),
        seconds_per_step=((t1 - t0) / STEPS_PER_LOOP).astype(np.float32),
        counters=counters,
        pitch_counts=pitch_counts(cols["pitch"]),  # every note in a loop, before the rows fold or drop it
    )


def fold_into_rows(notes: PitchedLoops, cfg: DataConfig) -> LoopBlock:
    """Place ``notes`` in ``cfg``'s pitch rows (``rows = pitch - pitch_low``; outside ones folded by octaves or
    dropped, by ``out_of_range``, and counted), keep one note per (loop, row, step) cell and number the loops that
    keep a note 0..n-1. Reads only ``cfg``'s :data:`WINDOW_SETTINGS`, with a number of ``pitch_low`` (a
    ``ValueError`` for ``"auto"``: :meth:`~mvae_core.config.DataConfig.chosen_pitch_low`)."""
    rows = notes.pitch.astype(np.int64) - cfg.chosen_pitch_low()
    out = (rows < 0) | (rows >= cfg.pitch_classes)
    window = {"folded": 0, "dropped": 0, "collided": 0}
    if cfg.out_of_range == "fold":
        window["folded"] = int(out.sum())
        rows = fold_rows(rows, cfg.pitch_classes)
        keep = np.ones(len(rows), dtype=bool)
    else:
        window["dropped"] = int(out.sum())
        keep = ~out
    loop, step, velocity, rows = notes.loop[keep], notes.step[keep], notes.velocity[keep], rows[keep]

    # One note per (loop, row, step): sort loudest first within a cell, keep the first of each cell.
    order = np.lexsort((-velocity, step, rows, loop))
    cell = np.stack([loop[order], rows[order], step[order]])
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(cell[:, 1:] != cell[:, :-1], axis=0)
    window["collided"] = int((~first).sum())
    order = order[first]
    order = order[np.lexsort((rows[order], step[order], loop[order]))]

    # Renumber loops densely (dropping may empty a loop).
    present, loop_ids = np.unique(loop[order], return_inverse=True)
    kept = np.flatnonzero(keep)[order]
    first_counted = {name: notes.counters[name] for name in COUNTED_BEFORE_WINDOW}
    return LoopBlock(
        loop=loop_ids.astype(np.int32),
        row=rows[order].astype(np.uint8),
        step=step[order],
        velocity=np.clip(velocity[order], 1, MAX_VELOCITY).astype(np.uint8),
        duration=notes.duration[kept],
        timeshift=notes.timeshift[kept],
        seconds_per_step=notes.seconds_per_step[present],
        counters={**first_counted, **window, **notes.counters},
        pitch_counts=notes.pitch_counts,
    )


def _no_loops(counters: dict[str, int]) -> PitchedLoops:
    empty_i16 = np.zeros(0, dtype=np.int16)
    empty_f = np.zeros(0, dtype=np.float32)
    return PitchedLoops(
        np.zeros(0, dtype=np.int32),
        empty_i16,
        np.zeros(0, dtype=np.uint8),
        empty_i16.copy(),
        empty_f,
        empty_f.copy(),
        empty_f.copy(),
        counters,
    )
