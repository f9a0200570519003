"""What ``train.keep_freed_memory`` saves per training step, per model, measured in one run.

glibc's malloc settings belong to a process and cannot be put back (``mvae_core/allocator.py``), so every
measurement is a fresh process: each round runs one with ``train.keep_freed_memory = false`` (glibc's adaptive
defaults) and one with ``true``, in ABBA order. Each builds a trainer on the synthetic data of
``bench/throughput.py`` (default model size, batch 64, no plugins), takes ``--warmup`` untimed steps and times
``--steps`` calls of ``Trainer.train_step``. Printed per process: ms per step, minor page faults per step (pages the
kernel had to map and zero), the kernel's CPU time per step (where the faults are paid) and peak RSS; per model, the median of the paired ratios ``kept ÷ default`` (ms per
step) with a bootstrap 95 % interval.

That comparison of separate processes is noisy (each process gets its own memory layout and its own share of a
shared machine), so the script also prices a page fault in one process: it alternates other thresholds
(``--against MMAP,TRIM`` in MiB; by default glibc's starting ones, 128 KiB: every freed chunk over 128 KiB goes
back to the OS, many faults per step) with kept memory, ABBA, ``--cost-rounds`` times, and divides the extra time
per step by the extra faults per step; it also prints the paired ratio of the two. The estimated saving is the kernel time per
step the default processes spent and the kept ones did not, as a share of a default step. ``--against 4,8`` or ``8,16`` imitates where glibc's
adaptive thresholds settle in a training process (thresholds of a few MB, as large as the largest tensor freed
so far). Ends with one JSON line.

    .venv/bin/python bench/freed_memory.py                       # every built-in model, 6 rounds
    .venv/bin/python bench/freed_memory.py --models seed --rounds 10 --threads 2

With glibc's defaults the fault count changes from process to process (its thresholds adapt to the order in which
tensors happen to be freed), so a round's default process may fault little: the spread of the ratios shows it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import throughput  # bench/throughput.py, beside this script: the benchmark's synthetic data
import torch
from bench_args import count, count_or_zero, model_names, numbers  # bench/bench_args.py, beside this script
from thread_scaling import paired_median

from mvae_core.allocator import MMAP_THRESHOLD, TRIM_THRESHOLD, set_thresholds
from mvae_core.models import BUILTIN_MODELS

MIN_EXTRA_FAULTS = 100
"""Fewer extra faults per step than this and the time difference is noise, not their price: no price is given."""


def stepper(model: str, keep: bool, warmup: int, threads: int) -> Callable[[int], dict[str, float]]:
    """A trainer (``train.keep_freed_memory = keep``) after ``warmup`` steps, as a function that times ``n`` more
    steps in this process: ms, minor page faults and the kernel's CPU ms, each per step."""
    torch.set_num_threads(threads)
    overrides = [f'model.name="{model}"', f"train.keep_freed_memory={str(keep).lower()}"]
    trainer, progress, order = throughput.stepping_trainer(overrides, 16)
    done = itertools.count()

    def steps(n: int) -> dict[str, float]:
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        for step in itertools.islice(done, n):
            trainer.train_step(progress, 0, step, order[step % len(order)])
        seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
        return {
            "ms_per_step": 1e3 * seconds / n,
            "faults_per_step": (after.ru_minflt - before.ru_minflt) / n,
            "kernel_ms_per_step": 1e3 * (after.ru_stime - before.ru_stime) / n,
        }

    steps(warmup)
    return steps


