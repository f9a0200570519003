"""``validation_loops``' refusals name the next step both ways, as every run message that names one does
(``RunDir.said_both_ways``): a Python caller reads the ``mvae_core.evaluate`` call, the command line ``mvae evaluate``.
Before, both read ``mvae evaluate RUN DATA``, a command a notebook user never typed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mvae_core.errors import DataChanged, DataError
from mvae_core.run import RunDir
from mvae_core.run_data import validation_loops


@pytest.fixture
def run(tiny_run: Path, tmp_path: Path) -> RunDir:
    """A copy of the session's tiny run, whose ``split.json`` the test may change."""
    return RunDir(Path(shutil.copytree(tiny_run, tmp_path / "run")))


def _rewrite_split(run: RunDir, change) -> None:
    path = run.path / "split.json"
    split = json.loads(path.read_text())
    change(split)
    path.write_text(json.dumps(split))


def _says_both_ways(error: DataError, run: RunDir) -> None:
    assert str(error).endswith(f"mvae_core.evaluate({str(run.path)!r}, DATA)")
    assert error.command_line_message().endswith(f"mvae evaluate {run.path} DATA")


def test_an_edited_validation_file_names_evaluate_as_a_call_and_as_a_command(run: RunDir) -> None:
    def edit(split: dict) -> None:
        split["content"][split["validation"][0]] = "0" * 16  # the file no longer has the content the run recorded

    _rewrite_split(run, edit)
    with pytest.raises(DataChanged, match="1 of its validation files changed") as raised:
        validation_loops(run, jobs=1)
    _says_both_ways(raised.value, run)


def test_validation_files_gone_name_evaluate_as_a_call_and_as_a_command(run: RunDir) -> None:
    _rewrite_split(run, lambda split: split.update(validation=["/gone.mid"]))
    with pytest.raises(DataError, match="none of its 1 validation files") as raised:
        validation_loops(run, jobs=1)
    _says_both_ways(raised.value, run)
