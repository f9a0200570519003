"""`mvae plugins` shows each setting's type as a plugin author writes it and a user needs it: names without their
modules, optional settings as `X | None`, an enum with the values a config gives it, and the name a ``ListedAs`` in
its ``Annotated`` metadata gives it (a schedule setting: ``schedule (mvae schedules)``, not ``dict[str, Any]``)."""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Annotated, Any, Optional

import pytest
from pydantic import BaseModel, ConfigDict, Field

import schedules
from mvae_core.plugin_catalog import ListedAs, config_fields, describe
from mvae_core.plugins import available_plugins
from tests.test_docs import run_block


class Mode(enum.Enum):
    fast = "fast"
    slow = "slow"


class Config(BaseModel):
    """Settings of the kinds plugin authors write."""

    model_config = ConfigDict(extra="forbid")
    mode: Mode = Field(default=Mode.fast, description="How it runs.")
    fallback: Optional[Mode] = Field(default=None, description="An optional enum.")  # noqa: UP045  # as authors write it
    log_dir: Path | None = Field(default=None, description="Where it writes; None: the run directory.")
    extra_files: list[Path] = Field(default_factory=list, description="Files it reads.")
    max_norm: Optional[float] = Field(default=None, description="None: never clip.")  # noqa: UP045
    pair: tuple[float, ...] = Field(default=(0.1, 0.2), description="Any number of floats.")


def test_setting_types_name_enum_values_and_no_modules() -> None:
    types = {field["name"]: field["type"] for field in config_fields(Config)}
    assert types == {
        "mode": "Mode ('fast', 'slow')",
        "fallback": "Mode ('fast', 'slow') | None",
        "log_dir": "Path | None",
        "extra_files": "list[Path]",
        "max_norm": "float | None",
        "pair": "tuple[float, ...]",
    }


def test_an_enum_setting_lists_the_values_its_validation_error_names() -> None:
    (mode,) = [field for field in config_fields(Config) if field["name"] == "mode"]
    assert mode["default"] == "fast"
    assert all(f"'{member.value}'" in mode["type"] for member in Mode)


class Listed(BaseModel):
    """Settings whose type is named by ``ListedAs`` metadata, bare and inside an optional."""

    model_config = ConfigDict(extra="forbid")
    layers: Annotated[dict[str, Any], ListedAs("layer table")] = Field(default_factory=dict, description="Layers.")
    fallback: Annotated[dict[str, Any], ListedAs("layer table")] | None = Field(default=None, description="Or none.")
    weight: schedules.ScheduleTable = Field(default_factory=lambda: {"name": "constant"}, description="A schedule.")


def test_a_type_named_in_its_metadata_is_listed_by_that_name() -> None:
    types = {field["name"]: field["type"] for field in config_fields(Listed)}
    assert types == {
        "layers": "layer table",
        "fallback": "layer table | None",
        "weight": "schedule (mvae schedules)",
    }
    assert Listed(layers={"a": 1}).layers == {"a": 1}  # validation ignores the name


@pytest.mark.parametrize("plugin", ["kl_anneal", "ts_ramp", "lr_step_decay"])
def test_the_builtin_schedule_settings_are_listed_as_schedules(plugin: str) -> None:
    """``mvae plugins`` (and its ``--json``) listed them as ``dict[str, Any]``, which told a user nothing."""
    (entry,) = [describe(info) for name, info in available_plugins().items() if name == plugin]
    (schedule,) = [field for field in entry["config"] if field["name"] == "schedule"]
    assert schedule["type"] == "schedule (mvae schedules)" and entry["error"] is None


def test_the_docs_own_schedule_setting_is_listed_as_a_schedule() -> None:
    """docs/schedules.md's "A schedule setting in your own plugin" types its setting so that the listing names it."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "schedules.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "weight = schedules.from_spec" in b]
    namespace: dict[str, Any] = {}
    run_block(block, "schedules.md", namespace)
    (weight,) = config_fields(namespace["Config"])
    assert weight["type"] == "schedule (mvae schedules)"
