"""The latency benches and the host check refuse bad options with exit 2 and the reason, not a traceback."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.bench import BENCH, run_main

CASES = [
    (["generate_latency.py", "--no-onnx", "--calls", "-5"], "--calls and --blas-threads take a number >= 1"),
    (["generate_latency.py", "--no-onnx", "--model", "nope"], "model.name: unknown model 'nope'"),
    (["onnx_host_check.py", "--points", "0"], "--points 0: give at least 1"),
    (["serve_latency.py", "--calls", "1"], "the percentiles need --calls >= 2"),
]


@pytest.mark.parametrize(("command", "says"), CASES, ids=[" ".join(c[1:]) for c, _ in CASES])
def test_a_bad_option_is_refused_with_its_reason(command, says, capsys):
    """In this process (a python per case cost ~1.5 s of imports): a traceback would be an exception other than
    ``SystemExit``, which fails the test."""
    with pytest.raises(SystemExit) as exited:
        run_main(*command)
    stderr = capsys.readouterr().err
    assert exited.value.code == 2 and says in stderr and "Traceback" not in stderr, stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_javascript_latency_helper_says_how_to_call_it():
    done = subprocess.run([shutil.which("node"), BENCH / "js_host_latency.mjs"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("usage: node bench/js_host_latency.mjs decoder.onnx")
