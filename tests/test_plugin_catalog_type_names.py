"""`mvae plugins` shows each setting's type as a plugin author writes it and a user needs it: names without their
modules, optional settings as `X | None`, and an enum with the values a config gives it."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from mvae_core.plugin_catalog import config_fields


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
