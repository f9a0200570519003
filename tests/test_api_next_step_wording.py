"""What to do next, as a Python caller reads it: mvae_core.train's errors and console notes name the mvae_core.train
call, and the mvae command keeps naming the command (a notebook user was told `mvae train --resume RUN`)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import RunExists

runner = CliRunner()


@pytest.fixture
def run(tiny_run, tmp_path):
    """A copy of the 3-epoch tiny run (a resume writes into it)."""
    return shutil.copytree(tiny_run, tmp_path / "run")


def test_a_new_run_into_an_existing_one_names_the_python_resume_call(run, synth_dir):
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], run, progress=False)
    assert f"continue it with resume (mvae_core.train(out={str(run)!r}, resume=True))" in str(refused.value)
    assert "mvae train" not in str(refused.value)
    assert f"(mvae train --resume {run})" in refused.value.command_line_message()


def test_the_command_line_names_the_command_for_an_existing_run(run, synth_dir):
    result = runner.invoke(app, ["train", str(synth_dir), "--out", str(run)])
    assert result.exit_code == 2
    assert f"(mvae train --resume {run})" in result.stderr and "mvae_core" not in result.stderr


def test_resuming_a_finished_run_in_python_prints_the_call_that_trains_further(run, capsys):
    result = mvae_core.train(out=run, resume=True)  # progress=True: the console of a notebook
    assert result.outcome == "already finished"
    printed = capsys.readouterr().out
    assert f"(mvae_core.train(out={str(run)!r}, resume=True, epochs=N))" in " ".join(printed.split()), printed
    assert "mvae train" not in printed


def test_resuming_a_finished_run_on_the_command_line_prints_the_command(run):
    result = runner.invoke(app, ["train", "--resume", str(run)])
    assert result.exit_code == 0
    assert f"(mvae train --resume {run} --epochs N)" in " ".join(result.stdout.split()), result.stdout
    assert "mvae_core" not in result.stdout