def time_steps(model: str, keep: bool, steps: int, warmup: int, threads: int) -> dict[str, float]:
    """In this process: ms per step, minor page faults per step and peak RSS (MB) of ``steps`` training steps."""
    timed = stepper(model, keep, warmup, threads)(steps)
    return timed | {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def fault_cost(
    model: str, steps: int, warmup: int, threads: int, rounds: int, against: tuple[int, int]
) -> dict[str, float]:
    """In this process, the thresholds ``against`` (mmap, trim; bytes) against kept memory, alternating ``rounds``
    times: the median paired ratio kept ÷ against, µs per page fault (the extra time per step ÷ the extra faults per
    step, summed over the rounds; ``None`` below :data:`MIN_EXTRA_FAULTS` per step) and each state's median faults,
    ms and kernel ms per step."""
    timed = stepper(model, False, warmup, threads)
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for r in range(rounds):
        for keep in (False, True) if r % 2 == 0 else (True, False):
            set_thresholds(*((MMAP_THRESHOLD, TRIM_THRESHOLD) if keep else against))
            timed(3)  # the heap settles into the new state
            runs[keep].append(timed(steps))
    pairs = list(zip(runs[False], runs[True], strict=True))
    ratios = [kept["ms_per_step"] / start["ms_per_step"] for start, kept in pairs]
    extra_faults = sum(start["faults_per_step"] - kept["faults_per_step"] for start, kept in pairs)
    extra_ms = sum(start["ms_per_step"] - kept["ms_per_step"] for start, kept in pairs)
    return {
        "ratio": float(np.median(ratios)),
        "us_per_fault": 1e3 * extra_ms / extra_faults if extra_faults > MIN_EXTRA_FAULTS * len(pairs) else None,
    } | {
        f"{name}_{key}": float(np.median([run[key] for run in runs[keep]]))
        for name, keep in (("against", False), ("kept", True))
        for key in ("ms_per_step", "faults_per_step", "kernel_ms_per_step")
    }


def in_fresh_process(model: str, mode: str, args: argparse.Namespace) -> dict[str, float]:
    """One measurement (``mode``: ``default``, ``kept`` or ``cost``) in a new interpreter: this script with
    ``--child``."""
    command = [sys.executable, str(Path(__file__)), "--child", f"{model}:{mode}", "--steps", str(args.steps)]
    command += ["--warmup", str(args.warmup), "--threads", str(args.threads), "--cost-rounds", str(args.cost_rounds)]
    command += ["--against", args.against]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:  # what the measuring process said, rather than only that it failed
        sys.exit(f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_fault(cost: dict) -> str:
    """The in-process price of a fault, or "n/a" when the compared thresholds hardly faulted more than kept memory."""
    return "n/a" if cost["us_per_fault"] is None else f"{cost['us_per_fault']:.2f} µs"


def describe(run: dict[str, float]) -> str:
    """One process's numbers, for a round's line."""
    return (f"{run['ms_per_step']:.1f} ms ({run['faults_per_step']:.0f} faults, {run['kernel_ms_per_step']:.2f} ms "
            f"in the kernel per step; {run['peak_rss_mb']:.0f} MB)")  # fmt: skip


def compare(model: str, args: argparse.Namespace) -> dict:
    """Paired rounds of a default and a keeping process for ``model``."""
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for r in range(args.rounds):
        for keep in (False, True) if r % 2 == 0 else (True, False):
            runs[keep].append(in_fresh_process(model, "kept" if keep else "default", args))
        print(f"  {model} round {r + 1}/{args.rounds}: default {describe(runs[False][-1])}, "
              f"kept {describe(runs[True][-1])}")  # fmt: skip

    def median(keep: bool, key: str) -> float:
        return float(np.median([run[key] for run in runs[keep]]))

    ratios = np.array([k["ms_per_step"] / d["ms_per_step"] for d, k in zip(runs[False], runs[True], strict=True)])
    ratio, ci = paired_median(ratios)
    cost = in_fresh_process(model, "cost", args)
    print(f"  {model} in one process: thresholds {args.against} MiB {cost['against_ms_per_step']:.1f} ms "
          f"({cost['against_faults_per_step']:.0f} faults/step), kept {cost['kept_ms_per_step']:.1f} ms "
          f"({cost['kept_faults_per_step']:.0f}): {per_fault(cost)} per fault, "
          f"kept ÷ {args.against} {cost['ratio']:.3f}")  # fmt: skip
    keys = ("ms_per_step", "faults_per_step", "kernel_ms_per_step", "peak_rss_mb")
    result = {"model": model, "ratio": ratio, "ratio_ci95": ci, "ratio_range": [float(min(ratios)), float(max(ratios))]}
    result |= {name: {key: median(keep, key) for key in keys} for name, keep in (("default", False), ("kept", True))}
    saved_ms = result["default"]["kernel_ms_per_step"] - result["kept"]["kernel_ms_per_step"]
    return result | {"fault_cost": cost, "estimated_saving": saved_ms / result["default"]["ms_per_step"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=model_names, default=list(BUILTIN_MODELS), help="comma-separated model names")
    parser.add_argument("--rounds", type=count, default=6)
    parser.add_argument("--steps", type=count, default=40, help="timed training steps per process")
    parser.add_argument("--warmup", type=count_or_zero, default=10, help="untimed steps first")
    parser.add_argument("--threads", type=count, default=1, help="torch intra-op threads")
    parser.add_argument("--cost-rounds", type=count, default=6, help="alternations of the in-process fault pricing")
    parser.add_argument(
        "--against", default="0.125,0.125", help="MMAP,TRIM thresholds (MiB) the in-process pricing compares with"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # MODEL:default|kept|cost, one measurement in this process
    args = parser.parse_args()
    try:
        against_mib = numbers(args.against)
    except argparse.ArgumentTypeError as error:
        parser.error(f"argument --against: {error}")
    if len(against_mib) != 2 or min(against_mib) < 0:
        parser.error(f"argument --against: {args.against}: give two thresholds in MiB, MMAP,TRIM (such as 4,8)")
    if args.child:
        model, mode = args.child.split(":")
        if mode == "cost":
            against = tuple(int(mib * 2**20) for mib in against_mib)
            print(json.dumps(fault_cost(model, args.steps, args.warmup, args.threads, args.cost_rounds, against)))
        else:
            print(json.dumps(time_steps(model, mode == "kept", args.steps, args.warmup, args.threads)))
        return
    load_before = os.getloadavg()[0]
    results = [compare(m, args) for m in args.models]
    load_after = os.getloadavg()[0]
    print()
    for r in results:
        d, k, cost = r["default"], r["kept"], r["fault_cost"]
        print(
            f"{r['model']}: default {d['ms_per_step']:.1f} ms per step ({d['faults_per_step']:.0f} faults, "
            f"{d['kernel_ms_per_step']:.2f} ms in the kernel), kept {k['ms_per_step']:.1f} ms "
            f"({k['faults_per_step']:.0f} faults, {k['kernel_ms_per_step']:.2f} ms in the kernel); medians"
        )
        print(
            f"  kept ÷ default {r['ratio']:.3f} [95% CI {r['ratio_ci95'][0]:.3f}..{r['ratio_ci95'][1]:.3f}], "
            f"peak RSS {d['peak_rss_mb']:.0f} / {k['peak_rss_mb']:.0f} MB"
        )
        print(f"  kernel time saved: {100 * r['estimated_saving']:.1f} % of a default step; in one process, "
              f"{per_fault(cost)} per fault, kept ÷ {args.against} MiB {cost['ratio']:.3f}")  # fmt: skip
    print(f"{args.threads} thread(s), {args.steps} steps after {args.warmup}; "
          f"1-min load average before/after: {load_before:.2f}/{load_after:.2f}")  # fmt: skip
    print(json.dumps({"benchmark": "freed_memory", "threads": args.threads, "rounds": args.rounds, "steps": args.steps,
                      "load_average_before_after": [load_before, load_after], "results": results}))  # fmt: skip


if __name__ == "__main__":
    main()
