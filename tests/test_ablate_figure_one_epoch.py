"""ablation.png of a 1-epoch ablation (a quick first look, or runs that early stopping ended after their first epoch)
had an empty curve panel: a line of one point draws nothing. Its epoch axis ticked 0.945 … 1.050, and values close
together were written as offsets from a "+1.33246e2" above the axis."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import Configuration

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")


def _axes_with(curves: dict[str, list[list[float]]]):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mvae_core.ablation.figure import _curves

    figure = Figure()
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rows = [
        {"config": name, "seed": seed, "status": "ok", "val_curve": curve}
        for name, runs in curves.items()
        for seed, curve in enumerate(runs)
    ]
    _curves(axes, rows, [Configuration(name, ()) for name in curves], {n: f"C{i}" for i, n in enumerate(curves)})
    figure.canvas.draw()
    return axes


def test_a_one_epoch_curve_is_a_dot_on_a_whole_epoch_tick():
    axes = _axes_with({"all": [[133.2468], [133.2466]], "none": [[133.2466]]})
    assert all(line.get_marker() == "o" for line in axes.get_lines())  # 3 runs and 2 means, each one point
    assert list(axes.get_xticks()) == [1]
    assert axes.yaxis.get_offset_text().get_text() == ""  # the values themselves on the axis


def test_a_mean_cut_to_one_epoch_is_a_dot_and_longer_curves_stay_lines():
    axes = _axes_with({"all": [[130.0, 129.0, 128.5], [131.0]]})  # seed 1 stopped after its first epoch
    markers = {len(line.get_xdata()): line.get_marker() for line in axes.get_lines()}
    assert markers == {3: "None", 1: "o"}
