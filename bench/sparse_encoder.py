"""The encoder's four input branches, dense against gathered: how much of a training step a sparse input path could save.

Not used by mvae (docs/benchmarks.md, "What is left"): a loop's 4 × 768 input cells hold about 36 non-zero values,
yet each branch multiplies all 768. This times forward + backward (weight gradients; the input needs none) of the
four branches of the default model (pitch_classes 24, hidden 512, batch 64) three ways, on one batch of synthetic
melodies (9 notes per loop):

* **dense**: ``F.linear`` per channel, weights ``[hidden, cells]`` (what the encoder does);
* **gathered**: one ``F.embedding_bag`` per channel over weights stored ``[cells, hidden]``, the cell values as
  per-sample weights (the layout a sparse path would need: a different checkpoint layout);
* **gathered, weights copied**: the same, with the four weight tables concatenated on every step (what keeping
  today's layout would cost).

Paired rounds in alternating order, median ms per call; the three give the same outputs up to float rounding
(printed).

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

BATCH, CELLS, HIDDEN, CHANNELS, NOTES = 64, 24 * 32, 512, 4, 9


def melodies(generator: torch.Generator) -> torch.Tensor:
    """``[BATCH, CHANNELS, CELLS]``: NOTES cells per loop; onset 1, velocity and duration in 0..1, a few offsets."""
    x = torch.zeros(BATCH, CHANNELS, CELLS)
    for b in range(BATCH):
        cells = torch.randperm(CELLS, generator=generator)[:NOTES]
        x[b, 0, cells] = 1.0
        x[b, 1, cells] = torch.rand(NOTES, generator=generator)
        x[b, 2, cells] = torch.rand(NOTES, generator=generator)
        x[b, 3, cells[:5]] = torch.rand(5, generator=generator) - 0.5
    return x


def variants(x: torch.Tensor, generator: torch.Generator) -> dict[str, tuple[Callable[[], torch.Tensor], list]]:
    """Each variant's forward and the parameters whose gradients it computes; all hold the same weights."""
    dense_w = [torch.randn(HIDDEN, CELLS, generator=generator).requires_grad_() for _ in range(CHANNELS)]
    gathered_w = [w.detach().t().contiguous().requires_grad_() for w in dense_w]
    bias = [torch.zeros(HIDDEN, requires_grad=True) for _ in range(CHANNELS)]
    bags = []
    for c in range(CHANNELS):
        rows, cols = x[:, c].nonzero(as_tuple=True)
        counts = torch.bincount(rows, minlength=BATCH)
        bags.append((cols, torch.cumsum(counts, 0) - counts, x[:, c][rows, cols], rows, cols))

    def dense() -> torch.Tensor:
        return torch.cat([F.linear(x[:, c], dense_w[c], bias[c]) for c in range(CHANNELS)], 1)

    def gathered() -> torch.Tensor:
        outs = [
            F.embedding_bag(cols, gathered_w[c], offsets, mode="sum", per_sample_weights=values) + bias[c]
            for c, (cols, offsets, values, _, _) in enumerate(bags)
        ]
        return torch.cat(outs, 1)

    def gathered_copied() -> torch.Tensor:
        table = torch.cat(gathered_w, 0)  # one [4 · cells, hidden] table, built every step
        index = torch.cat([cols + c * CELLS for c, (cols, *_) in enumerate(bags)])
        owner = torch.cat([rows * CHANNELS + c for c, (_, _, _, rows, _) in enumerate(bags)])
        order = torch.argsort(owner, stable=True)
        counts = torch.bincount(owner, minlength=BATCH * CHANNELS)
        values = torch.cat([v for _, _, v, _, _ in bags])[order]
        out = F.embedding_bag(
            index[order], table, torch.cumsum(counts, 0) - counts, mode="sum", per_sample_weights=values
        )
        return (out.view(BATCH, CHANNELS, HIDDEN) + torch.stack(bias)).reshape(BATCH, CHANNELS * HIDDEN)

    return {
        "dense": (dense, [*dense_w, *bias]),
        "gathered": (gathered, [*gathered_w, *bias]),
        "gathered, weights copied": (gathered_copied, [*gathered_w, *bias]),
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
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--calls", type=int, default=20, help="forward + backward calls per timing")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    x = melodies(generator)
    found = variants(x, generator)
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
