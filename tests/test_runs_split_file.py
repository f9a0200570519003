"""A resume of a run whose split.json was damaged (cut by a crash of the disk, emptied, hand-edited into another
shape): it was resumed in silence, the check for edited files skipped on every later resume, and split.json stayed
unreadable for good (evaluate then split the data again instead of reading the run's held-out files)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.run import RunDir
from mvae_core.run_files import SPLIT


@pytest.mark.parametrize("damage", ["cut", "shape"])
def test_a_resume_warns_of_a_damaged_split_file_and_writes_it_again(tiny_run, tmp_path, damage):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    written = (run / SPLIT).read_text()
    (run / SPLIT).write_text(written[:60] if damage == "cut" else json.dumps(["a.mid"]))
    assert RunDir(run).split_damaged() is not None
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert f"{run / SPLIT} cannot be read (" in said and "not for edits; it is written again" in said
    assert json.loads((run / SPLIT).read_text()) == json.loads(written)
    assert RunDir(run).split_damaged() is None


def test_a_split_file_as_mvae_writes_it_or_none_is_not_damaged(tiny_run, tmp_path):
    assert RunDir(tiny_run).split_damaged() is None
    assert RunDir(tmp_path).split_damaged() is None  # a run from before split.json was kept
    (tmp_path / SPLIT).write_text(json.dumps({"train": ["a.mid"], "validation": ["b.mid"]}))  # before its digests
    assert RunDir(tmp_path).split_damaged() is None
