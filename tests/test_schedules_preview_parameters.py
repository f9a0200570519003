"""Schedule parameters as a user gives them: ``mvae schedules preview linear --set name=cosine`` was a TypeError
traceback (``make() got multiple values for argument 'name'``), and ``--set epochs=nan`` said "Input should be greater
than 0" instead of what is wrong with nan."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import schedules
from mvae_core.cli import app


def test_a_parameter_called_name_is_an_unknown_parameter_not_a_traceback():
    result = CliRunner().invoke(app, ["schedules", "preview", "linear", "--set", "name=cosine"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: schedule 'linear': name: unknown parameter; parameters of 'linear': start, end, epochs, delay\n"
    )
    with pytest.raises(schedules.ScheduleError, match=r"^schedule 'linear': name: unknown parameter"):
        schedules.make("linear", name="cosine")


@pytest.mark.parametrize("value", [float("nan"), "nan", float("inf")])
def test_a_parameter_that_is_not_finite_says_so_where_a_bound_would_fail_first(value):
    with pytest.raises(schedules.ScheduleError) as error:
        schedules.make("linear", epochs=value)
    assert str(error.value) == (
        f"schedule 'linear': epochs = {value!r}: must be a finite number (nan and inf are not settings)"
    )
