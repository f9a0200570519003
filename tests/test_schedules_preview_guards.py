""":func:`schedules.preview.sample` guards a Python caller as ``mvae schedules preview`` did only on the command line:
more than ``MAX_POINTS`` points, a value that is not finite and a schedule whose own code raises are typed errors (the
command line printed them itself; ``sample()`` returned NaN or sampled for ever)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import schedules
from mvae_core.cli import app
from schedules.preview import MAX_POINTS, sample


class Broken(schedules.Schedule):
    """A third-party schedule with a bug: it divides by zero."""

    name = "broken"

    def __call__(self, epoch: float) -> float:
        return 1 / 0


def test_more_points_than_max_points_is_a_schedule_error_naming_the_arguments():
    with pytest.raises(schedules.ScheduleError) as error:
        sample(schedules.make("linear"), MAX_POINTS + 1)
    assert str(error.value) == (
        f"epochs {MAX_POINTS + 1} × steps_per_epoch 1 is {MAX_POINTS + 1:,} points to sample, more than "
        f"{MAX_POINTS:,}: give fewer steps per epoch (a step's curve shows at 10) or fewer epochs"
    )
    assert error.value.command_line_message().startswith(f"--epochs {MAX_POINTS + 1} × --steps-per-epoch 1 is")


def test_a_value_that_is_not_finite_is_a_schedule_error_naming_the_first():
    with pytest.raises(schedules.ScheduleError) as error:
        sample(schedules.make("linear", start=1e308, end=-1e308), 3)
    assert str(error.value) == "schedule 'linear' gives nan at epoch 0, not a finite number; check its parameters"


def test_a_schedule_that_raises_is_a_schedule_failure_exiting_1():
    with pytest.raises(schedules.ScheduleFailed) as error:
        sample(Broken(), 2)
    assert str(error.value) == "schedule 'broken' failed at epoch 0: ZeroDivisionError: division by zero"
    assert isinstance(error.value.__cause__, ZeroDivisionError) and error.value.exit_code == 1


def test_preview_of_a_schedule_that_raises_exits_1_in_one_line(monkeypatch):
    monkeypatch.setattr(schedules, "make", lambda name, **params: Broken())
    result = CliRunner().invoke(app, ["schedules", "preview", "broken"])
    assert result.exit_code == 1
    assert result.stderr == "error: schedule 'broken' failed at epoch 0: ZeroDivisionError: division by zero\n"
