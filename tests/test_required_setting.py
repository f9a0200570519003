"""A required plugin setting left unset says how to set it (it said only 'plugins.r.target: Field required')."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

import mvae_core
import mvae_plugins
from mvae_core import hookimpl
from mvae_core.errors import ConfigError


class NeedsTarget:
    class Config(BaseModel):
        target: float

    def __init__(self, config: Config) -> None:
        self.target = config.target

    @hookimpl
    def mvae_step_end(self):
        pass


def test_a_required_plugin_setting_left_unset_says_how_to_set_it(monkeypatch, synth_dir, tmp_path):
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "r", "tests.test_required_setting:NeedsTarget")
    expected = (
        "plugins.r.target: required, and not set; give it with --set plugins.r.target=VALUE (Python: overrides), or as "
        "target = VALUE in the config file's [plugins.r] table"
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(expected)}$"):
        mvae_core.train([synth_dir], tmp_path / "run", plugins=["r"], epochs=1, progress=False)
    result = mvae_core.train(  # what the message says works
        [synth_dir], tmp_path / "run", plugins=["r"], overrides={"plugins.r.target": 0.5, "model.hidden": 32},
        epochs=1, progress=False,
    )  # fmt: skip
    assert result.outcome == "trained"
