"""Commands that mvae's messages give name a path with a space quoted for the shell: `next: mvae generate my runs/a
…` and `mvae train --resume my runs/a` split into other arguments when pasted. And evaluate's samples are bounded as
generate's points are (10**8 of them never finished)."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app, next_steps
from mvae_core.errors import OptionError
from mvae_core.run import RunDir


def test_a_run_path_with_a_space_is_quoted_in_every_command_a_message_gives(tmp_path):
    run = RunDir(tmp_path / "my runs" / "solo 1")
    quoted = shlex.quote(str(run.path))
    assert run.resume_command == f"mvae train --resume {quoted}" and quoted.startswith("'")
    steps = run.steps(python=False)
    assert steps.generate == f"mvae generate {quoted}" and steps.train == f"mvae train DATA --out {quoted}"
    said = next_steps(run.path)
    assert shlex.split(said.removeprefix("next: ").split(" (MIDI")[0])[2] == str(run.path)  # one argument
    assert RunDir(tmp_path / "plain").resume_command == f"mvae train --resume {tmp_path / 'plain'}"  # unquoted


def test_evaluate_refuses_more_samples_than_generate_writes_points(tiny_run):
    with pytest.raises(OptionError, match=r"^samples must be between 1 and 10000, got 100000000$"):
        mvae_core.evaluate(tiny_run, "x.mid", samples=10**8)
    result = CliRunner().invoke(app, ["evaluate", str(tiny_run), "x.mid", "--samples", "100000000"])
    assert result.exit_code == 2 and "--samples must be between 1 and 10000" in result.stderr
