"""``bench/evaluation.py`` into an ``--out`` where an earlier command saved results (models.md runs ``--models
melody_rnn``, then ``--models seed``, into one ``--out``): the second command's ``results.json`` held only its own
runs, and the first command's numbers were lost. They are kept now."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

from tests.bench import run_script
from tests.training import TINY

ROOT = Path(__file__).resolve().parents[1]


def bench(data: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command, in this process (its ``mvae train`` and ``mvae evaluate`` still run as processes)."""
    sets = [a for s in TINY for a in ("--set", s)]
    with contextlib.chdir(ROOT):
        return run_script("evaluation.py", "--data", str(data), "--out", str(out), "--samples", "8", *sets, *args)


def test_a_second_command_keeps_the_first_commands_results(tiny_run: Path, synth_dir: Path, tmp_path: Path) -> None:
    data, out = tmp_path / "synth", tmp_path / "out"
    shutil.copytree(synth_dir, data)
    shutil.copytree(tiny_run, out / "synth" / "melody_rnn-categorical-z2-e3")  # reused: no training here
    first = bench(data, out, "--models", "melody_rnn", "--epochs", "3")
    assert first.returncode == 0, first.stderr[-2000:]
    second = bench(data, out, "--models", "seed", "--epochs", "1")
    assert second.returncode == 0, second.stderr[-2000:]
    results = json.loads((out / "synth" / "results.json").read_text())
    assert [(r["run"], r["model"]) for r in results] == [
        ("melody_rnn-categorical-z2-e3", "melody_rnn"),
        ("categorical-z2-e1", "seed"),
    ]
