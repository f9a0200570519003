"""Peak resident memory of training on a synthetic corpus of N loops (default 1,000,000), without MIDI files.

What it does, in one process per corpus size (peak RSS is per process):

1. builds a NoteTable of ``--loops`` loops directly with ``NoteTable.from_blocks`` (one ``LoopBlock`` per source of
   ``--loops-per-source`` loops, 8..32 notes per loop at distinct steps, about 20 on average like the dev set);
2. splits it by source and augments the train split with the default transpositions (``split_by_source``);
3. builds the ``Trainer`` (``--model``, default the config's, hidden 512) and runs one epoch bounded to ``--steps``
   optimiser steps, followed by the full validation pass over the validation split (all of its loops) — what a real
   epoch does, minus the rest of the train steps, whose memory does not depend on how many there are.

Memory is read from ``/proc/self/status``: ``VmRSS`` (now) and ``VmHWM`` (the peak). The peak is reset between
phases (``echo 5 > /proc/self/clear_refs``), so each phase reports its own peak; ``ru_maxrss`` (getrusage) gives
the peak of the whole process. No run directory is written.

    .venv/bin/python bench/memory.py                              # 100k, 300k and 1M loops, one subprocess each
    .venv/bin/python bench/memory.py --sizes 1000000 --steps 100  # one size
    .venv/bin/python bench/memory.py --loops 200000 --json        # one size in this process, JSON only

Linux only (``/proc``). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from bench_args import count, counts, model_names  # bench/bench_args.py, beside this script

MIB = 1024 * 1024
NOTES_PER_LOOP = (8, 32)  # the fewest and most notes of a synthetic loop (uniform: 20 on average)


def status_bytes(field: str) -> int:
    """A ``/proc/self/status`` memory field in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux >= 4.0)


def synthetic_blocks(n_loops: int, loops_per_source: int, pitch_classes: int, seed: int) -> Iterator:
    """``(source name, LoopBlock)`` pairs, one source at a time (so only the finished table is held at the end)."""
    from mvae_core.data.loops import STEPS_PER_LOOP, LoopBlock

    rng = np.random.default_rng(seed)
    for first in range(0, n_loops, loops_per_source):
        n = min(loops_per_source, n_loops - first)
        counts = rng.integers(NOTES_PER_LOOP[0], NOTES_PER_LOOP[1] + 1, size=n)
        # distinct steps per loop: the `count` smallest of 32 random keys; nonzero() yields them by (loop, step)
        ranks = rng.random((n, STEPS_PER_LOOP)).argsort(axis=1).argsort(axis=1)
        loop, step = np.nonzero(ranks < counts[:, None])
        notes = len(loop)
        yield (
            f"synthetic/{first // loops_per_source:06d}.mid",
            LoopBlock(
                loop=loop.astype(np.int32),
                row=rng.integers(4, pitch_classes - 4, size=notes).astype(np.uint8),
                step=step.astype(np.uint8),
                velocity=rng.integers(40, 128, size=notes).astype(np.uint8),
                duration=rng.uniform(0.05, 1.0, size=notes).astype(np.float32),
                timeshift=np.clip(rng.normal(0, 0.4, size=notes), -1, 0.99).astype(np.float32),
                seconds_per_step=np.full(n, 0.125, dtype=np.float32),
            ),
        )


