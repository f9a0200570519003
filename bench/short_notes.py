"""Clicks and dyads: how many written notes sound shorter than the no-click gap, the closest two note starts, and how
many starts notes of different grid steps share, per grid offset.

A note is cut where the next later note starts; a grid offset above 1 pulls notes early, and before 2026-12-06 a note
could be cut into a 1–20 ms click (at 120 bpm and grid offset 2, 24 of the 2,562 notes of 200 points of a WJD run).
``mvae_core.loop_file`` now holds a start back to :data:`~mvae_core.loop_file.MIN_AUDIBLE_SECONDS` after the start
before it. This script decodes ``--points`` random points of ``RUN`` (seed 0) at each ``--grid-offsets`` and
``--tempo``, and reads the notes in seconds as ``mvae generate``'s files and ``mvae serve`` hold them
(``Generated.timed``)::

    .venv/bin/python bench/short_notes.py RUN [--points 200] [--tempo 120] [--grid-offsets 0,1,1.5,2]

Prints, per grid offset: the notes, how many sound shorter than the gap (those cut by the next start, and those
whose decoded duration is that short), the shortest note, the closest two different starts (ms) and the starts
shared by notes of different grid steps (a late note and an early note of the next step at their windows' shared
edge: two notes of a melody sounding as a dyad); ends with one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json

from bench_args import count, numbers, positive  # bench/bench_args.py, beside this script

import mvae_core
from mvae_core.errors import MvaeError
from mvae_core.loop_file import STEP_TICKS, min_gap_ticks, step_seconds


def gap_seconds(tempo: float) -> float:
    """The no-click gap at ``tempo`` as files write it (20 ms, or half a step above 375 bpm, in whole ticks)."""
    return min_gap_ticks(tempo) * step_seconds(tempo) / STEP_TICKS


def measure(run: mvae_core.Run, points: int, tempo: float, grid_offset: float) -> dict[str, float | int | None]:
    """The notes of ``points`` random points at ``grid_offset`` and ``tempo``, one loop each, as written."""
    generated = run.generate(random=points, seed=0, tempo=tempo, grid_offset=grid_offset)
    gap = gap_seconds(tempo) - 1e-6  # the times are rounded to microseconds
    notes = cut = short = shared = 0
    shortest, closest = float("inf"), float("inf")
    for i in range(points):
        timed = generated.timed(i)
        starts = sorted({note["start"] for note in timed})
        shared += sum(len({note["step"] for note in timed if note["start"] == start}) > 1 for start in starts)
        closest = min([closest, *(later - earlier for earlier, later in itertools.pairwise(starts))])
        for note in timed:
            length = note["end"] - note["start"]
            notes, shortest = notes + 1, min(shortest, length)
            if length < gap:
                cut += any(abs(note["end"] - start) < 1e-9 for start in starts)
                short += 1
    return {
        "notes": notes,
        "shorter_than_gap": short,
        "cut_by_next_start": cut,
        "shortest_ms": round(shortest * 1000, 2) if notes else None,
        "closest_starts_ms": round(closest * 1000, 2) if closest != float("inf") else None,
        "starts_of_two_steps": shared,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a trained run directory")
    parser.add_argument("--points", type=count, default=200)
    parser.add_argument("--tempo", type=positive, default=120.0)
    parser.add_argument(
        "--grid-offsets", type=numbers, default=[0.0, 1.0, 1.5, 2.0], help="comma-separated grid offsets"
    )
    args = parser.parse_args()
    try:
        run = mvae_core.load(args.run)
    except MvaeError as error:  # not a run
        parser.error(f"argument run: {error}")
    rows = {}
    print(f"{args.run}: {args.points} points at {args.tempo:g} bpm; gap {gap_seconds(args.tempo) * 1000:.3g} ms")
    print(f"{'grid offset':>11} {'notes':>6} {'< gap':>6} {'cut':>5} {'shortest ms':>12} {'closest starts ms':>18} "
          f"{'two steps':>10}")  # fmt: skip
    for grid_offset in args.grid_offsets:
        row = rows[f"{grid_offset:g}"] = measure(run, args.points, args.tempo, grid_offset)
        shown = {key: "n/a" if value is None else value for key, value in row.items()}
        print(f"{grid_offset:>11g} {shown['notes']:>6} {shown['shorter_than_gap']:>6} {shown['cut_by_next_start']:>5} "
              f"{shown['shortest_ms']:>12} {shown['closest_starts_ms']:>18} {shown['starts_of_two_steps']:>10}")  # fmt: skip
    print(json.dumps({"run": args.run, "points": args.points, "tempo": args.tempo, "rows": rows}))


if __name__ == "__main__":
    main()
