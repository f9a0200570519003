"""The ONNX hosts' commands answer a creative coder's first mistakes with the fix: `--tempo` (generate's name) is
`--bpm` here, and a file that is no export (a run's model.safetensors) is named as such. Before, the Python host
said `unrecognized arguments: --tempo 90` and the JavaScript host `unknown argument --tempo`, neither naming
`--bpm`; given model.safetensors they looked for a sidecar each at another path (model.json, model.safetensors.json)
and said it was missing."""

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
    return found + ([([NODE, JS_HOST], "error: ")] if NODE is not None else [])


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--tempo", "90"], "it is --bpm here (mvae generate's --tempo)"),
        (["--tempo=90"], "it is --bpm here (mvae generate's --tempo)"),
    ],
)
def test_generates_tempo_option_is_answered_with_the_hosts_name(tiny_export, arguments, says):
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
