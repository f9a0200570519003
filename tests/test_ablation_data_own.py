"""summary.md reads the generated columns against "the data's own" (closest to it is best), but did not give the data's
own numbers: a reader had to run ``mvae data inspect`` to know what 0.56 half-steps should be near. The summary's
header (and summary.json's ``data_own``) now gives the timeshift std, the share within ±0.05 and the notes per loop,
the numbers ``mvae data inspect`` prints, per ``[data]`` section when the configurations read the data differently."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mvae_core.ablation.about import OwnNumbers, own_numbers, own_numbers_line
from mvae_core.ablation.session import _warm_cache
from mvae_core.cli import app
from mvae_core.config import MvaeConfig


def test_the_numbers_are_those_mvae_data_inspect_prints(synth_dir):
    _, own = _warm_cache([str(synth_dir)], [MvaeConfig()], 1, lambda line: None)
    ((section, numbers),) = own.items()
    assert section == MvaeConfig().data.model_dump_json()
    inspected = json.loads(CliRunner().invoke(app, ["data", "inspect", str(synth_dir), "--json"]).stdout)["summary"]
    assert numbers == (
        pytest.approx(inspected["timeshift_std"]),
        pytest.approx(inspected["within_0.05"]),
        pytest.approx(inspected["notes_per_loop"]),
    )


def test_the_line_and_the_json_give_them_per_data_section():
    one, other = OwnNumbers(0.5674, 0.0458, 12.73), OwnNumbers(0.0, 1.0, 9.0)
    line = own_numbers_line({"all": "a", "none": "a"}, {"a": one})
    assert line.endswith(
        "timeshift std 0.567 half-steps of the 16th grid, 4.6% of notes within ±0.05, 12.7 notes per loop."
    )
    assert "all, none: timeshift std 0.567" in own_numbers_line(
        {"all": "a", "none": "a", "q": "b"}, {"a": one, "b": other}
    )
    assert own_numbers({"all": "a", "q": "b"}, {"a": one, "b": other}) == [
        {"configurations": ["all"], "timeshift_std": 0.5674, "within_0_05": 0.0458, "notes_per_loop": 12.73},
        {"configurations": ["q"], "timeshift_std": 0.0, "within_0_05": 1.0, "notes_per_loop": 9.0},
    ]
