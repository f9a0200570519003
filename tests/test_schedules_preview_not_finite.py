"""``mvae schedules preview`` with parameters whose values overflow (a line from 1e308 to -1e308) is bad input: exit 2
naming the first value that is not finite and where, as for every other bad parameter (it exited 1, the code of a
run that failed)."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app


def test_parameters_giving_values_that_are_not_finite_exit_2_naming_the_first():
    result = CliRunner().invoke(
        app, ["schedules", "preview", "linear", "--set", "start=1e308", "--set", "end=-1e308", "--epochs", "3"]
    )
    assert result.exit_code == 2, result.output
    assert "error: schedule 'linear' gives nan at epoch 0, not a finite number; check its parameters" in result.stderr
