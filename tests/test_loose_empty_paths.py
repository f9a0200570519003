"""An empty path on the command line (an unset shell variable: ``--out "$DIR"``) is refused naming the option, not
read as ``.``: ``mvae train --out ''`` trained into the current folder, ``mvae export --onnx ''`` answered about a
file named ``.``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.cli_paths import EMPTY_PATH

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["export", "no-such-run", "--onnx", ""], "--onnx"),
        (["train", "no-such-data", "--out", ""], "--out"),
        (["train", "no-such-data", "--resume", " "], "--resume"),
        (["generate", "no-such-run", "--random", "1", "--out", ""], "--out"),
        (["generate", "no-such-run", "--random", "1", "--out", "g", "--audio", ""], "--audio"),
        (["evaluate", "", "no-such-data"], "RUN"),
        (["interpolate", "no-such-run", "--out", "", "--from", "0,0", "--to", "1,1"], "--out"),
        (["map", "no-such-run", "--out", ""], "--out"),
        (["serve", ""], "RUN"),
        (["ablate", "no-such-data", "--out", ""], "--out"),
        (["ablate", "no-such-data", "--config", ""], "--config"),
        (["ablate", "no-such-data", "--configs", ""], "--configs"),
        (["ablate", "no-such-data", "--init-from", ""], "--init-from"),
        (["schedules", "preview", "linear", "--plot", ""], "--plot"),
    ],
)
def test_an_empty_path_is_refused_naming_the_option(args, option, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args, env={"NO_COLOR": "1"}, terminal_width=200, prog_name="mvae")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: Invalid value for '{option}': {EMPTY_PATH}.")
    assert list(tmp_path.iterdir()) == []  # nothing written in the current folder
