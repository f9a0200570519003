"""A third-party plugin's schedule setting takes what the built-ins' ``schedule`` takes (``schedules.validate_setting``):
a table, a bare name, and a table without ``name`` that changes the default's parameters, so that
``--set plugins.<plugin>.<setting>.<param>=…`` works for it as it does for ``kl_anneal``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, field_validator

import schedules
from mvae_core import hookimpl
from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginInfo
from tests.test_docs import run_block

DEFAULT = {"name": "linear", "epochs": 10}
DOCS = Path(__file__).resolve().parents[1] / "docs" / "schedules.md"


class Ramp:
    """A plugin from a package: its multiplier of ``kl`` follows the ``weight`` schedule."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        weight: dict = Field(default_factory=lambda: dict(DEFAULT), validate_default=True, description="A schedule.")

        @field_validator("weight", mode="before")
        @classmethod
        def _schedule(cls, value):
            return schedules.validate_setting(value, DEFAULT)

    def __init__(self, config: Config) -> None:
        self.schedule = schedules.from_spec(config.weight)

    @hookimpl
    def mvae_loss_weights(self, epoch):
        return {"kl": self.schedule(epoch)}


def _host(section: dict) -> PluginHost:
    available = {"ramp": PluginInfo("ramp", "package mvae-ramp", "1.0", lambda: Ramp)}
    return PluginHost.from_config(PluginsConfig(enabled=["ramp"], ramp=section), available)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({}, {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 10.0, "delay": 0.0}),
        # before: 'a schedule is a table with a "name" and its parameters, got {'epochs': 4}'
        ({"weight": {"epochs": 4}}, {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 4.0, "delay": 0.0}),
        ({"weight": "cosine"}, {"name": "cosine", "start": 1.0, "end": 0.0, "epochs": 100.0, "delay": 0.0}),
        ({"weight": {"name": "constant", "value": 2}}, {"name": "constant", "value": 2.0}),
    ],
)
def test_a_package_plugin_takes_a_schedule_as_the_built_ins_do(section, expected):
    assert _host(section).configs["ramp"].weight == expected


def test_a_bad_parameter_of_a_partial_table_names_the_setting_and_the_parameter():
    with pytest.raises(
        ConfigError, match=r"^plugins\.ramp\.weight: schedule 'linear': epochs: Input should be greater"
    ):
        _host({"weight": {"epochs": 0}})
    with pytest.raises(ConfigError, match=r"schedule 'linear': epoch: unknown parameter; did you mean 'epochs'\?"):
        _host({"weight": {"epoch": 3}})


def test_validate_setting_without_a_default_needs_a_name():
    assert schedules.validate_setting("step")["name"] == "step"
    with pytest.raises(schedules.ScheduleError, match=r'a schedule is a table with a "name"'):
        schedules.validate_setting({"epochs": 3})


def test_the_schedule_setting_example_of_schedules_md_runs_as_shown():
    section = DOCS.read_text(encoding="utf-8").split("## A schedule setting in your own plugin", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    namespace: dict = {}
    run_block(block, "schedules.md", namespace)
    assert namespace["weight"].end_epoch() == 10
