"""How often the data warnings fire on the developer data as it is, and on the same files taken off their grid.

The warnings of :mod:`mvae_core.data.diagnostics` should stay quiet on beat-aligned data and fire on recordings whose
tempo map does not follow the performance. For each subset of ``../shared/data/dev`` this prints, per warning kind, how
many files get it: as read, and after two de-alignments of every file's note positions (in 16th steps, loop by loop
laid end to end): a tempo 3.7 % off (``pos × 1.037``), and the same plus a random walk of the onsets (±0.3 steps per
note, seeded). Then the bar lines taken off: every note one beat and three beats later (``pos + 4``, ``pos + 12``), as
an unmarked pickup of three beats or one beat leaves them. The moved notes go through the same checks as read ones.
Each subset is read at the rows MIDI 48..71 (``data.pitch_low = 48``, the default before 2026-12-07, at which
docs/data.md counted them; where notes fold together depends on the rows).

    .venv/bin/python bench/data_warnings.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from bench_args import folder  # bench/bench_args.py, beside this script

from mvae_core.config import DataConfig
from mvae_core.data.diagnostics import diagnose
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import STEPS_PER_BEAT, STEPS_PER_LOOP, LoopBlock
from mvae_core.data.table import NoteTable

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def source_blocks(table: NoteTable) -> list[LoopBlock]:
    """One block per source, its loops numbered in order."""
    blocks = []
    for source in range(len(table.sources)):
        loops = np.flatnonzero(table.source == source)
        if len(loops) == 0:
            continue
        rows = np.concatenate([np.arange(table.offsets[k], table.offsets[k + 1]) for k in loops])
        loop = np.repeat(np.arange(len(loops)), np.diff(table.offsets)[loops]).astype(np.int32)
        blocks.append(LoopBlock(loop, table.row[rows], table.step[rows], table.velocity[rows],
                                table.duration[rows], table.timeshift[rows], table.seconds_per_step[loops]))  # fmt: skip
    return blocks


def moved(block: LoopBlock, scale: float, walk: float, rng: np.random.Generator, later: int = 0) -> LoopBlock:
    """``block`` with every onset at ``position × scale + later`` (steps) plus a random walk of step ``walk``,
    re-gridded."""
    position = block.loop * STEPS_PER_LOOP + block.step + block.timeshift / 2.0
    position = position * scale + later
    position = position + np.cumsum(rng.normal(0.0, walk, len(position))) if walk else position
    index = np.floor(position + 0.5).astype(np.int64)
    timeshift = np.clip((position - index) * 2.0, -1.0, np.nextafter(1.0, 0)).astype(np.float32)
    return LoopBlock((index // STEPS_PER_LOOP).astype(np.int32), block.row, (index % STEPS_PER_LOOP).astype(np.uint8),
                     block.velocity, block.duration, timeshift, block.seconds_per_step)  # fmt: skip


def counts(blocks: list[LoopBlock]) -> dict[str, int]:
    found: dict[str, int] = {}
    for block in blocks:
        for kind in dict.fromkeys(kind for kind, _ in diagnose(block)):
            found[kind] = found.get(kind, 0) + 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=folder, help=f"the dev data folder (default {DEV}; skipped where absent)")
    args = parser.parse_args()
    args.data = args.data or DEV  # a --data given is a folder (checked by the parser)
    if not args.data.is_dir():
        print(f"skipped: {args.data} is absent")
        return
    results = {}
    for subset in sorted(p for p in args.data.iterdir() if p.is_dir()):
        table, _ = load_dataset([str(subset)], DataConfig(pitch_low=48))
        blocks = source_blocks(table)
        rng = np.random.default_rng(0)
        row = {
            "files": len(blocks),
            "as read": counts(blocks),
            "tempo 3.7 % off": counts([moved(b, 1.037, 0.0, rng) for b in blocks]),
            "tempo off + drift": counts([moved(b, 1.037, 0.3, rng) for b in blocks]),
            "a beat later": counts([moved(b, 1.0, 0.0, rng, STEPS_PER_BEAT) for b in blocks]),
            "3 beats later": counts([moved(b, 1.0, 0.0, rng, 3 * STEPS_PER_BEAT) for b in blocks]),
        }
        results[subset.name] = row
        print(f"{subset.name}: {row['files']} files")
        for variant in ("as read", "tempo 3.7 % off", "tempo off + drift", "a beat later", "3 beats later"):
            print(f"  {variant:<18} {row[variant] or 'no warning'}")
    print(json.dumps({"benchmark": "data_warnings", "results": results}))


if __name__ == "__main__":
    main()
