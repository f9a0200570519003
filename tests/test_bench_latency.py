"""The latency benchmark runs end to end (a few calls, no ONNX) and reports the player and the batch path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_generate_latency_bench_reports_the_player_against_the_batch_path(model):
    args = ["--calls", "5", "--warmup", "1", "--no-onnx", "--model", model]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_latency.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["blas_threads"] == 1
    assert set(record["results"]) >= {"player, default options", "batch path (torch), default options"}
    assert record["player_over_batch_path"] > 0
    assert record["model"] == model
    if model == "seed":
        assert record["notes_per_pattern"] == 32.0  # untrained weights put a note on every step
    else:
        assert 0 < record["notes_per_pattern"] <= 32
