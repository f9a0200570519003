"""A chain's parts as a user writes them: a bare schedule name (``schedule = "constant"``, accepted wherever a plugin
takes a schedule) was refused inside a chain ("a schedule is a table with a "name" and its parameters, got
'constant'"), and an error in a part's schedule did not say which part."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

import schedules
from mvae_core.cli import app
from mvae_core.errors import MvaeError
from schedules.preview import MAX_POINTS, ramp_warning


def test_a_part_may_name_its_schedule_as_a_plugin_setting_may():
    chain = schedules.make("chain", parts=[{"schedule": "linear", "epochs": 2}, {"schedule": "constant"}])
    assert chain.parts[1]["schedule"] == {"name": "constant", "value": 1.0}
    assert [chain(e) for e in (0, 1, 2)] == [0.0, 0.05, 1.0]


def test_a_bad_part_is_named_by_its_index():
    with pytest.raises(schedules.ScheduleError) as error:
        schedules.make(
            "chain", parts=[{"schedule": "linear", "epochs": 2}, {"schedule": {"name": "linear", "epoch": 3}}]
        )
    assert str(error.value) == (
        "schedule 'chain': parts: part 1: schedule 'linear': epoch: unknown parameter; did you mean 'epochs'?"
    )


def test_preview_names_the_part_with_an_unknown_schedule():
    parts = 'parts=[{schedule="linaer", epochs=2}, {schedule="constant"}]'
    result = CliRunner().invoke(app, ["schedules", "preview", "chain", "--set", parts])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: schedule 'chain': parts: part 0: unknown schedule 'linaer'; did you mean 'linear'?"
    )


def test_a_part_of_infinite_epochs_is_refused_as_any_infinite_setting():
    result = CliRunner().invoke(
        app,
        ["schedules", "preview", "chain", "--set", 'parts=[{schedule="linear", epochs=1e400}, {schedule="constant"}]'],
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: schedule 'chain': parts: part 0: epochs = inf: must be a finite number (nan and inf are not settings)\n"
    )


class Endless(schedules.Schedule):
    """A third-party schedule whose end_epoch is infinite (rather than None, which says the same)."""

    def __call__(self, epoch: float) -> float:
        return 0.0

    def end_epoch(self) -> float | None:
        return math.inf


def test_preview_warns_of_an_infinite_end_epoch_without_a_traceback():
    warning = ramp_warning("endless", Endless(), [(0.0, 0.0), (1.0, 0.0)], 1)
    assert warning == (
        "endless reaches its final value 0 at e = inf, after the last epoch previewed (epoch 2, e = 1, value 0): a "
        f"ramp longer than the run. It ends beyond what preview can sample ({MAX_POINTS:,} points): shorten the schedule."
    )


def test_a_schedule_error_is_an_mvae_error_a_python_caller_can_catch():
    with pytest.raises(MvaeError) as error:
        schedules.make("linaer")
    assert isinstance(error.value, ValueError) and error.value.exit_code == 2


def test_a_number_parameter_given_true_is_refused_not_read_as_one():
    result = CliRunner().invoke(app, ["schedules", "preview", "cyclical", "--set", "low=true"])
    assert result.exit_code == 2
    assert result.stderr == "error: schedule 'cyclical': low = true: a number, not true or false\n"
    with pytest.raises(schedules.ScheduleError, match=r"^schedule 'linear': epochs = false: a number"):
        schedules.make("linear", epochs=False)
