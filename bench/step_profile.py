"""Where a training step's time goes: the trainer's own step (``Trainer.train_step``) under ``torch.profiler``, its
operators' self CPU time grouped by what they do, per registered model.

Groups (an operator goes to the first whose pattern its name contains; the patterns are :data:`GROUPS`):

* **matmul** — ``addmm``/``mm``/``bmm``/``linear``, the GRU's fused cells and the encoder's gathered input layer
  (``embedding_bag``), forward and backward: the FLOPs the roofline of ``bench/throughput.py`` counts;
* **batchnorm**, **activations** (LeakyReLU, tanh, sigmoid, softmax and their backward), **losses** (BCE, cross
  entropy, MSE, log-softmax, KL), **optimizer** (Adam's fused kernel, ``zero_grad``), **dropout** (drawing the
  masks: ``randint``'s ``random_`` for mvae's Dropout, ``bernoulli`` for torch's), **copies** (concatenations
  and copies: the recurrent decoder's per-step inputs), **densify** (building the dense batch from the packed note
  table: the numpy work inside ``record_function("densify")``);
* **other ops** — every other operator (copies, views, reductions, elementwise arithmetic, autograd bookkeeping);
* **Python** — the step's wall time minus every event's self time: the interpreter between the operators (the
  trainer, hook calls, the model's Python ``forward``) and the profiler's own overhead.

Every number is a self time (an operator's own time, its children's counted in their own groups), so the rows add
up to the wall time.

Same synthetic data and default model size as ``bench/throughput.py`` (hidden 512, batch 64), one torch thread
(``--threads N`` for N: each group's time is then wall time on the calling thread, so comparing the two tables shows
which groups the extra threads speed up), after ``--warmup`` untimed steps; ``--steps`` profiled steps. Prints a
table per model and one JSON line.

    .venv/bin/python bench/step_profile.py [--models seed,melody_rnn] [--steps 30] [--warmup 10] [--hidden 512] \\
        [--precision fp32|bf16] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import throughput  # bench/throughput.py, beside this script: the benchmark's synthetic data
import torch
from bench_args import count, count_or_zero, model_names  # bench/bench_args.py, beside this script
from torch.profiler import ProfilerActivity, profile, record_function

from mvae_core.models import BUILTIN_MODELS

GROUPS: dict[str, tuple[str, ...]] = {
    "matmul": ("addmm", "::mm", "bmm", "linear", "gru", "matmul", "embedding_bag"),
    "batchnorm": ("batch_norm",),
    "activations": ("leaky_relu", "tanh", "sigmoid", "softmax", "relu", "gelu"),
    "losses": ("binary_cross_entropy", "cross_entropy", "nll_loss", "mse_loss", "log_softmax", "kl_div"),
    "optimizer": ("adam", "zero_", "_foreach"),
    "dropout": ("bernoulli", "dropout", "random_"),
    "copies": ("aten::cat", "copy_", "stack", "_to_copy", "clone"),
}


def group_of(name: str) -> str:
    lowered = name.lower()
    return next((group for group, patterns in GROUPS.items() if any(p in lowered for p in patterns)), "other ops")


def profile_model(model: str, hidden: int, steps: int, warmup: int, precision: str = "fp32") -> dict[str, float]:
    """Milliseconds per step in each group (and ``wall``) for ``model`` at the default batch size."""
    overrides = [f'model.name="{model}"', f"model.hidden={hidden}", f'train.precision="{precision}"']
    trainer, progress, order = throughput.stepping_trainer(overrides, steps + warmup)
    batch = trainer.batch

    def traced_batch(index: np.ndarray) -> torch.Tensor:
        with record_function("densify"):
            return batch(index)

    trainer.batch = traced_batch  # mark the data path in the trace
    for step in range(warmup):
        trainer.train_step(progress, 0, step, order[step])
    with profile(activities=[ProfilerActivity.CPU]) as trace:
        started = time.perf_counter()
        for step in range(warmup, warmup + steps):
            trainer.train_step(progress, 0, step, order[step])
        wall = time.perf_counter() - started
    per_group = dict.fromkeys([*GROUPS, "densify", "other ops"], 0.0)
    for event in trace.key_averages():  # self times: an event's own time, its child operators' in their groups
        per_group["densify" if event.key == "densify" else group_of(event.key)] += event.self_cpu_time_total
    result = {group: round(us / 1e3 / steps, 3) for group, us in per_group.items()}
    result["wall"] = round(wall * 1e3 / steps, 3)
    result["Python"] = round(max(0.0, result["wall"] - sum(per_group.values()) / 1e3 / steps), 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=model_names, default=sorted(BUILTIN_MODELS))
    parser.add_argument("--steps", type=count, default=30)
    parser.add_argument("--warmup", type=count_or_zero, default=10)
    parser.add_argument("--hidden", type=count, default=512)
    parser.add_argument("--precision", choices=("fp32", "bf16"), default="fp32", help="train.precision")
    parser.add_argument("--threads", type=count, default=1, help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = {m: profile_model(m, args.hidden, args.steps, args.warmup, args.precision) for m in args.models}
    names = [*GROUPS, "densify", "other ops", "Python", "wall"]
    print(
        f"ms per training step (batch 64, hidden {args.hidden}, {args.precision}, {args.threads} thread(s), "
        f"{args.steps} steps after {args.warmup})"
    )
    print(f"{'':12}" + "".join(f"{m:>24}" for m in results))
    for name in names:
        cells = []
        for row in results.values():
            share = "" if name == "wall" else f" ({100 * row[name] / row['wall']:4.1f} %)"
            cells.append(f"{row[name]:>14.2f}{share:>10}")
        print(f"{name:12}" + "".join(cells))
    summary = {
        "bench": "step_profile",
        "hidden": args.hidden,
        "precision": args.precision,
        "steps": args.steps,
        "threads": args.threads,
    }
    print(json.dumps(summary | {"results": results}))


if __name__ == "__main__":
    main()
