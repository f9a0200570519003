"""ablation.png's curves: each seed has its own validation split, so the seeds' curves differ more than the
configurations do and the effect of a fix was lost in the fall of the curves. Beside them, the figure now draws each
run minus the `none` run of the same seed."""

from __future__ import annotations

import pytest

from mvae_core.ablation.figure import paired_curves
from mvae_core.ablation.plan import Configuration

CONFIGS = [Configuration(name, ()) for name in ("all", "none", "no-kl_anneal")]


def _row(config: str, seed: int, curve: list[float | None], status: str = "ok", model: str = "melody_rnn") -> dict:
    return {"config": config, "seed": seed, "status": status, "val_curve": curve, "model": model}


def test_each_run_is_paired_with_the_reference_run_of_its_seed():
    rows = [
        _row("none", 0, [30.0, 28.0, 27.0]),
        _row("none", 1, [40.0, 38.0, 37.0]),  # another split: 10 higher throughout
        _row("all", 0, [29.5, 27.5, 26.5]),
        _row("all", 1, [39.5, 37.5]),  # stopped early: paired up to its last epoch
        _row("no-kl_anneal", 0, [31.0, None, 28.0]),  # a non-finite epoch stays a gap
        _row("no-kl_anneal", 1, [41.0, 39.0, 38.0], status="failed"),
    ]
    differences = paired_curves(rows, CONFIGS, "none")
    assert differences["all"] == [[-0.5, -0.5, -0.5], [-0.5, -0.5]]
    ((first, gap, last),) = differences["no-kl_anneal"]
    assert (first, last) == (1.0, 1.0) and gap != gap  # NaN
    assert "none" not in differences


def test_runs_of_another_model_or_without_a_reference_are_not_paired():
    rows = [_row("none", 0, [30.0]), _row("all", 0, [20.0], model="seed"), _row("no-kl_anneal", 1, [29.0])]
    assert paired_curves(rows, CONFIGS, "none") == {}  # another scale; no none run of seed 1
    assert paired_curves([_row("all", 0, [1.0])], [Configuration("all", ())], "none") == {}


def test_the_figure_draws_the_differences_beside_the_curves(tmp_path):
    pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")
    from mvae_core.ablation.columns import METRICS
    from mvae_core.ablation.figure import draw

    rows = [
        {**_row(c, s, [30.0 + s - (c == "all"), 29.0 + s]), **dict.fromkeys(METRICS, 1.0), "stopped_by": ""}
        for c in ("all", "none", "no-kl_anneal") for s in (0, 1)
    ]  # fmt: skip
    draw(rows, CONFIGS, tmp_path / "ablation.png")
    assert (tmp_path / "ablation.png").stat().st_size > 10_000
