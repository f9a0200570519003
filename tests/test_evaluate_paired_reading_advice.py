"""Two runs that read DATA into other loops cannot be compared on the same loops; the refusal names the settings that
would pair them and the unpaired comparison, each as the caller would write it: ``overrides=[...]`` and
``mvae_core.evaluation_paired.side_by_side`` in Python, ``--set`` and ``--unpaired`` on the command line
(``command_line_message()``)."""

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
    assert python.endswith(
        "or compare them unpaired, each reading DATA with its own settings "
        "(mvae_core.compare(run, against, data, unpaired=True))"
    )
    assert "again with overrides=['data.min_onsets=" in python and "--set" not in python
    assert command_line.endswith("(mvae evaluate RUN DATA --against OTHER --unpaired)")
    assert f"runs/b again with --set data.min_onsets={ours.min_onsets} or runs/a again with --set" in command_line
    check_same_reading("runs/a", ours, "runs/b", DataConfig())  # the same reading: no error
