"""A chain of chains: building one built each nested part twice (the chain's check, then the chain itself), so a
chain nested 10 deep took 25 s to build (``mvae schedules preview``, or a plugin's schedule at the start of training)
and 14 deep minutes; and ``mvae schedules preview --set`` of a value nested deeper than mvae reads ended in a
traceback (ConfigError, exit 1)."""

from __future__ import annotations

import time

from typer.testing import CliRunner

import schedules
from mvae_core.cli import app


def nested(depth: int) -> dict:
    spec: dict | str = "linear"
    for _ in range(depth):
        spec = {"name": "chain", "parts": [{"schedule": spec}]}
    return spec


def test_a_chain_nested_twenty_deep_builds_at_once():
    started = time.monotonic()
    schedule = schedules.from_spec(nested(20))
    assert time.monotonic() - started < 5.0  # 2**20 builds before: hours
    assert schedule(0) == 0.0 and schedule.end_epoch() == 20
    assert schedules.from_spec(nested(20)).spec() == schedule.spec()


def test_built_schedules_are_still_checked_and_their_own():
    first = schedules.from_spec({"name": "linear", "epochs": 10})
    assert schedules.from_spec({"name": "linear", "epochs": 10}) == first
    assert schedules.from_spec({"name": "linear", "epochs": 5}).end_epoch() == 5


def test_preview_of_a_value_nested_too_deep_exits_2_naming_the_parameter():
    value = '"linear"'
    for _ in range(200):
        value = f'{{name="chain", parts=[{{schedule={value}}}]}}'
    result = CliRunner().invoke(app, ["schedules", "preview", "chain", "--set", f"parts=[{{schedule={value}}}]"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith('error: --set parts: the value [{schedule={name="chain", ')
    assert result.stderr.rstrip().endswith("is nested deeper than mvae reads")
