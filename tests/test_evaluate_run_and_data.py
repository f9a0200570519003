"""``mvae evaluate --json`` names the run and the files it scored, as absolute paths, so a script that gathers many
evaluations into one table knows which is which without keeping its own record of the command lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app


def test_the_json_names_the_run_and_the_data_as_absolute_paths(
    tiny_run: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(synth_dir.parent)
    run, data = os.path.relpath(tiny_run), synth_dir.name
    result = CliRunner().invoke(app, ["evaluate", run, data, "--samples", "8", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["run"] == str(tiny_run.resolve()) and scores["data"] == [str(synth_dir.resolve())]
    assert list(scores)[:2] == ["run", "data"]
