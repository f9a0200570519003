"""ablation.png's panels, measured with the renderer: the first bar panel's left edge is the curve panel's above it and
the last bar panel's right edge the top right panel's (with the top panels in a grid of their own, the first bar
panel started 24 pixels left of the curves); and with a factorial plan of five plugins (32 configurations) every bar
has its number, at the bar labels' font size, where only every second one had (two digits at 7 pt on two rows need
about 7 pixels a bar; the panels had 6.3): the figure widens for them."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import Configuration, expand
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

PLUGINS = ["kl_anneal", "ts_ramp", "lr_step_decay", "early_stopping", "ts_variance_monitor"]


def _drawn(arms: list[Configuration]) -> object:
    """The figure of one seed per configuration, laid out as saved."""
    from mvae_core.ablation.figure import figure_of

    figure = figure_of([figure_row(arm.name, 0, [300.0, 150.0 + i]) for i, arm in enumerate(arms)], arms)
    figure.canvas.draw()
    return figure


@pytest.fixture(scope="module")
def leave_one_out():
    return _drawn(expand("leave-one-out", PLUGINS))


@pytest.fixture(scope="module")
def factorial():
    return _drawn(expand("factorial", PLUGINS))


@pytest.fixture(scope="module")
def without_none():
    """No ``none``: one curve panel across the figure, no panel of differences."""
    return _drawn([Configuration(name, ()) for name in ["all", "no-kl_anneal", "no-ts_ramp"]])


@pytest.mark.parametrize("plan", ["leave-one-out", "factorial", "without none"])
def test_the_bar_panels_line_up_with_the_curve_panels_above_them(plan, leave_one_out, factorial, without_none):
    figure = {"leave-one-out": leave_one_out, "factorial": factorial, "without none": without_none}[plan]
    renderer = figure.canvas.get_renderer()
    bars = [axes for axes in figure.axes if axes.get_title()]
    top = [axes for axes in figure.axes if not axes.get_title()]
    assert len(bars) == 4
    assert len(top) == (1 if plan == "without none" else 2)
    left, right = top[0].get_window_extent(renderer), top[-1].get_window_extent(renderer)
    first, last = bars[0].get_window_extent(renderer), bars[-1].get_window_extent(renderer)
    assert first.x0 == pytest.approx(left.x0, abs=0.5)  # before: 56.9 and 80.7 pixels
    assert last.x1 == pytest.approx(right.x1, abs=0.5)


def test_every_bar_of_a_factorial_plan_has_its_number_at_the_labels_font_size(factorial):
    from mvae_core.ablation.figure_labels import BAR_LABEL_FONT

    for axes in factorial.axes[2:]:
        labels = [label for label in axes.xaxis.get_ticklabels(which="both") if label.get_text()]
        placed = sorted((round(label.get_position()[0]), int(label.get_text())) for label in labels)
        paired = axes is factorial.axes[2]  # no bar for none, number 1
        assert placed == [(x, x + 1 + paired) for x in range(32 - paired)], axes.get_title()  # before: every second
        assert {label.get_fontsize() for label in labels} == {BAR_LABEL_FONT}


def test_only_a_plan_whose_numbers_need_it_widens_the_figure(leave_one_out, factorial):
    from mvae_core.ablation.figure import PANELS_WIDTH, SIZE

    assert tuple(leave_one_out.get_size_inches()) == SIZE
    legend = factorial.legends[0].get_window_extent(factorial.canvas.get_renderer()).width / factorial.dpi
    assert factorial.get_figwidth() > PANELS_WIDTH + legend + 1  # what the legend alone asks, and an inch more