def measure(
    n_loops: int, loops_per_source: int, steps: int, hidden: int, batch_size: int, threads: int, model: str | None
) -> dict:
    """Build, split and train in this process; the memory of every phase."""
    import torch

    torch.set_num_threads(threads)
    from mvae_core.config import build_config
    from mvae_core.data.split import split_by_source
    from mvae_core.data.table import NoteTable
    from mvae_core.distributed import Distributed
    from mvae_core.host import PluginHost
    from mvae_core.trainer import Trainer

    class FirstSteps(Distributed):
        """One process that trains only the first ``steps`` batches of each epoch."""

        def batches(self, n: int, batch_size: int, rng: np.random.Generator | None):
            return (b for _, b in zip(range(steps), super().batches(n, batch_size, rng), strict=False))

    overrides = [f"model.hidden={hidden}", *([f'model.name="{model}"'] if model else [])]
    cfg = build_config(None, overrides, {"train.epochs": 1, "train.batch_size": batch_size})
    result: dict = {
        "model": cfg.model.name,
        "loops": n_loops,
        "steps": steps,
        "hidden": hidden,
        "batch_size": batch_size,
    }
    result["imports_rss"] = status_bytes("VmRSS")
    started = time.perf_counter()
    reset_peak()
    table, _ = NoteTable.from_blocks(
        synthetic_blocks(n_loops, loops_per_source, cfg.data.pitch_classes, seed=0), cfg.data.min_onsets
    )
    result |= {"notes": table.n_notes, "table_bytes": table.nbytes(), "sources": len(table.sources)}
    result |= {"build_peak": status_bytes("VmHWM"), "table_rss": status_bytes("VmRSS")}
    result["build_s"] = time.perf_counter() - started

    reset_peak()
    train, val, _ = split_by_source(table, cfg.data, cfg.train.seed)
    result |= {"train_examples": len(train), "val_loops": len(val), "split_peak": status_bytes("VmHWM")}

    reset_peak()
    started = time.perf_counter()
    trainer = Trainer(cfg, train, val, PluginHost({}), dist=FirstSteps(torch.device("cpu")))
    result["trainer_rss"] = status_bytes("VmRSS")
    record: dict = {}
    trainer.fit(on_epoch_end=record.update)
    result |= {"train_peak": status_bytes("VmHWM"), "train_rss": status_bytes("VmRSS"), "val_elbo": record["val_elbo"]}
    result["train_s"] = time.perf_counter() - started
    result["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    return result


def mib_text(value: int) -> str:
    return f"{value / MIB:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=counts, default=[100000, 300000, 1000000], help="corpus sizes, one subprocess each"
    )
    parser.add_argument("--loops", type=count, help="measure one size in this process (used by the subprocesses)")
    parser.add_argument("--loops-per-source", type=count, default=50)
    parser.add_argument("--steps", type=count, default=200, help="optimiser steps (then one full validation pass)")
    parser.add_argument("--hidden", type=count, default=512)
    parser.add_argument("--batch-size", type=count, default=64)
    parser.add_argument("--threads", type=count, default=1)
    parser.add_argument("--model", help="model.name (default: the config's; the 2026-11-25 table is seed's)")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    if args.model and args.loops is None:  # checked once, here: a subprocess's imports are part of what it measures
        try:
            model_names(args.model)
        except argparse.ArgumentTypeError as error:
            parser.error(f"argument --model: {error}")
    options = [
        f"--loops-per-source={args.loops_per_source}", f"--steps={args.steps}", f"--hidden={args.hidden}",
        f"--batch-size={args.batch_size}",
        f"--threads={args.threads}",
        *([f"--model={args.model}"] if args.model else []),
    ]  # fmt: skip
    if args.loops is not None:
        results = [
            measure(
                args.loops, args.loops_per_source, args.steps, args.hidden, args.batch_size, args.threads, args.model
            )
        ]
    else:
        results = []
        for size in args.sizes:
            command = [sys.executable, __file__, f"--loops={size}", "--json", *options]
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            results.append(json.loads(out.strip().splitlines()[-1])[0])
    if not args.json:
        print(f"{'loops':>10} {'notes':>11} {'table':>6} {'imports':>8} {'build pk':>9} {'split pk':>9} "
              f"{'trainer':>8} {'train pk':>9} {'maxrss':>7}  MiB; seconds build/train")  # fmt: skip
        for r in results:
            print(
                f"{r['loops']:>10,} {r['notes']:>11,} {mib_text(r['table_bytes']):>6} {mib_text(r['imports_rss']):>8} "
                f"{mib_text(r['build_peak']):>9} {mib_text(r['split_peak']):>9} {mib_text(r['trainer_rss']):>8} "
                f"{mib_text(r['train_peak']):>9} {mib_text(r['maxrss']):>7}  {r['build_s']:.0f}/{r['train_s']:.0f}"
            )
        if len(results) >= 2:
            low, high = results[0], results[-1]
            slope = (high["maxrss"] - low["maxrss"]) / (high["loops"] - low["loops"])
            print(
                f"peak RSS grows by {slope:.0f} bytes per loop ({slope / (high['notes'] / high['loops']):.1f} per note)"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
