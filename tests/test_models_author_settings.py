"""A rule among a package model's own settings (a ``model_validator`` of its ``Settings``) is named by its section,
``model.<name>: …``; it was ``model.<name>.config: …``, a setting that does not exist."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, model_validator

from mvae_core.config import ConfigError, build_config
from mvae_core.models import resolve_model
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _Paired(SeedModel):
    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        width: int = 64
        heads: int = 4

        @model_validator(mode="after")
        def _heads_divide_width(self):
            if self.width % self.heads:
                raise ValueError(f"heads ({self.heads}) must divide width ({self.width})")
            return self


def test_a_rule_among_a_models_own_settings_names_its_section(monkeypatch):
    _installed(monkeypatch, "paired", _Paired)
    with pytest.raises(ConfigError, match=r"^model\.paired: heads \(3\) must divide width \(64\)$"):
        resolve_model(build_config(None, [*tiny("paired"), "model.paired.heads=3"]))
