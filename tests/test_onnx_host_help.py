"""``python examples/onnx_host.py --help``: the description is whole sentences and every option says what it takes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOST = Path(__file__).resolve().parents[1] / "examples" / "onnx_host.py"


def test_the_python_host_help_describes_it_and_each_option():
    done = subprocess.run([sys.executable, HOST, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr
    description = done.stdout.split("\n\n")[1].replace("\n", " ")
    assert description.endswith("Prints one pattern's notes as JSON lines."), description  # was cut mid-sentence
    options = done.stdout.split("options:\n", 1)[1]
    for flag, says in [("--density", "(default 1)"), ("--bpm", "4 to 1000 (default 120)"), ("--seed", ">= 0")]:
        assert says in options.split(flag, 1)[1].split("\n  --", 1)[0], flag
