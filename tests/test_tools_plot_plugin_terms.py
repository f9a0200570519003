"""`mvae plot` drew the train and validation loss of the core's five terms only: a term a plugin adds in mvae_loss
(`mu_l2`, recorded in metrics.jsonl beside them) was in no panel (from the plugin author's review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.config import LOSS_TERMS
from mvae_core.tools.curves import draw_curves, loss_terms


def test_a_plugin_s_term_is_drawn_beside_the_core_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import matplotlib.pyplot as plt

    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)
    terms = {"kl": 1.0, "onset": 9.0, "mu_l2": 0.5, "total": 10.5}
    records = [{"epoch": e, "train": terms, "val": terms, "val_elbo": 11.0, "lr": 1e-3} for e in range(3)]
    assert loss_terms(records) == [*LOSS_TERMS, "mu_l2"]
    draw_curves(records, tmp_path / "c.png", "t")
    (figure,) = drawn
    train, val = figure.axes[:2]
    for panel in (train, val):
        assert [line.get_ydata().tolist() for line in panel.get_lines() if line.get_label() == "mu_l2"] == [[0.5] * 3]
