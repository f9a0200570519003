"""A loss term weighted 0 in an epoch need not be computed: a plugin's ``mvae_loss`` returns a zero tensor for it
(docs/hooks.md), and ``metrics.jsonl`` records ``train.<term> = 0`` beside ``weights.<term> = 0``. On ``mvae plot``'s
log-scale train panel that 0 fell to the axis in epoch 1 (helper-353's MuPenalty, a schedule starting at 0); it is a
gap now, in one run's figure and in a comparison. The core's ``kl`` at weight 0 (``kl_anneal``'s first epoch) is
computed, has its value, and is drawn."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from mvae_core.tools.curves import PANEL_TITLES, draw_comparison, draw_curves

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")

MU_L2 = [0.0, 0.4, 0.3]
KL = [6.8, 5.0, 4.0]


def ramped_records() -> list[dict[str, Any]]:
    """Three epochs of a run whose mu_l2 and kl multipliers both start at 0; mu_l2 was not computed at 0."""
    records = []
    for epoch, weight in enumerate([0.0, 0.5, 1.0]):
        train = {"onset": 9.0, "kl": KL[epoch], "mu_l2": MU_L2[epoch]}
        records.append({"epoch": epoch, "lr": 1e-3, "val_elbo": 11.0, "weights": {"kl": weight, "mu_l2": weight},
                        "train": train | {"total": 10.0}, "val": train | {"mu_l2": 0.5, "total": 10.0}})  # fmt: skip
    return records


def drawn_train_lines(draw: Any, monkeypatch: pytest.MonkeyPatch) -> list[list[float]]:
    drawn: list[Any] = []
    monkeypatch.setattr(plt, "close", drawn.append)
    draw()
    (figure,) = drawn
    (train,) = [ax for ax in figure.axes if ax.get_title().startswith(PANEL_TITLES["train"])]
    lines = [[float(y) for y in line.get_ydata()] for line in train.get_lines() if len(line.get_ydata()) == 3]
    plt.close(figure)
    return lines


def test_a_term_not_computed_at_weight_0_is_a_gap_not_a_fall_to_the_axis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = drawn_train_lines(lambda: draw_curves(ramped_records(), tmp_path / "c.png", "t"), monkeypatch)
    assert KL in lines  # computed at weight 0: drawn
    (mu_l2,) = [line for line in lines if line[1:] == MU_L2[1:]]
    assert math.isnan(mu_l2[0])
    assert all(value != 0 for line in lines for value in line)


def test_a_comparison_draws_the_same_gap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = {"a": ramped_records(), "b": ramped_records()}
    lines = drawn_train_lines(lambda: draw_comparison(runs, tmp_path / "c.png", "t"), monkeypatch)
    mu_l2 = [line for line in lines if line[1:] == MU_L2[1:]]
    assert len(mu_l2) == 2 and all(math.isnan(line[0]) for line in mu_l2)
    assert all(value != 0 for line in lines for value in line)
