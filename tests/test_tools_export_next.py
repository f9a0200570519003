"""``mvae export`` printed the two file names and nothing else: a musician had the files and no idea what plays them.
It now prints a host command, and that command runs as shown (from the repository's root) and plays a pattern."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_export_prints_a_host_command_that_plays_the_export(tiny_run: Path, tmp_path: Path, wide_console):
    onnx_file = tmp_path / "my exports" / "decoder.onnx"
    result = CliRunner().invoke(app, ["export", str(tiny_run), "--onnx", str(onnx_file)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith("next: "))
    command = line.split("from mvae's repository: ", 1)[1].split(" (JavaScript", 1)[0]
    argv = shlex.split(command)
    assert argv[:2] == [".venv/bin/python", "examples/onnx_host.py"]
    played = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert played.returncode == 0, played.stderr
    notes = [json.loads(line) for line in played.stdout.splitlines()]
    assert notes and all({"pitch", "start", "end"} <= note.keys() for note in notes)
