"""Two runs that read DATA into other loops cannot be compared; the refusal's advice to evaluate each on its own named
``mvae evaluate RUN DATA`` to a Python caller of ``mvae_core.compare``: it names ``mvae_core.evaluate(run, data)``
there, and the command (``command_line_message()``) on the command line."""

from __future__ import annotations

import pytest

from mvae_core.config import DataConfig
from mvae_core.errors import ConfigError
from mvae_core.evaluation_paired import check_same_reading


def test_runs_that_read_the_data_otherwise_are_told_to_evaluate_each_as_the_caller_would():
    ours = DataConfig()
    theirs = DataConfig(min_onsets=ours.min_onsets + 1)
    with pytest.raises(ConfigError) as refused:
        check_same_reading("runs/a", ours, "runs/b", theirs)
    python, command_line = str(refused.value), refused.value.command_line_message()
    assert python.startswith(f"runs/a and runs/b read DATA into different loops (data.min_onsets {ours.min_onsets} → ")
    assert python.endswith("or evaluate each on its own (mvae_core.evaluate(run, data))")
    assert command_line == python.replace("(mvae_core.evaluate(run, data))", "(mvae evaluate RUN DATA)")
    check_same_reading("runs/a", ours, "runs/b", DataConfig())  # the same reading: no error
