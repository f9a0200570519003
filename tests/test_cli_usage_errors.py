"""A command line that does not parse is one ``error:`` line on stderr naming the problem and the help to read (exit
2), as every other error of mvae: not a framed box wrapped to the terminal's width."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["train", "--bogus"],
            "error: No such option: --bogus (Possible options: --jobs, --out). See 'mvae train --help'.",
        ),
        (
            ["train", "--epochs", "many"],
            "error: Invalid value for '--epochs': Input should be a valid integer, unable to parse string as an "
            "integer. See 'mvae train --help'.",
        ),
        (["trian"], "error: No such command 'trian'. Did you mean 'train'? See 'mvae --help'."),
        (["--bogus"], "error: No such option: --bogus. See 'mvae --help'."),
        (["generate"], "error: Missing argument 'RUN'. See 'mvae generate --help'."),
        (
            ["schedules", "preview", "linear", "--epochs", "0"],
            "error: Invalid value for '--epochs': Input should be greater than or equal to 1. See 'mvae schedules "
            "preview --help'.",
        ),
    ],
)
def test_a_command_line_that_does_not_parse_is_one_error_line_on_stderr(args, line):
    result = runner.invoke(app, args, env={"NO_COLOR": "1"}, terminal_width=60, prog_name="mvae")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == line + "\n"


def test_a_group_without_a_command_still_prints_its_help():
    result = runner.invoke(app, ["data"], env={"NO_COLOR": "1"})
    assert "inspect" in result.stdout and "error" not in result.stderr
