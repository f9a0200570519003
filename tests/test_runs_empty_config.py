"""A run whose config.toml was left empty (a disk fault, an editor that saved nothing) was read as all defaults:
generate and evaluate blamed model.safetensors ("its weights do not fit the model … the file comes from another
run"), and a resume asked for ``[provenance] data``. Each now names the empty config.toml."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app


@pytest.mark.parametrize("command", [["generate", "{run}", "--out", "{run}/x.mid"], ["train", "--resume", "{run}"]])
@pytest.mark.parametrize("left", ["", "\n# nothing\n"])
def test_an_empty_config_is_named_as_such(tiny_run, tmp_path, command, left):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / "config.toml").write_text(left)
    result = CliRunner().invoke(app, [part.format(run=run) for part in command])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert said == (
        f"error: {run / 'config.toml'} is empty (a disk fault or a hand left no setting in it); the run cannot be read "
        "without its settings: restore the file from a backup"
    )
