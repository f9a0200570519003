"""What ``train.keep_freed_memory`` saves per training step, per model, measured in one run.

glibc's malloc settings belong to a process and cannot be put back (``mvae_core/allocator.py``), so every
measurement is a fresh process: each round runs one with ``train.keep_freed_memory = false`` (glibc's adaptive
defaults) and one with ``true``, in ABBA order. Each builds a trainer on the synthetic data of
``bench/throughput.py`` (default model size, batch 64, no plugins), takes ``--warmup`` untimed steps and times
``--steps`` calls of ``Trainer.train_step``. Printed per process: ms per step, minor page faults per step (pages the
kernel had to map and zero) and peak RSS; per model, the median of the paired ratios ``kept ÷ default`` (ms per
step) with a bootstrap 95 % interval. Ends with one JSON line.

    .venv/bin/python bench/freed_memory.py                       # every built-in model, 6 rounds
    .venv/bin/python bench/freed_memory.py --models seed --rounds 10 --threads 2

With glibc's defaults the fault count changes from process to process (its thresholds adapt to the order in which
tensors happen to be freed), so a round's default process may fault little: the spread of the ratios shows it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import throughput  # bench/throughput.py, beside this script: the benchmark's synthetic data
import torch
from thread_scaling import paired_median

from mvae_core.config import build_config
from mvae_core.host import PluginHost
from mvae_core.models import BUILTIN_MODELS
from mvae_core.trainer import EpochProgress, Trainer


def time_steps(model: str, keep: bool, steps: int, warmup: int, threads: int) -> dict[str, float]:
    """In this process: ms per step, minor page faults per step and peak RSS (MB) of ``steps`` training steps."""
    torch.set_num_threads(threads)
    overrides = [f'model.name="{model}"', f"train.keep_freed_memory={str(keep).lower()}"]
    cfg = build_config(None, overrides, {"plugins.enabled": ["none"]})
    batch = cfg.train.batch_size
    train, val, _ = throughput.make_data(cfg, batch * (steps + warmup), batch, None)
    trainer = Trainer(cfg, train, val, PluginHost({}))
    trainer.model.train()
    progress, order = EpochProgress({}), np.arange(len(train)).reshape(-1, batch)
    for step in range(warmup):
        trainer.train_step(progress, 0, step, order[step])
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    started = time.perf_counter()
    for step in range(warmup, warmup + steps):
        trainer.train_step(progress, 0, step, order[step])
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "ms_per_step": 1e3 * seconds / steps,
        "faults_per_step": (usage.ru_minflt - faults) / steps,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def in_fresh_process(model: str, keep: bool, args: argparse.Namespace) -> dict[str, float]:
    """:func:`time_steps` in a new interpreter (this script with ``--child``)."""
    command = [sys.executable, str(Path(__file__)), "--child", f"{model}:{int(keep)}", "--steps", str(args.steps)]
    command += ["--warmup", str(args.warmup), "--threads", str(args.threads)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(model: str, args: argparse.Namespace) -> dict:
    """Paired rounds of a default and a keeping process for ``model``."""
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for r in range(args.rounds):
        for keep in (False, True) if r % 2 == 0 else (True, False):
            runs[keep].append(in_fresh_process(model, keep, args))
        default, kept = runs[False][-1], runs[True][-1]
        print(f"  {model} round {r + 1}/{args.rounds}: default {default['ms_per_step']:.1f} ms "
              f"({default['faults_per_step']:.0f} faults/step, {default['peak_rss_mb']:.0f} MB), "
              f"kept {kept['ms_per_step']:.1f} ms ({kept['faults_per_step']:.0f} faults/step, "
              f"{kept['peak_rss_mb']:.0f} MB)")  # fmt: skip

    def median(keep: bool, key: str) -> float:
        return float(np.median([run[key] for run in runs[keep]]))

    ratios = np.array([k["ms_per_step"] / d["ms_per_step"] for d, k in zip(runs[False], runs[True], strict=True)])
    ratio, ci = paired_median(ratios)
    keys = ("ms_per_step", "faults_per_step", "peak_rss_mb")
    return {
        "model": model,
        "ratio": ratio,
        "ratio_ci95": ci,
        "ratio_range": [float(ratios.min()), float(ratios.max())],
    } | {name: {key: median(keep, key) for key in keys} for name, keep in (("default", False), ("kept", True))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(BUILTIN_MODELS), help="comma-separated model names")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--steps", type=int, default=40, help="timed training steps per process")
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # MODEL:0|1, one measurement in this process
    args = parser.parse_args()
    if args.child:
        model, keep = args.child.split(":")
        print(json.dumps(time_steps(model, keep == "1", args.steps, args.warmup, args.threads)))
        return
    load_before = os.getloadavg()[0]
    results = [compare(m, args) for m in args.models.split(",")]
    load_after = os.getloadavg()[0]
    print()
    print(f"{'model':<12}{'default ms':>11}{'faults':>8}{'kept ms':>9}{'faults':>8}{'kept ÷ default [95% CI]':>26}"
          f"{'peak RSS default / kept':>26}")  # fmt: skip
    for r in results:
        d, k = r["default"], r["kept"]
        print(f"{r['model']:<12}{d['ms_per_step']:>11.1f}{d['faults_per_step']:>8.0f}{k['ms_per_step']:>9.1f}"
              f"{k['faults_per_step']:>8.0f}{r['ratio']:>12.3f} [{r['ratio_ci95'][0]:.3f}..{r['ratio_ci95'][1]:.3f}]"
              f"{d['peak_rss_mb']:>15.0f} / {k['peak_rss_mb']:.0f} MB")  # fmt: skip
    print(f"{args.threads} thread(s), {args.steps} steps after {args.warmup}; "
          f"1-min load average before/after: {load_before:.2f}/{load_after:.2f}")  # fmt: skip
    print(json.dumps({"benchmark": "freed_memory", "threads": args.threads, "rounds": args.rounds, "steps": args.steps,
                      "load_average_before_after": [load_before, load_after], "results": results}))  # fmt: skip


if __name__ == "__main__":
    main()
