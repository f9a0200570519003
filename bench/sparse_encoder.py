"""The encoder's input layer, gathered (what mvae does) against dense (what it did before): forward and backward.

A loop's 4 × 768 input cells hold about 36 non-zero values, yet a dense input layer multiplies all of them. mvae's
encoder (``mvae_core.models.encoder.Encoder.branches``) keeps the four branches' weights as one table with a row
per input cell and sums the rows of a loop's non-zero cells, scaled by their values (``F.embedding_bag``). This
times forward + backward (weight gradients; the input needs none) of that layer for the default model
(pitch_classes 24, hidden 512, batch 64) against the dense computation it replaced, one ``F.linear`` per channel
over every cell with the same weights, on one batch of synthetic melodies (9 notes per loop). Only the linear
layer is timed: the BatchNorm, activation and dropout after it are the same work either way.

Paired rounds in alternating order, median ms per call; both give the same outputs up to float rounding (printed).

    .venv/bin/python bench/sparse_encoder.py [--rounds 8] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from bench_args import count  # bench/bench_args.py, beside this script

from mvae_core.config import ModelConfig
from mvae_core.models.encoder import Encoder

BATCH, PITCH_CLASSES, HIDDEN, CHANNELS, NOTES = 64, 24, 512, 4, 9
CELLS = PITCH_CLASSES * 32


def melodies(generator: torch.Generator) -> torch.Tensor:
    """``[BATCH, CHANNELS, PITCH_CLASSES, 32]``: NOTES cells per loop; onset 1, velocity and duration in 0..1, a
    few offsets."""
    x = torch.zeros(BATCH, CHANNELS, CELLS)
    for b in range(BATCH):
        cells = torch.randperm(CELLS, generator=generator)[:NOTES]
        x[b, 0, cells] = 1.0
        x[b, 1, cells] = torch.rand(NOTES, generator=generator)
        x[b, 2, cells] = torch.rand(NOTES, generator=generator)
        x[b, 3, cells[:5]] = torch.rand(5, generator=generator) - 0.5
    return x.view(BATCH, CHANNELS, PITCH_CLASSES, 32)


def variants(x: torch.Tensor) -> dict[str, tuple[Callable[[], torch.Tensor], list[torch.Tensor]]]:
    """Each variant's forward and the parameters whose gradients it computes; both hold the same weights."""
    torch.manual_seed(0)
    encoder = Encoder(ModelConfig(hidden=HIDDEN), PITCH_CLASSES)
    dense_w = [rows.t().contiguous().requires_grad_() for rows in encoder.branch_weight.detach().chunk(CHANNELS)]
    dense_b = [bias.clone().requires_grad_() for bias in encoder.branch_bias.detach().chunk(CHANNELS)]
    flat = x.flatten(2)

    def dense() -> torch.Tensor:
        return torch.cat([F.linear(flat[:, c], dense_w[c], dense_b[c]) for c in range(CHANNELS)], 1)

    return {
        "dense": (dense, [*dense_w, *dense_b]),
        "gathered (mvae)": (lambda: encoder.branches(x), [encoder.branch_weight, encoder.branch_bias]),
    }


def time_call(forward: Callable[[], torch.Tensor], params: list, upstream: torch.Tensor, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        for p in params:
            p.grad = None
        (forward() * upstream).sum().backward()
    return (time.perf_counter() - started) / calls * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=count, default=8)
    parser.add_argument("--calls", type=count, default=20, help="forward + backward calls per timing")
    parser.add_argument("--threads", type=count, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    x = melodies(generator)
    found = variants(x)
    upstream = torch.randn(BATCH, CHANNELS * HIDDEN, generator=generator)
    reference = found["dense"][0]().detach()
    for name, (forward, params) in found.items():
        gap = (forward().detach() - reference).abs().max().item()
        print(f"{name}: max |output − dense output| {gap:.2e}")
        time_call(forward, params, upstream, 2)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in found}
    names = list(found)
    for r in range(args.rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            times[name].append(time_call(*found[name], upstream, args.calls))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, ms in medians.items():
        print(f"{name:26s} {ms:6.2f} ms   ({ms / medians['dense']:.2f} of dense)")
    print(json.dumps({"bench": "sparse_encoder", "threads": args.threads, "rounds": args.rounds, "ms": medians}))


if __name__ == "__main__":
    main()
