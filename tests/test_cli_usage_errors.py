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


@pytest.mark.parametrize("args", [[], ["data"]], ids=["mvae", "mvae data"])
def test_a_group_without_a_command_prints_its_help_on_stderr_and_exits_2(args):
    """A command line that names no command is a usage error: the group's help goes to stderr, as errors do, and a
    script's ``mvae $CMD`` with an empty variable fails (it printed the help on stdout and exited 2)."""
    result = runner.invoke(app, args, env={"NO_COLOR": "1"}, prog_name="mvae")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage: mvae" in result.stderr and ("inspect" if args else "train") in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["data", "--help"]], ids=["mvae", "mvae data"])
def test_help_asked_for_is_on_stdout_with_exit_0(args):
    result = runner.invoke(app, args, env={"NO_COLOR": "1"}, prog_name="mvae")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "Usage: mvae" in result.stdout and ("inspect" if args[0] == "data" else "train") in result.stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["train", "data", "--config", "a.toml", "--config", "b.toml"],
            "error: --config is given twice (--config 'a.toml', then --config 'b.toml'): give it once. "
            "See 'mvae train --help'.",
        ),
        (
            ["data", "inspect", "data", "--config=a.toml", "--config", "b.toml"],
            "error: --config is given twice (--config 'a.toml', then --config 'b.toml'): give it once. "
            "See 'mvae data inspect --help'.",
        ),
        (
            ["generate", "run", "--out", "a.mid", "--out=b.mid"],
            "error: --out is given twice (--out 'a.mid', then --out 'b.mid'): give it once. See 'mvae generate --help'.",
        ),
    ],
)
def test_an_option_of_one_value_given_twice_is_refused_not_the_first_dropped(args, line):
    """click keeps the last of two ``--config`` in silence, so a base config layered before another was dropped
    without a word (helper-435 F6): the settings of ``a.toml`` never reached the run."""
    result = runner.invoke(app, args, env={"NO_COLOR": "1"}, terminal_width=200, prog_name="mvae")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")


def test_options_that_take_many_values_may_repeat_and_nothing_after_a_double_dash_is_an_option(tmp_path):
    many = runner.invoke(app, ["train", str(tmp_path), "--set", "a=1", "--set", "b=2"], env={"NO_COLOR": "1"})
    assert "given twice" not in many.stderr and "a = 1: unknown setting" in many.stderr
    after = runner.invoke(app, ["generate", "run", "--out", "a.mid", "--", "--out"], env={"NO_COLOR": "1"})
    assert "given twice" not in after.stderr and "unexpected extra argument" in after.stderr
