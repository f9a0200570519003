"""``mvae plot A B`` of an ablation's ``all/seed-0`` and ``none/seed-0`` (session 41's review): the weights panel's
legend, four long names in two columns, was wider than its panel, so at "center left" it ran past the panel's left
edge, was cut at the figure's and covered the y tick labels. A legend now lies inside its panel: in one column where
two run past it, its names wrapped (at spaces and hyphens) where even one column is wider. Measured on matplotlib's
renderer."""

from __future__ import annotations

from typing import Any

import pytest

from mvae_core.tools.curves import draw_comparison
from tests.test_plot_compare_figure import without_fixes
from tests.test_tools_plot_legends import solo_run_records

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")


def compared_figure(names: tuple[str, str], tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The figure ``draw_comparison`` makes of a run with the default plugins' ramps and one without plugins (every
    weight at 1: one line named with all five terms), named ``names``, kept open to be measured."""
    drawn: list[Any] = []
    monkeypatch.setattr(plt, "close", drawn.append)
    runs = dict(zip(names, (solo_run_records(4), without_fixes(4)), strict=True))
    draw_comparison(runs, tmp_path / "compare.png", f"training curves: {', '.join(names)}")
    (figure,) = drawn
    figure.canvas.draw()  # the positions savefig drew them at
    return figure


def legends_outside_their_panel(figure: Any) -> list[str]:
    """The titles of the panels whose legend's drawn box is not inside the panel's frame (to half a pixel)."""
    renderer = figure.canvas.get_renderer()
    outside = []
    for ax in figure.axes:
        if (legend := ax.get_legend()) is None:
            continue
        box, frame = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
        if box.x0 < frame.x0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y0 < frame.y0 - 0.5 or box.y1 > frame.y1 + 0.5:
            outside.append(ax.get_title())
    return outside


def test_the_weights_legend_of_an_ablations_two_runs_lies_inside_its_panel(tmp_path, monkeypatch):
    figure = compared_figure(("all/seed-0", "none/seed-0"), tmp_path, monkeypatch)
    weights = next(ax for ax in figure.axes if ax.get_title().startswith("applied loss-weight"))
    names = [text.get_text() for text in weights.get_legend().get_texts()]
    assert "onset, velocity, duration, timeshift, kl (not in all/seed-0)" in names  # the widest name, whole
    assert legends_outside_their_panel(figure) == []
    plt.close(figure)


def test_names_too_long_for_one_column_are_wrapped_inside_the_panel(tmp_path, monkeypatch):
    long_names = ("ablations/leave-one-out-of-the-default-plugins/all/seed-0",
                  "ablations/leave-one-out-of-the-default-plugins/none/seed-0")  # fmt: skip
    figure = compared_figure(long_names, tmp_path, monkeypatch)
    assert legends_outside_their_panel(figure) == []
    weights = next(ax for ax in figure.axes if ax.get_title().startswith("applied loss-weight"))
    drawn = [text.get_text() for text in weights.get_legend().get_texts()]
    assert any("\n" in name for name in drawn)
    whole = f"onset, velocity, duration, timeshift, kl (not in {long_names[0]})"
    assert "".join(whole.split()) in ["".join(name.split()) for name in drawn]  # the same name, over several lines
    plt.close(figure)
