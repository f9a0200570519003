"""ablation.png's bar panels: with many configurations (factorial's 32) or long names, the rotated names under the
bars ran into each other, unreadable; and the top right panel's y labels, in the bar panels' grid, left a wide gap
between the second and third bar panels. Now, where the names would overlap, each bar is labelled with its
configuration's number in the plan (upright, on two rows where one is too tight) and the legend reads ``number
name``; where they fit (leave-one-out's seven), the names stay; and the four bar panels are evenly spaced."""

from __future__ import annotations

from itertools import pairwise

import pytest

from mvae_core.ablation.plan import Configuration, expand
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

PLUGINS = ["kl_anneal", "ts_ramp", "lr_step_decay", "early_stopping", "ts_variance_monitor"]
FAILED = "ts_ramp"  # every run of it failed, in the factorial figure: bars without a value, no curve


def _drawn(arms: list[Configuration], failed: str = "", apart: bool = True) -> object:
    """The figure of one seed per configuration (the labels are what is looked at; 32 draw quicker without more), its
    curves ``apart`` or, but for ``none``'s, on each other (the caption names them all: more than four lines)."""
    from mvae_core.ablation.figure import figure_of

    rows = [
        figure_row(
            arm.name, 0, [300.0, 150.0 + (i if apart else arm.name == "none")], "failed" if arm.name == failed else "ok"
        )
        for i, arm in enumerate(arms)
    ]
    figure = figure_of(rows, arms)
    figure.canvas.draw()  # laid out as saved
    return figure


@pytest.fixture(scope="module")
def leave_one_out():
    arms = expand("leave-one-out", PLUGINS)
    return arms, _drawn(arms)


@pytest.fixture(scope="module")
def factorial():
    arms = expand("factorial", PLUGINS)
    return arms, _drawn(arms, FAILED)


@pytest.fixture(scope="module")
def long_names():
    """Eight, six of 60 characters: turned and broken into three lines each, they overlapped; their caption is taller
    than four lines."""
    tail = "kl_anneal+ts_ramp+free_bits+lr_step_decay+early_stopping+x"
    arms = [Configuration(name, ()) for name in ["all", "none", *(f"no-{i}-{tail}"[:60] for i in range(6))]]
    return arms, _drawn(arms, apart=False)


def _labels(axes) -> list:
    return [label for label in axes.xaxis.get_ticklabels(which="both") if label.get_visible() and label.get_text()]


def test_names_that_fit_stay_under_their_bars_and_the_legend_names_without_numbers(leave_one_out):
    arms, figure = leave_one_out
    names = [arm.name for arm in arms]
    bar_panels = figure.axes[2:]
    assert len(bar_panels) == 4
    assert [label.get_text() for label in _labels(bar_panels[0])] == [n for n in names if n != "none"]  # paired
    for axes in bar_panels[1:]:
        assert [label.get_text() for label in _labels(axes)] == names
        assert {label.get_rotation() for label in _labels(axes)} == {60.0}
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == names


@pytest.mark.parametrize("plan", ["factorial", "long names"])
def test_names_that_would_overlap_become_numbers_apart_and_the_legend_numbers_every_configuration(
    plan, factorial, long_names
):
    from mvae_core.ablation.figure import colours_of

    arms, figure = factorial if plan == "factorial" else long_names
    renderer = figure.canvas.get_renderer()
    colours = colours_of(arms)
    for axes in figure.axes[2:]:
        labels = _labels(axes)
        assert labels, axes.get_title()
        boxes = [label.get_window_extent(renderer) for label in labels]
        for i, box in enumerate(boxes):  # upright, so the box is the label: no two overlap
            assert not any(box.overlaps(other) for other in boxes[i + 1 :]), labels[i].get_text()
        bars = {round(patch.get_x() + patch.get_width() / 2): patch.get_facecolor() for patch in axes.patches}
        for label in labels:  # each bar's number is its configuration's, whose colour the bar has
            x, number = round(label.get_position()[0]), int(label.get_text())
            name = arms[number - 1].name
            assert name == FAILED or bars[x] == pytest.approx(_rgba(colours[name])), (axes.get_title(), number)
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [f"{i} {arm.name}" for i, arm in enumerate(arms, 1)]
    drawn = [handle.get_visible() for handle in legend.legend_handles]
    assert drawn == [plan != "factorial" or arm.name != FAILED for arm in arms]  # no curve: no line


def _rgba(colour) -> tuple:
    from matplotlib.colors import to_rgba

    return to_rgba(colour)


@pytest.mark.parametrize("plan", ["leave-one-out", "factorial", "long names"])
def test_the_four_bar_panels_are_evenly_spaced_as_high_as_two_thirds_of_the_curves_and_their_titles_apart(
    plan, leave_one_out, factorial, long_names
):
    _, figure = {"leave-one-out": leave_one_out, "factorial": factorial, "long names": long_names}[plan]
    renderer = figure.canvas.get_renderer()
    curves, bar_panels = figure.axes[0], figure.axes[2:]
    boxes = [axes.get_window_extent(renderer) for axes in bar_panels]
    gaps = [right.x0 - left.x1 for left, right in pairwise(boxes)]
    assert max(gaps) - min(gaps) < 1, gaps  # before: 69 to 81 pixels between the second and third, 40 elsewhere
    assert {round(box.width) for box in boxes} == {round(boxes[0].width)}
    assert boxes[0].height == pytest.approx(curves.get_window_extent(renderer).height * 2 / 3, abs=1)
    titles = [axes.title.get_window_extent(renderer) for axes in bar_panels]
    assert not any(left.overlaps(right) for left, right in pairwise(titles))
