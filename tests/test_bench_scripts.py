"""Every script under bench/ still imports (the library moves under them), and the throughput bench runs end to end
for every built-in model with the trainer and the bare loop ending on the same parameters."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mvae_core.models import BUILTIN_MODELS

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "bench").glob("*.py"))


def test_there_are_bench_scripts():
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bench_script_imports(script):
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # every script keeps its work under `if __name__ == "__main__"`
    assert callable(module.main)


@pytest.mark.parametrize("model", sorted(BUILTIN_MODELS))
def test_throughput_bench_runs_and_matches_the_bare_loop(model):
    args = ["--model", model, "--rounds", "1", "--steps", "2", "--hidden", "64", "--gemm-n", "128"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "throughput.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["model"] == model
    assert record["max_param_diff"] == 0
    assert record["samples_per_s"]["bare"] > 0
