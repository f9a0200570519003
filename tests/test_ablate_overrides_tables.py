"""``mvae_core.ablate(overrides={...})`` writes a table value (a schedule) as one inline table: it was written as
``schedule="linear" epochs = 7.0`` (a TOML table cut at its first ``=``), which no configuration could read."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core.ablation.arguments import OverridesError, assignments
from mvae_core.config import build_config


def test_a_table_value_is_one_inline_table_that_builds_the_setting() -> None:
    schedule = {"name": "linear", "start": 0.0, "end": 1.0, "epochs": np.float64(7)}
    [written] = assignments({"plugins.kl_anneal.schedule": schedule})
    assert written == 'plugins.kl_anneal.schedule={"name" = "linear", "start" = 0.0, "end" = 1.0, "epochs" = 7.0}'
    cfg = build_config(None, [written], {"plugins.enabled": ["kl_anneal"]})
    assert cfg.plugins.sections()["kl_anneal"]["schedule"] == {
        "name": "linear",
        "start": 0.0,
        "end": 1.0,
        "epochs": 7.0,
    }


@pytest.mark.parametrize("value", [None, object()])
def test_a_value_toml_cannot_hold_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(OverridesError, match=r"plugins\.x\.y: .* is no TOML value"):
        assignments({"plugins.x.y": value})
