"""summary.md's settings line: the settings every configuration's ``configs/<name>.toml`` shares (nested tables by
dotted key, ``plugins.enabled`` left out), and the model."""

from __future__ import annotations

import tomli_w

from mvae_core.ablation.about import settings_line
from mvae_core.ablation.plan import Configuration
from mvae_core.config import build_config


def test_the_line_names_the_shared_nested_settings_and_not_the_differing_ones(tmp_path):
    arms = [Configuration("all", ("kl_anneal",)), Configuration("lr", (), ("train.lr=0.0005",))]
    (tmp_path / "configs").mkdir()
    for arm in arms:
        tree = {"loss": {"coefficients": {"kl": 2.0}}, "train": {"epochs": 3}, "plugins": {"enabled": [*arm.plugins]}}
        tree["train"] |= {"lr": 0.0005} if arm.overrides else {}
        (tmp_path / "configs" / f"{arm.name}.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    built = [build_config(None, []) for _ in arms]

    line = settings_line(arms, built, tmp_path)

    assert line.startswith(f"Model: `{built[0].model.name}`. Settings of every run besides its configuration's")
    assert "`loss.coefficients.kl = 2.0`, `train.epochs = 3`;" in line
    assert "train.lr" not in line and "plugins.enabled" not in line
