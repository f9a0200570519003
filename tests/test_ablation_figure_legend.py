"""ablation.png's curve panels: a configuration whose runs did not differ from another's (a plugin that never acted,
e.g. free bits that never bind), or by less than the panel can show, drew its mean curve over the other's, hiding it
with nothing to say so; and with many configurations the legend, inside the panel, covered the curves. Now such a
mean is dashed (the curves on one take turns, so every colour shows), the caption names it, and the legend is
outside the axes."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import Configuration
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")


ARMS = [Configuration(name, ()) for name in ("all", "none", "no-b", "no-c")]
ROWS = [
    row
    for s in range(2)
    for row in (
        figure_row("all", s, [10.0 + s, 9.0]),
        figure_row("none", s, [11.0 + s, 10.0]),
        figure_row("no-b", s, [10.0 + s, 9.0]),  # the same as all's, seed by seed
        figure_row("no-c", s, [10.0 + s, 9.0 + s]),  # differs from all's in seed 1
    )
]


def test_a_mean_curve_within_half_a_percent_of_the_panel_of_an_earlier_one_coincides_with_the_first():
    from mvae_core.ablation.figure import coinciding

    means = {"all": [10.0, 9.0], "none": [11.0, 10.0], "no-b": [10.0, 9.004], "no-c": [10.0, 9.5], "no-d": [10.0, 9.0]}
    assert coinciding(means, height=2.0) == {"no-b": "all", "no-d": "all"}  # within 0.01
    assert coinciding(means, height=0.5) == {"no-d": "all"}  # within 0.0025: no-b is 0.004 off
    assert coinciding({"all": [10.0, float("nan")], "no-b": [10.0, 9.0]}, height=2.0) == {}
    assert coinciding({"all": [10.0], "no-b": [10.0, 9.0]}, height=2.0) == {}  # other lengths


def test_a_hidden_mean_is_dashed_and_the_caption_names_it_in_each_panel():
    from mvae_core.ablation.figure import colours_of, figure_of

    figure = figure_of(ROWS, ARMS)
    colours = colours_of(ARMS)
    left, right = figure.axes[:2]
    for panel in (left, right):
        means = {line.get_color(): line.get_linestyle() for line in panel.get_lines() if line.get_linewidth() == 2}
        assert means[colours["no-b"]] == "--" and means[colours["all"]] == means[colours["no-c"]] == "-"
    said = figure.get_supxlabel()
    assert "Dashed: a mean curve within 0.5 % of the panel's height of an earlier one's, which it would hide " in said
    assert "(left, no-b on all; right, no-b on all); that height leaves out the configuration farthest from" in said
    alone = figure_of([r for r in ROWS if r["config"] != "no-b"], [a for a in ARMS if a.name != "no-b"])
    assert "Dashed" not in alone.get_supxlabel()


def test_curves_on_one_take_turns_so_every_colour_shows():
    from mvae_core.ablation.figure import _dashes

    styles = [_dashes(turn, 3) for turn in range(3)]
    assert {pattern for _, pattern in styles} == {(3.0, 9.0)}  # each a dash in 4: the last is the curve under them
    assert sorted(offset for offset, _ in styles) == [0.0, 3.0, 6.0]


def test_the_legend_is_outside_every_panel_with_many_configurations():
    from mvae_core.ablation.figure import figure_of

    arms = [Configuration(f"only-{i}+a+b+c", ()) for i in range(11)]
    rows = [figure_row(arm.name, 0, [10.0 + i, 9.0 + i]) for i, arm in enumerate(arms)]
    figure = figure_of(rows, arms)
    figure.canvas.draw()
    (legend,) = [*figure.legends, *(axes.get_legend() for axes in figure.axes if axes.get_legend())]
    assert [text.get_text() for text in legend.get_texts()] == [arm.name for arm in arms]
    renderer = figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    for axes in figure.axes:  # a legend over a panel's area covers its curves
        assert not box.overlaps(axes.get_window_extent(renderer))
