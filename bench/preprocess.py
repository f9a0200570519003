"""Preprocessing benchmark: first parse of a MIDI folder, cached reload, and the packed table's bytes per note.

On ``../shared/data/dev`` (or ``--data DIR``; exits 0 with a message when the folder is absent):

1. **first parse**, empty cache: ``MVAE_CACHE_DIR`` points at a fresh temporary folder and
   ``load_dataset([DIR], DataConfig(pitch_low=48))`` runs with the default ``jobs`` (a spawn process pool with one
   worker per core, when there are at least ``load.PARALLEL_MIN_UNITS`` files). Files/s = MIDI files found / wall time.
   Then (unless ``--no-jobs1``) again with ``jobs=1`` into another fresh cache: the single-process rate.
2. **cached reload**: ``load_dataset`` again with the now-filled cache (the default-jobs one), ``--repeats``
   times; the median is reported, and the speed-up = first parse / cached median (target >= 100x).
   A cached reload of an unchanged folder reads the folder's set entry (the packed table, memory-mapped, and its
   report) instead of one entry per file; one extra reload times ``ParseCache.get_set`` alone (wrapped in this
   process) to show its share. (Until the set entry, ``ParseCache.get``'s per-file entries were what this timed.)
   CPU times (``process_time``, this process only) are printed beside the in-process runs
   (jobs=1, cached): on a shared machine they are steadier than wall time.
3. **bytes per stored note** = ``table.nbytes() / table.n_notes`` (note columns + per-loop columns; target <= 32).

Every reading is at the rows MIDI 48..71 (``data.pitch_low = 48``, the default before 2026-12-07, at which
docs/benchmarks.md measured these numbers): the default ``"auto"`` reads the table twice when it chooses other rows
(docs/data.md), which would time that choice as well.

Every timing is wall clock (``perf_counter``) in this process; the first-parse worker processes' start-up is
included, as a user would see it. The cache folders are deleted at the end.

    .venv/bin/python bench/preprocess.py [--data DIR] [--repeats 5] [--no-jobs1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench_args import count, folder  # bench/bench_args.py, beside this script

from mvae_core.config import DataConfig
from mvae_core.data.cache import ParseCache
from mvae_core.data.load import load_dataset
from mvae_core.data.sources import expand

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


def timed_load(folder: Path, cache: Path, jobs: int | None):
    """Wall seconds, CPU seconds of this process, table, report."""
    os.environ["MVAE_CACHE_DIR"] = str(cache)
    t0, c0 = time.perf_counter(), time.process_time()
    table, report = load_dataset([str(folder)], DataConfig(pitch_low=48), jobs)
    return time.perf_counter() - t0, time.process_time() - c0, table, report


def set_entry_share(folder: Path, cache: Path) -> tuple[float, float]:
    """(seconds in ``ParseCache.get_set``, reading the folder's set entry; total seconds) of one cached reload."""
    spent = [0.0]
    original = ParseCache.get_set

    def timed_get_set(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0

    ParseCache.get_set = timed_get_set
    try:
        total, _, _, _ = timed_load(folder, cache, None)
    finally:
        ParseCache.get_set = original
    return spent[0], total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=folder, help=f"MIDI folder (default {DEFAULT_DATA}; skipped, exit 0, where that is absent)"
    )
    parser.add_argument("--repeats", type=count, default=5, help="cached reloads (median reported)")
    parser.add_argument("--no-jobs1", dest="jobs1", action="store_false", help="skip the single-process parse")
    args = parser.parse_args()
    args.data = args.data or DEFAULT_DATA  # a --data given is a folder (checked by the parser)
    if not args.data.is_dir():
        print(f"skipped: no data at {args.data} (real MIDI ships beside the repo; pass --data DIR)")
        return
    n_files = len(expand([str(args.data)])[0])
    cpus = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    print(f"data: {args.data} · {n_files} MIDI files · {cpus} CPUs · load average {load_before:.2f}")

    root = Path(tempfile.mkdtemp(prefix="mvae-bench-cache-"))
    saved_env = os.environ.get("MVAE_CACHE_DIR")
    try:
        first_s, _, table, report = timed_load(args.data, root / "pool", None)
        assert report.parsed_units == n_files and report.cached_units == 0, "the first parse must miss the cache"
        print(f"first parse (default jobs, {cpus} CPUs): {first_s:.2f} s = {n_files / first_s:.1f} files/s")
        jobs1_s = jobs1_cpu = None
        if args.jobs1:
            jobs1_s, jobs1_cpu, _, _ = timed_load(args.data, root / "jobs1", 1)
            print(f"first parse (jobs=1): {jobs1_s:.2f} s = {n_files / jobs1_s:.1f} files/s (CPU {jobs1_cpu:.2f} s)")
        cached, cached_cpu = [], []
        for _ in range(args.repeats):
            seconds, cpu, cached_table, cached_report = timed_load(args.data, root / "pool", None)
            assert cached_report.cached_units == n_files and cached_report.parsed_units == 0
            assert cached_table.n_notes == table.n_notes and cached_table.n_loops == table.n_loops
            cached.append(seconds)
            cached_cpu.append(cpu)
        cached_s, cached_cpu_s = statistics.median(cached), statistics.median(cached_cpu)
        get_s, get_total_s = set_entry_share(args.data, root / "pool")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if saved_env is None:
            os.environ.pop("MVAE_CACHE_DIR", None)
        else:
            os.environ["MVAE_CACHE_DIR"] = saved_env

    load_after = os.getloadavg()[0]
    speedup = first_s / cached_s
    bytes_per_note = table.nbytes() / table.n_notes
    skipped = report.skipped_by_reason()
    n_skipped = sum(skipped.values())
    print(
        f"cached reload: median {cached_s * 1e3:.0f} ms of {args.repeats} "
        f"(range {min(cached) * 1e3:.0f}..{max(cached) * 1e3:.0f} ms, CPU {cached_cpu_s * 1e3:.0f} ms) "
        f"= {n_files / cached_s:.0f} files/s; reading the set entry (ParseCache.get_set): "
        f"{get_s * 1e3:.0f} of {get_total_s * 1e3:.0f} ms "
        f"({get_s / get_total_s:.0%})"
    )
    print()
    jobs1 = ("-", "") if jobs1_s is None else (f"{jobs1_s:.2f} s", f"{n_files / jobs1_s:.1f} files/s")
    met = {True: "met", False: "NOT met"}
    rows = [
        ("files", f"{n_files}", ""),
        ("sources ok / skipped", f"{len(report.ok)} / {n_skipped}", ", ".join(f"{k}: {v}" for k, v in skipped.items())),
        ("loops / notes", f"{table.n_loops:,} / {table.n_notes:,}", f"{table.n_notes / table.n_loops:.1f} notes/loop"),
        ("first parse (default)", f"{first_s:.2f} s", f"{n_files / first_s:.1f} files/s"),
        ("first parse (jobs=1)", *jobs1),
        ("cached reload (median)", f"{cached_s * 1e3:.0f} ms", f"{n_files / cached_s:.0f} files/s, "
            f"{get_s / get_total_s:.0%} of it reading the set entry"),
        ("speed-up first/cached", f"{speedup:.0f}x", f"target >= 100x: {met[speedup >= 100]}" + (
            "" if jobs1_s is None else f" (jobs=1 / cached: {jobs1_s / cached_s:.0f}x wall, "
            f"{jobs1_cpu / cached_cpu_s:.0f}x CPU)")),
        ("bytes per stored note", f"{bytes_per_note:.2f}", f"target <= 32: {met[bytes_per_note <= 32]}"),
    ]  # fmt: skip
    for name, value, note in rows:
        print(f"{name:<24}{value:>16}  {note}")
    print(f"1-min load average before/after: {load_before:.2f}/{load_after:.2f} (other processes distort all numbers)")
    print(
        json.dumps(
            {
                "benchmark": "preprocess",
                "data": str(args.data),
                "files": n_files,
                "cpus": cpus,
                "load_average_before_after": [round(load_before, 2), round(load_after, 2)],
                "sources_ok": len(report.ok),
                "skipped": n_skipped,
                "skipped_by_reason": skipped,
                "loops": table.n_loops,
                "notes": table.n_notes,
                "first_parse_s": round(first_s, 3),
                "first_parse_files_per_s": round(n_files / first_s, 2),
                "first_parse_jobs1_s": None if jobs1_s is None else round(jobs1_s, 3),
                "first_parse_jobs1_cpu_s": None if jobs1_cpu is None else round(jobs1_cpu, 3),
                "cached_reload_s": round(cached_s, 4),
                "cached_reload_runs_s": [round(s, 4) for s in cached],
                "cached_reload_cpu_s": round(cached_cpu_s, 4),
                "set_entry_share": round(get_s / get_total_s, 3),
                "speedup": round(speedup, 1),
                "speedup_vs_jobs1": None if jobs1_s is None else round(jobs1_s / cached_s, 1),
                "speedup_vs_jobs1_cpu": None if jobs1_cpu is None else round(jobs1_cpu / cached_cpu_s, 1),
                "bytes_per_note": round(bytes_per_note, 3),
                "target_speedup": 100,
                "target_bytes_per_note": 32,
                "targets_met": {"speedup": speedup >= 100, "bytes_per_note": bytes_per_note <= 32},
            }
        )
    )


if __name__ == "__main__":
    main()
