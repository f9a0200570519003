"""``bench/evaluation.py`` run again into the same ``--out`` with another split: it added the new split's links to
the old folders, so the held-out folder held files the reused run trained on, and the warning ``mvae evaluate``
printed about them was swallowed. Another split is now refused, and evaluate's warnings reach stderr."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from tests.bench import load_bench, run_script
from tests.training import TINY

ROOT = Path(__file__).resolve().parents[1]


def bench_module():
    return load_bench("evaluation.py")


def test_a_folder_of_another_split_is_refused(synth_dir: Path, tmp_path: Path) -> None:
    evaluation = bench_module()
    files = sorted(synth_dir.glob("*.mid"))
    folder = evaluation.link_all(files[:3], tmp_path / "heldout")
    assert evaluation.link_all(files[:3], folder) == folder  # the same split again: reused
    with pytest.raises(SystemExit, match=r"holds 1 files of another split .*give another --out"):
        evaluation.link_all(files[1:4], folder)
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in files[:3]]  # nothing mixed in


def test_evaluates_warning_about_trained_on_files_reaches_stderr(tiny_run: Path, synth_dir: Path, tmp_path: Path):
    data = tmp_path / "synth"
    shutil.copytree(synth_dir, data)
    run = tmp_path / "out" / "synth" / "melody_rnn-categorical-z2-e3"
    shutil.copytree(tiny_run, run)  # trained on every file of synth_dir: the held-out ones too
    sets = [a for s in TINY for a in ("--set", s)]
    with contextlib.chdir(ROOT):  # in this process; its mvae train and mvae evaluate still run as processes
        done = run_script("evaluation.py", "--data", str(data), "--out", str(tmp_path / "out"), "--models",
                          "melody_rnn", "--epochs", "3", "--samples", "8", *sets)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "these numbers are not held-out" in done.stderr
