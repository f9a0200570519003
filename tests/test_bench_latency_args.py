"""The latency benches and the host check refuse bad options with exit 2 and the reason, not a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.bench import BENCH

CASES = [
    (["generate_latency.py", "--no-onnx", "--calls", "-5"], "--calls and --blas-threads take a number >= 1"),
    (["generate_latency.py", "--no-onnx", "--model", "nope"], "model.name: unknown model 'nope'"),
    (["onnx_host_check.py", "--points", "0"], "--points 0: give at least 1"),
    (["serve_latency.py", "--calls", "1"], "the percentiles need --calls >= 2"),
]


@pytest.mark.parametrize(("command", "says"), CASES, ids=[" ".join(c[1:]) for c, _ in CASES])
def test_a_bad_option_is_refused_with_its_reason(command, says):
    done = subprocess.run([sys.executable, BENCH / command[0], *command[1:]], capture_output=True, text=True)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_javascript_latency_helper_says_how_to_call_it():
    done = subprocess.run([shutil.which("node"), BENCH / "js_host_latency.mjs"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("usage: node bench/js_host_latency.mjs decoder.onnx")
