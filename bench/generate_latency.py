"""Latency of generating one pattern in process: latent point → decoder → notes (what a live host calls per loop).

One call = ``decode_latents(model, z[1, latent_dim], options)`` (decoder forward in eval mode, sigmoid, one timing
draw per step) + ``select_notes`` (the default density-aware monophonic rule); writing MIDI is not included. The
model has the default size (hidden 512, latent 2, categorical timing head) with untrained weights: the cost does
not depend on training. torch runs with 1 thread; ``--warmup`` calls are made before ``--calls`` timed calls, each
at a new random point. Prints wall-clock p50/p95/mean and CPU-time p50 of the whole call and of the decoder
forward alone; unless ``--no-onnx``, the same for the ONNX decoder (``mvae export``) run by onnxruntime with 1
thread, the whole call there being the graph, one timing draw per step and ``select_notes`` (the export itself
takes ~10 s and is not timed). Untrained weights put a note on every step (32 per pattern, the most
``select_notes`` ever builds); a trained model writes fewer. Ends with one JSON line.

    .venv/bin/python bench/generate_latency.py [--calls 1000] [--warmup 100] [--no-onnx]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from mvae_core.config import MvaeConfig
from mvae_core.generate import DecodeOptions, decode_latents, select_notes
from mvae_core.model import MelodyVAE

TARGET_P50_MS = 2.0


def timed(call: Callable[[torch.Tensor], object], points: torch.Tensor, warmup: int) -> dict[str, float]:
    """Wall-clock p50/p95/mean and CPU-time p50 in milliseconds per call over ``points`` (one call each), after
    ``warmup`` untimed calls. CPU time (this thread) leaves out waiting for a core on a busy machine."""
    for k in range(warmup):
        call(points[k % len(points)][None])
    wall, cpu = [], []
    for point in points:
        z = point[None]
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        call(z)
        cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
        wall.append((time.perf_counter_ns() - start) / 1e6)
    return {
        "p50_ms": round(float(np.percentile(wall, 50)), 4),
        "p95_ms": round(float(np.percentile(wall, 95)), 4),
        "mean_ms": round(statistics.fmean(wall), 4),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 4),
    }


def onnx_session(model: MelodyVAE, cfg: MvaeConfig) -> Callable[[torch.Tensor], list[np.ndarray]]:
    """The decoder exported by ``mvae export`` (untimed, ~10 s), run by onnxruntime with 1 thread."""
    import onnxruntime

    from mvae_core.tools.export import export_decoder

    path = Path(tempfile.mkdtemp(prefix="mvae-bench-")) / "decoder.onnx"
    export_decoder(model, cfg, path, {"run": "bench (untrained)"})
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda z: session.run(None, {"z": z.numpy()})


def onnx_generate(
    run: Callable[[torch.Tensor], list[np.ndarray]], model: MelodyVAE, options: DecodeOptions
) -> Callable[[torch.Tensor], object]:
    """What a host would do with the graph: one timing draw per step from ``timing_probs``, then ``select_notes``."""

    def call(z: torch.Tensor) -> object:
        onset, velocity, duration, probs, _ = run(z)
        logits = torch.from_numpy(probs).log()
        drawn = model.timing.sample(logits, options.timing_temperature, torch.Generator().manual_seed(options.seed))
        timeshift = np.broadcast_to(drawn.numpy()[:, None, :], onset.shape)
        heads = {"onset": onset, "velocity": velocity, "duration": duration, "timeshift": timeshift}
        return select_notes(heads, 0, options)

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--no-onnx", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    cfg = MvaeConfig()
    model = MelodyVAE(cfg.model, cfg.data.pitch_classes).eval()
    options = DecodeOptions()
    points = torch.randn(args.calls, cfg.model.latent_dim, generator=torch.Generator().manual_seed(1))

    def generate_one(z: torch.Tensor, options: DecodeOptions = options) -> object:
        return select_notes(decode_latents(model, z, options), 0, options)

    most_likely = replace(options, temperature=0.0)

    def forward_only(z: torch.Tensor) -> object:
        with torch.no_grad():
            return model.decode(z)

    results = {"generate (torch)": timed(generate_one, points, args.warmup)}
    results["generate, temperature 0 (torch)"] = timed(lambda z: generate_one(z, most_likely), points, args.warmup)
    results["decoder forward (torch)"] = timed(forward_only, points, args.warmup)
    if not args.no_onnx:
        run = onnx_session(model, cfg)
        results["generate (onnxruntime)"] = timed(onnx_generate(run, model, options), points, args.warmup)
        results["decoder forward (onnxruntime)"] = timed(run, points, args.warmup)
    notes = [len(generate_one(point[None])) for point in points[:20]]
    print(f"{args.calls} calls after {args.warmup} warm-up, 1 torch thread, hidden {cfg.model.hidden}, "
          f"load average {os.getloadavg()[0]:.1f}; {statistics.fmean(notes):.1f} notes per pattern\n"
          f"generate's default options: {options}")  # fmt: skip
    print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'CPU p50 ms':>11}")
    for name, row in results.items():
        print(f"{name:34} {row['p50_ms']:8.3f} {row['p95_ms']:8.3f} {row['mean_ms']:8.3f} {row['cpu_p50_ms']:11.3f}")
    p50 = results["generate (torch)"]["p50_ms"]
    print(f"target p50 < {TARGET_P50_MS} ms: {'met' if p50 < TARGET_P50_MS else 'NOT met'}")
    record = {"bench": "generate_latency", "calls": args.calls, "options": asdict(options), "results": results}
    record["torch"] = torch.__version__
    record |= {"python": platform.python_version(), "load_average": os.getloadavg()[0]}
    print(json.dumps(record))


if __name__ == "__main__":
    main()
