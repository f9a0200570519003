"""Memory per process when the note table is memory-mapped from its parse-cache directory: N ranks share one copy,
and a table larger than the memory target trains.

What it does:

1. writes a synthetic table of ``--loops`` loops (``memory.synthetic_blocks``: 8..32 notes per loop, 20 on average)
   to ``--dir`` with :class:`~mvae_core.data.table_store.TableWriter`, one source at a time, as ``load_dataset``
   writes a set entry (kept for the next run of the same size); a disk with less free space than the table takes
   (:func:`table_bytes`) is refused at once, exit 2;
2. for each ``--storage``, starts ``--ranks`` processes that join one ``torch.distributed`` (gloo) job on
   127.0.0.1, as ``torchrun`` would start them. Each opens the table (``mapped``: memory-mapped, as ``mvae train``
   now does; ``copied``: read into its own memory, as the old ``.npz`` set entry was), splits it by source with the
   default transpositions, builds the ``Trainer`` (default model) and runs one epoch cut to ``--steps`` optimiser
   steps plus the full validation pass (rank 0), as ``bench/memory.py`` does.

Each rank reports its peak RSS (``VmHWM``; file pages it mapped count in full, shared or not) and, at the end,
``/proc/self/smaps_rollup``: anonymous and file-backed RSS and PSS (proportional set size: a page shared by k
processes counts 1/k in each, so the ranks' PSS add up to what the machine holds).

    .venv/bin/python bench/mapped_memory.py --loops 1000000 --ranks 4              # mapped vs copied, 4 ranks
    .venv/bin/python bench/mapped_memory.py --loops 10000000 --ranks 1 --storage mapped --steps 300

Linux only (``/proc``). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NoReturn

import numpy as np

# bench/memory.py, beside this script
from memory import NOTES_PER_LOOP, mib_text, reset_peak, status_bytes, synthetic_blocks

ROLLUP_FIELDS = ("Rss", "Pss", "Pss_Anon", "Pss_File", "Shared_Clean", "Private_Clean", "Private_Dirty")


def _rollup() -> dict[str, int]:
    """The ``smaps_rollup`` fields of :data:`ROLLUP_FIELDS`, in bytes."""
    values = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        if name in ROLLUP_FIELDS:
            values[name] = int(rest.split()[0]) * 1024
    return values


class PeakSampler:
    """The largest ``RssAnon`` and ``RssFile`` seen, read every ``period`` seconds in a thread (``VmHWM`` has only the
    sum, and file pages are the part that is shared and reclaimable)."""

    def __init__(self, period: float = 0.05) -> None:
        self.peaks = {"RssAnon": 0, "RssFile": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(period,), daemon=True)
        self._thread.start()

    def _run(self, period: float) -> None:
        while not self._stop.wait(period):
            for field in self.peaks:
                self.peaks[field] = max(self.peaks[field], status_bytes(field))

    def stop(self) -> dict[str, int]:
        self._stop.set()
        self._thread.join()
        return {"peak_anon": self.peaks["RssAnon"], "peak_file": self.peaks["RssFile"]}


def table_bytes(n_loops: int) -> int:
    """About how many bytes the synthetic table of ``n_loops`` loops takes on disk (its mean notes per loop)."""
    from mvae_core.data.table import COLUMN_DTYPES, NOTE_COLUMNS

    per_note = sum(COLUMN_DTYPES[name].itemsize for name in NOTE_COLUMNS)
    per_loop = sum(dtype.itemsize for name, dtype in COLUMN_DTYPES.items() if name not in NOTE_COLUMNS)
    return int(n_loops * (sum(NOTES_PER_LOOP) / 2 * per_note + per_loop))


def check_room(directory: Path, n_loops: int) -> None:
    """Exit 2 before writing when the disk of ``directory`` has less free space than the table needs (it would
    fill the disk and fail after minutes of writing)."""
    need = table_bytes(n_loops)
    existing = next(p for p in (directory, *directory.absolute().parents) if p.exists())
    free = shutil.disk_usage(existing).free
    if free < need:
        _refuse(
            f"--dir {directory}: the table of {n_loops:,} loops takes about {mib_text(need)} MiB, but its disk "
            f"has {mib_text(free)} MiB free; give --dir on a larger disk, or fewer --loops"
        )


def _refuse(message: str) -> NoReturn:
    """One ``error:`` line on stderr, exit 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def build_table(directory: Path, n_loops: int, loops_per_source: int) -> dict:
    """Write the synthetic table into ``directory``, a folder that does not exist yet or is empty; a table of
    ``n_loops`` loops already there is reused. Any other ``directory`` exits 2 before anything is written: a table of
    another size (publishing keeps a valid table that is there, so the new one was thrown away and the ranks measured
    the old one under the new size's name) or a folder holding other files (publishing replaces what it cannot read
    as a table: the folder and everything in it were deleted)."""
    from mvae_core.config import DataConfig
    from mvae_core.data.table_store import TableWriter, open_table

    if directory.exists() and not (directory.is_dir() and not any(directory.iterdir())):
        try:
            table, _ = open_table(directory)
        except (OSError, ValueError, KeyError, TypeError):
            _refuse(f"--dir {directory}: holds no note table of this script; give a new or empty folder")
        if table.n_loops != n_loops:
            _refuse(
                f"--dir {directory}: holds a table of {table.n_loops:,} loops, not --loops {n_loops:,}; give "
                f"--loops {table.n_loops} to reuse it, or another --dir"
            )
        return {"built": False, "notes": table.n_notes, "table_bytes": table.nbytes()}
    check_room(directory, n_loops)
    cfg = DataConfig()
    started = time.perf_counter()
    reset_peak()
    with TableWriter(directory) as writer:
        for name, block in synthetic_blocks(n_loops, loops_per_source, cfg.pitch_classes, seed=0):
            writer.add(name, block, cfg.min_onsets)
        table = writer.commit([])
    return {
        "built": True,
        "notes": table.n_notes,
        "table_bytes": table.nbytes(),
        "build_peak": status_bytes("VmHWM"),
        "build_s": time.perf_counter() - started,
    }


