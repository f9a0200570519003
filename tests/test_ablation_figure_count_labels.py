"""ablation.png's ``k of n`` marks (a bar over fewer runs than the configuration has ok) were written level: on a
panel where every configuration has one (the timing spread ratio of quantized tunes, defined for one seed of three),
the eight marks ran into each other, ``1 of 3 of 3 of 3``. Now they stand turned like the bars' words, each inside
its own bar's slot."""

from __future__ import annotations

from itertools import pairwise

import pytest

from mvae_core.ablation.plan import expand
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

PLUGINS = ["kl_anneal", "ts_ramp", "lr_step_decay", "early_stopping", "ts_variance_monitor", "free_bits"]


def test_the_marks_of_bars_over_fewer_runs_do_not_overlap():
    from mvae_core.ablation.figure import figure_of

    arms = expand("leave-one-out", PLUGINS)
    rows = [
        figure_row(arm.name, seed, [300.0, 150.0 + i]) | {"timing_spread_ratio": 0.5 if seed == 0 else None}
        for i, arm in enumerate(arms)
        for seed in range(3)
    ]
    figure = figure_of(rows, arms)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    marks = [
        text.get_window_extent(renderer) for axes in figure.axes for text in axes.texts if text.get_text() == "1 of 3"
    ]
    assert len(marks) == len(arms)  # one panel, every bar marked
    for left, right in pairwise(sorted(marks, key=lambda box: box.x0)):
        assert left.x1 <= right.x0, (left, right)
