"""Latency of generating one pattern in process: latent point → decoder → notes (what a live host calls per loop).

Rows (each: ``--warmup`` untimed calls, then ``--calls`` timed calls at new random points):

* **player** — ``model.player().notes(z, options)``: the model's live path in numpy (``seed``: folded BatchNorm,
  the heads' hidden layers as one matrix, velocity, duration and timing only where notes sound,
  ``mvae_core/models/seed_player.py``; ``melody_rnn``: a numpy GRU with precomputed input gates,
  ``mvae_core/models/melody_rnn_player.py``). The target row.
* **batch path** — ``model.decode_notes(z[1, latent_dim], options)``: what ``mvae generate`` runs, one point at a
  time (torch in eval mode, then the same note choice).
* unless ``--no-onnx``, **onnxruntime host** — the graph of ``mvae export`` played by ``examples/onnx_host.py``
  (onnxruntime with 1 thread and numpy, no mvae), what a DAW or JavaScript host would do: ``seed``, one call and
  generate's note choice; ``melody_rnn``, 32 calls with the token choice between them. Then the offsets.
* unless ``--no-onnx``, and when Node.js and ``examples/onnx_host_js``'s packages are installed, **onnxruntime-node
  host** — the same export played by ``examples/onnx_host_js/onnx_host.mjs`` in Node.js (``bench/js_host_latency.mjs``
  times it in its own process, at the same points; CPU time is that process's).
* ``seed`` only: **decoder forward** — ``model.decode(z)`` alone, in torch and (unless ``--no-onnx``) in
  onnxruntime.

The export itself takes ~10 s and is not timed.

One thread everywhere: torch via ``torch.set_num_threads(1)``, numpy's BLAS via ``OPENBLAS_NUM_THREADS=1`` set
here before numpy loads (``--blas-threads N`` or ``--blas-threads=N`` changes it; no abbreviation). Writing MIDI is
not included. The model (``--model``, default the default ``[model] name``) has the default size with untrained
weights; the seed model's put a note on every step (32 notes, the most any rule writes monophonically, so the
player's cell-wise work is at its largest);
``--run RUN`` times a trained run's model instead. Prints wall-clock p50/p95/mean and this thread's CPU-time p50
(which leaves out waiting for a core on a busy machine); ends with one JSON line.

    .venv/bin/python bench/generate_latency.py [--model NAME] [--calls 1000] [--warmup 100] [--no-onnx]
        [--blas-threads 1] [--run RUN]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from bench_args import option_value  # bench/bench_args.py, beside this script; the standard library only

if __name__ == "__main__":  # before numpy loads BLAS, which reads its thread count once
    os.environ["OPENBLAS_NUM_THREADS"] = option_value(sys.argv[1:], "--blas-threads", "1")

import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from onnx_host_check import bench_model, load_host  # bench/onnx_host_check.py, beside this script

from mvae_core.config import MvaeConfig
from mvae_core.errors import MvaeError
from mvae_core.generation import DecodeOptions, to_heads
from mvae_core.models.base import MelodyModel

TARGET_P50_MS = 2.0
JS_HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host_js"


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


def exported(model: MelodyModel, cfg: MvaeConfig, folder: Path) -> Path:
    """The graph of ``mvae export`` for ``model`` in ``folder`` (untimed, ~10 s)."""
    from mvae_core.tools.export import export_decoder

    path = folder / "decoder.onnx"
    export_decoder(model, cfg, path, {"run": "bench"})
    return path


def js_host_timed(onnx_file: Path, points: torch.Tensor, warmup: int) -> dict[str, float] | None:
    """``timed``'s row for ``examples/onnx_host_js/onnx_host.mjs`` in Node.js (``bench/js_host_latency.mjs``), or
    ``None`` without Node.js or the host's packages (``npm ci`` in ``examples/onnx_host_js``)."""
    node = shutil.which("node")
    if node is None or not (JS_HOST / "node_modules" / "onnxruntime-node").is_dir():
        return None
    points_file = onnx_file.with_name("points.json")
    points_file.write_text(json.dumps(points.tolist()))
    script = Path(__file__).with_name("js_host_latency.mjs")
    done = subprocess.run([node, script, onnx_file, points_file, str(warmup)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def hosted(host: Any, options: DecodeOptions) -> Callable[[torch.Tensor], object]:
    """One pattern from ``host`` with ``options``' density and temperatures."""
    rng, temperatures = np.random.default_rng(0), (options.temperature, options.timing_temperature)
    return lambda z: host.pattern(z[0].numpy(), options.density, *temperatures, rng)


def main() -> None:
    # no abbreviations, as option_value reads --blas-threads before this parser: "--blas 2" would set no threads
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--no-onnx", action="store_true")
    parser.add_argument("--blas-threads", type=int, default=1, help="numpy's BLAS threads (read at start-up)")
    parser.add_argument("--model", default=MvaeConfig().model.name, help="[model] name of the untrained model")
    parser.add_argument("--run", type=Path, help="time this trained run's model instead of untrained weights")
    args = parser.parse_args()
    if args.calls < 1 or args.warmup < 0 or args.blas_threads < 1:
        parser.error("--calls and --blas-threads take a number >= 1, --warmup >= 0")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    try:
        model, cfg = bench_model(args.run, args.model)
    except MvaeError as error:  # a run that is not one, a model name no package provides
        parser.error(str(error))
    player = model.player()
    options = DecodeOptions()
    most_likely = replace(options, temperature=0.0)
    points = torch.randn(args.calls, cfg.model.latent_dim, generator=torch.Generator().manual_seed(1))

    def batch_path(z: torch.Tensor, options: DecodeOptions = options) -> object:
        return model.decode_notes(z, options)

    results = {
        "player, default options": timed(lambda z: player.notes(z[0].numpy(), options), points, args.warmup),
        "player, temperature 0": timed(lambda z: player.notes(z[0].numpy(), most_likely), points, args.warmup),
        "batch path (torch), default options": timed(batch_path, points, args.warmup),
    }
    with tempfile.TemporaryDirectory(prefix="mvae-bench-") as folder:  # the export, removed when timed
        onnx_file = None if args.no_onnx else exported(model, cfg, Path(folder))
        host = None if onnx_file is None else load_host().open_host(onnx_file)
        if host is not None:
            results["onnxruntime host (onnx_host.py)"] = timed(hosted(host, options), points, args.warmup)
            if (js_row := js_host_timed(onnx_file, points, args.warmup)) is not None:
                results["onnxruntime-node host (onnx_host.mjs)"] = js_row
        if cfg.model.name == "seed":

            def forward_only(z: torch.Tensor) -> object:
                with torch.no_grad():
                    return to_heads(model.decode(z))

            results["decoder forward (torch)"] = timed(forward_only, points, args.warmup)
            if host is not None:
                results["decoder forward (onnxruntime)"] = timed(host.forward, points, args.warmup)
    notes = [len(player.notes(point.numpy(), options)) for point in points[:20]]
    print(f"{args.calls} calls after {args.warmup} warm-up, 1 torch thread, {args.blas_threads} BLAS thread(s), "
          f"model {cfg.model.name} ({args.run or 'untrained'}), hidden {cfg.model.hidden}, load average "
          f"{os.getloadavg()[0]:.1f}; {statistics.fmean(notes):.1f} notes per pattern\n"
          f"generate's default options: {options}")  # fmt: skip
    print(f"{'':38} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'CPU p50 ms':>11}")
    for name, row in results.items():
        print(f"{name:38} {row['p50_ms']:8.3f} {row['p95_ms']:8.3f} {row['mean_ms']:8.3f} {row['cpu_p50_ms']:11.3f}")
    p50 = results["player, default options"]["p50_ms"]
    ratio = p50 / results["batch path (torch), default options"]["p50_ms"]
    print(f"player / batch path, p50 in this run: {ratio:.2f}")
    print(f"target p50 < {TARGET_P50_MS} ms: {'met' if p50 < TARGET_P50_MS else 'NOT met'}")
    record = {"bench": "generate_latency", "calls": args.calls, "blas_threads": args.blas_threads}
    record |= {"model": cfg.model.name, "weights": str(args.run or "untrained")}
    record["notes_per_pattern"] = statistics.fmean(notes)
    record |= {"options": asdict(options), "results": results, "player_over_batch_path": round(ratio, 3)}
    record["torch"] = torch.__version__
    record |= {"python": platform.python_version(), "load_average": os.getloadavg()[0]}
    print(json.dumps(record))


if __name__ == "__main__":
    main()