def rank_main(directory: Path, storage: str, steps: int, threads: int, overrides: list[str]) -> dict:
    """One rank: open, split, train ``steps`` steps and validate; its memory."""
    import torch

    torch.set_num_threads(threads)
    from mvae_core.config import build_config
    from mvae_core.data.split import split_by_source
    from mvae_core.data.table import COLUMN_DTYPES, NoteTable
    from mvae_core.data.table_store import open_table
    from mvae_core.distributed import Distributed
    from mvae_core.host import PluginHost
    from mvae_core.trainer import Trainer

    class FirstSteps(Distributed):
        """Trains only the first ``steps`` global batches of each epoch."""

        def batches(self, n: int, batch_size: int, rng: np.random.Generator | None):
            return (b for _, b in zip(range(steps), super().batches(n, batch_size, rng), strict=False))

    dist = FirstSteps.from_env(torch.device("cpu"))
    cfg = build_config(None, overrides, {"train.epochs": 1})
    result: dict = {"rank": dist.rank, "storage": storage, "imports_rss": status_bytes("VmRSS")}
    reset_peak()
    sampler = PeakSampler()
    table, _ = open_table(directory)
    if storage == "copied":
        table = NoteTable(**{name: np.array(getattr(table, name)) for name in COLUMN_DTYPES}, sources=table.sources)
    result["open_rss"] = status_bytes("VmRSS")
    train, val, _ = split_by_source(table, cfg.data, cfg.train.seed)
    result |= {"train_examples": len(train), "val_loops": len(val), "split_peak": status_bytes("VmHWM")}
    started = time.perf_counter()
    trainer = Trainer(cfg, train, val, PluginHost({}), dist=dist)
    record: dict = {}
    trainer.fit(on_epoch_end=record.update)
    result["train_s"] = time.perf_counter() - started
    result |= {"peak_rss": status_bytes("VmHWM"), "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    result |= {"rss_anon": status_bytes("RssAnon"), "rss_file": status_bytes("RssFile"), **_rollup(), **sampler.stop()}
    result["val_elbo"] = record.get("val_elbo")
    dist.close()
    return result


def run_ranks(directory: Path, storage: str, ranks: int, steps: int, threads: int, overrides: list[str]) -> list[dict]:
    """Start ``ranks`` processes of one gloo job on 127.0.0.1; their results, by rank. This process holds their
    rendezvous store, on a port it bound itself, as torchrun's agent does (a port picked free and closed for rank 0
    to bind could be taken by another program meanwhile)."""
    import torch.distributed

    store = torch.distributed.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    env = os.environ | {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(store.port), "WORLD_SIZE": str(ranks)}
    env["TORCHELASTIC_USE_AGENT_STORE"] = "True"  # every rank a client of the store above
    command = [sys.executable, __file__, "--rank-of", str(directory), f"--storage={storage}", f"--steps={steps}",
               f"--threads={threads}", *[f"--set={o}" for o in overrides]]  # fmt: skip
    processes = [
        subprocess.Popen(command, env=env | {"RANK": str(r), "LOCAL_RANK": str(r)}, stdout=subprocess.PIPE, text=True)
        for r in range(ranks)
    ]
    outputs = [p.communicate()[0] for p in processes]
    if any(p.returncode for p in processes):
        raise SystemExit(f"a rank failed: exit codes {[p.returncode for p in processes]}")
    return sorted((json.loads(out.strip().splitlines()[-1]) for out in outputs), key=lambda r: r["rank"])


def _check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Numbers in range, known storages and valid ``--set`` overrides, or argparse's exit 2 naming the option: each
    failed in every rank process with a traceback (or, for ``--loops 0``, after writing an empty table)."""
    for option in ("loops", "loops_per_source", "ranks", "steps", "threads"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1, got {getattr(args, option)}")
    if args.loops < 2 * args.loops_per_source:
        parser.error(
            f"--loops {args.loops} gives fewer than 2 sources of --loops-per-source {args.loops_per_source}: the "
            "split needs one to train on and one to validate"
        )
    if unknown := sorted(set(args.storage.split(",")) - {"mapped", "copied"}):
        parser.error(f"--storage {args.storage}: {', '.join(unknown)} is none of mapped, copied")
    from mvae_core.config import build_config
    from mvae_core.errors import MvaeError

    try:
        build_config(None, args.overrides, {"train.epochs": 1})
    except MvaeError as exc:
        parser.error(f"--set: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loops", type=int, default=1_000_000, help="loops of the synthetic table")
    parser.add_argument("--loops-per-source", type=int, default=50, help="loops of each source (the split's unit)")
    parser.add_argument("--ranks", type=int, default=4, help="processes of the gloo job")
    parser.add_argument("--storage", default="mapped,copied", help="comma-separated: mapped, copied")
    parser.add_argument("--steps", type=int, default=200, help="optimiser steps (then one full validation pass)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per rank")
    parser.add_argument("--dir", type=Path, help="table directory (default runs/bench-memory/table-<loops>)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="config override, KEY=VALUE")
    parser.add_argument("--rank-of", type=Path, help=argparse.SUPPRESS)  # a rank process on this table directory
    args = parser.parse_args()
    if args.rank_of is not None:
        print(json.dumps(rank_main(args.rank_of, args.storage, args.steps, args.threads, args.overrides)))
        return
    _check_arguments(parser, args)
    directory = args.dir or Path("runs/bench-memory") / f"table-{args.loops}"
    built = build_table(directory, args.loops, args.loops_per_source)
    print(
        f"table: {args.loops:,} loops, {built['notes']:,} notes, {mib_text(built['table_bytes'])} MiB in {directory}",
        end="",
    )
    print(f" (written with a peak RSS of {mib_text(built['build_peak'])} MiB)" if built["built"] else " (reused)")
    results = {"loops": args.loops, "ranks": args.ranks, "steps": args.steps, "table": built, "storage": {}}
    print(f"{'storage':>8} {'rank':>4} {'peak RSS':>9} {'anon':>6} {'file':>6} {'PSS':>6}  MiB; seconds")
    for storage in args.storage.split(","):
        per_rank = run_ranks(directory, storage, args.ranks, args.steps, args.threads, args.overrides)
        results["storage"][storage] = per_rank
        for r in per_rank:
            print(f"{storage:>8} {r['rank']:>4} {mib_text(r['peak_rss']):>9} {mib_text(r['rss_anon']):>6} "
                  f"{mib_text(r['rss_file']):>6} {mib_text(r['Pss']):>6}  {r['train_s']:.0f}")  # fmt: skip
        total = sum(r["Pss"] for r in per_rank)
        print(f"{storage:>8}  all ranks: PSS {mib_text(total)} MiB (what the machine holds), largest peak RSS "
              f"{mib_text(max(r['peak_rss'] for r in per_rank))} MiB")  # fmt: skip
    print(json.dumps(results))


if __name__ == "__main__":
    main()
