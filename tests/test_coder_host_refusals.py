"""The ONNX hosts' commands answer a creative coder's first mistakes with the fix: `--bpm` (the hosts' name before
2026-12-07) is `--tempo` here, as in `mvae generate`, and a file that is no export (a run's model.safetensors) is named
as such. Before, the Python host said `unrecognized arguments: --tempo 90` and the JavaScript host `unknown argument
--tempo` (the hosts' tempo was --bpm then), neither naming the option; given model.safetensors they looked for a sidecar
each at another path (model.json, model.safetensors.json) and said it was missing."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.side_by_side import run_together

ROOT = Path(__file__).resolve().parents[1]
PYTHON_HOST = ROOT / "examples" / "onnx_host.py"
JS_HOST = ROOT / "examples" / "onnx_host_js" / "onnx_host.mjs"
NODE = shutil.which("node")
MADE_BY = "pass the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes"


def hosts() -> list[tuple[list[str | Path], str]]:
    """(the command that starts each host, what its errors start with); the JavaScript host where Node.js is."""
    found: list[tuple[list[str | Path], str]] = [([sys.executable, PYTHON_HOST], "onnx_host.py: error: ")]
    return found + ([([NODE, JS_HOST], "onnx_host.mjs: error: ")] if NODE is not None else [])


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--bpm", "90"], 'unknown option "--bpm"; did you mean --tempo?'),
        (["--bpm=90"], 'unknown option "--bpm"; did you mean --tempo?'),
    ],
)
def test_the_hosts_former_tempo_option_is_answered_with_tempo(tiny_export, arguments, says):
    started = hosts()
    done = run_together(*[[*command, tiny_export, "--z", "0.5,-1", *arguments] for command, _ in started])
    for (_, prefix), answer in zip(started, done, strict=True):
        assert answer.returncode == 2 and not answer.stdout, answer
        assert answer.stderr.startswith(prefix), answer.stderr
        assert says in answer.stderr and answer.stderr.count("\n") == 1, answer.stderr


def test_a_file_that_is_no_export_is_named_as_such(tiny_run):
    model = tiny_run / "model.safetensors"
    started = hosts()
    done = run_together(*[[*command, model, "--z", "0.5,-1"] for command, _ in started])
    for (_, prefix), answer in zip(started, done, strict=True):
        assert answer.returncode == 2 and not answer.stdout, answer
        assert answer.stderr == f"{prefix}{model}: not an ONNX export (its name would end in .onnx); {MADE_BY}\n"
