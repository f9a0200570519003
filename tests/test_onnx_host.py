"""``examples/onnx_host.py``, the Python host of an exported model: its help and its ``--z`` numbers.

``--help``: the description is whole sentences and every option says what it takes. ``--z``: a number beyond
float32 (the graph's input type) is refused as ``mvae generate`` refuses it; it became inf in the graph and the host
printed notes decoded from it, with a numpy RuntimeWarning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import load_bench

HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host.py"


def test_the_python_host_help_describes_it_and_each_option():
    done = subprocess.run([sys.executable, HOST, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr
    description = done.stdout.split("\n\n")[1].replace("\n", " ")
    assert description.endswith(
        "Prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, step)."
    ), description  # was cut mid-sentence
    options = done.stdout.split("options:\n", 1)[1]
    for flag, says in [("--density", "(default 1)"), ("--tempo", "4 to 1000 bpm (default 120)"), ("--seed", ">= 0")]:
        assert says in options.split(flag, 1)[1].split("\n  -", 1)[0], flag


def test_a_latent_number_beyond_float32_is_refused(tmp_path):
    # the options are checked before the file is opened, so no export is needed to see the refusal
    done = subprocess.run(
        [sys.executable, HOST, tmp_path / "decoder.onnx", "--z", "1e39,0"], capture_output=True, text=True
    )
    assert done.returncode == 2 and not done.stdout
    assert done.stderr.startswith("onnx_host.py: error: --z needs finite numbers (within ±3.4e+38)")
    assert done.stderr.endswith(", got 1e39,0\n")  # as given


def test_a_sidecar_that_is_no_file_or_nested_too_deep_is_a_usage_error(tmp_path):
    """A sidecar nested 100,000 deep ended in a RecursionError traceback; a device in its place (a link to
    /dev/zero) was called "no such file"."""
    (tmp_path / "decoder.onnx").write_bytes(b"not read: the sidecar is checked first")
    (tmp_path / "decoder.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, HOST, tmp_path / "decoder.onnx", "--z", "0,0"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "decoder.json: not the sidecar of an mvae export (JSON nested deeper than Python parses)" in done.stderr
    (tmp_path / "decoder.json").unlink()
    (tmp_path / "decoder.json").mkdir()
    done = subprocess.run(
        [sys.executable, HOST, tmp_path / "decoder.onnx", "--z", "0,0"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "decoder.json: not a file; keep the sidecar" in done.stderr


def test_a_seed_given_where_the_host_takes_random_numbers_is_refused_naming_the_fix(tiny_export):
    """``host.pattern(z, 1, 1, 1, 3)`` (a seed as ``rng``) failed deep inside with AttributeError: 'int' object has
    no attribute 'random'."""
    module = load_bench("onnx_host_check.py").load_host()
    host = module.open_host(tiny_export)
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator, got int; .* first_loop_rng\(SEED\)"):
        host.pattern([0.5, -1.0], 1.0, 1.0, 1.0, 3)
    assert host.pattern([0.5, -1.0], rng=module.first_loop_rng(3)) is not None
