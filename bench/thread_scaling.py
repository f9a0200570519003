"""How training throughput scales from one torch thread to ``--threads N``, per model, measured in one run.

Each round times the trainer (``Trainer.fit()``, no plugins, validation subtracted, as ``bench/throughput.py``
does, whose data and timing functions it uses) at one thread and at N threads, in ABBA order, and the fp32 GEMM
(``--gemm-n`` square ``torch.matmul``) at both. The headline is the median of the per-round paired ratios
``samples/s at N threads ÷ samples/s at 1 thread`` with a bootstrap 95 % interval; the GEMM's own ratio is what the
machine's cores give a pure matrix multiply, the most the training step could get.

    .venv/bin/python bench/thread_scaling.py                         # every built-in model, 2 threads, 8 rounds
    .venv/bin/python bench/thread_scaling.py --models seed --rounds 12

A shared machine distorts this more than a one-thread ratio: any other busy process takes a core from the N-thread
run only. The script prints the load average before and after. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
import throughput  # bench/throughput.py, beside this script: its data, trainer timing and GEMM rate
import torch
from bench_args import count, model_names  # bench/bench_args.py, beside this script

from mvae_core.config import MvaeConfig
from mvae_core.host import PluginHost
from mvae_core.models import BUILTIN_MODELS


def paired_median(ratios: np.ndarray) -> tuple[float, list[float]]:
    """The median of ``ratios`` and its bootstrap 95 % interval."""
    boot = np.random.default_rng(0).choice(ratios, size=(2000, len(ratios)))
    return float(np.median(ratios)), [float(c) for c in np.percentile(np.median(boot, axis=1), [2.5, 97.5])]


def scale_model(model: str, threads: int, rounds: int, steps: int, batch_size: int, gemm_n: int) -> dict:
    """Paired rounds of the trainer and the GEMM at 1 and ``threads`` threads."""
    cfg = MvaeConfig.model_validate(
        {
            "model": {"name": model},
            "train": {"batch_size": batch_size, "epochs": 1, "seed": 0, "lr": 1e-3},
            "plugins": {"enabled": ["none"]},
        }
    )
    train, val, _ = throughput.make_data(cfg, steps * batch_size, 32, None)
    samples = steps * batch_size

    def trainer_sps(n_threads: int) -> float:
        torch.set_num_threads(n_threads)
        fit, val_in_fit, _, _ = throughput.run_trainer(cfg, train, val, PluginHost({}))
        return samples / (fit[0] - val_in_fit[0])

    def gemm(n_threads: int) -> float:
        torch.set_num_threads(n_threads)
        return throughput.gemm_gflops(gemm_n)

    for n in (1, threads):  # untimed warm-up at both thread counts
        trainer_sps(n)
    one, many, gemm_one, gemm_many = [], [], [], []
    for r in range(rounds):
        order = (1, threads) if r % 2 == 0 else (threads, 1)
        for n in order:
            (one if n == 1 else many).append(trainer_sps(n))
            (gemm_one if n == 1 else gemm_many).append(gemm(n))
        print(f"  {model} round {r + 1}/{rounds}: 1 thread {one[-1]:.1f}/s, {threads} threads {many[-1]:.1f}/s "
              f"({many[-1] / one[-1]:.2f}x) · GEMM {gemm_one[-1]:.1f} / {gemm_many[-1]:.1f} GFLOP/s")  # fmt: skip
    ratio, ci = paired_median(np.array(many) / np.array(one))
    gemm_ratio, gemm_ci = paired_median(np.array(gemm_many) / np.array(gemm_one))
    return {
        "model": model,
        "samples_per_s": {"1": float(np.median(one)), str(threads): float(np.median(many))},
        "ratio": ratio,
        "ratio_ci95": ci,
        "gemm_gflops": {"1": float(np.median(gemm_one)), str(threads): float(np.median(gemm_many))},
        "gemm_ratio": gemm_ratio,
        "gemm_ratio_ci95": gemm_ci,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=model_names, default=list(BUILTIN_MODELS), help="comma-separated model names")
    parser.add_argument("--threads", type=count, default=2, help="the thread count compared with one")
    parser.add_argument("--rounds", type=count, default=8)
    parser.add_argument("--steps", type=count, default=10, help="optimiser steps per timed fit()")
    parser.add_argument("--batch-size", type=count, default=64)
    parser.add_argument("--gemm-n", type=count, default=2048)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    results = [scale_model(m, args.threads, args.rounds, args.steps, args.batch_size, args.gemm_n) for m in args.models]
    load_after = os.getloadavg()[0]
    print()
    print(
        f"{'model':<12}{'1 thread/s':>12}{f'{args.threads} threads/s':>14}{'speed-up [95% CI]':>24}{'GEMM speed-up':>15}"
    )
    for r in results:
        per_second = r["samples_per_s"]
        print(f"{r['model']:<12}{per_second['1']:>12.1f}{per_second[str(args.threads)]:>14.1f}"
              f"{r['ratio']:>10.2f} [{r['ratio_ci95'][0]:.2f}..{r['ratio_ci95'][1]:.2f}]{r['gemm_ratio']:>13.2f}")  # fmt: skip
    print(f"1-min load average before/after: {load_before:.2f}/{load_after:.2f}")
    print(json.dumps({"benchmark": "thread_scaling", "threads": args.threads, "rounds": args.rounds,
                      "load_average_before_after": [load_before, load_after], "results": results}))  # fmt: skip


if __name__ == "__main__":
    main()
