"""ablation.png with configuration names of 40 to 80 characters (a --configs file's descriptive names, factorial's
a+b+c): the caption, which names coinciding curves, ran out of the figure on both sides, the legend squeezed the
panels, and the bars' rotated names took the bar panels' height. The caption is now broken to the figure's width,
the figure grows for the legend and for the caption's extra lines, and a bar's name is broken into lines."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import Configuration
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

PLUGINS = "kl_anneal+ts_ramp+free_bits+lr_step_decay+early_stopping+ts_variance_monitor"
NAMES = ["all", "none", *(f"no-{i}-{PLUGINS}"[: 40 + 8 * i] for i in range(6))]  # 40 to 80 characters


def test_long_names_leave_every_text_of_the_figure_inside_it(tmp_path):
    from mvae_core.ablation.figure import figure_of

    arms = [Configuration(name, ()) for name in NAMES]
    rows = [
        figure_row(name, s, [10.0 + s, 9.0 + (name == "none")]) for name in NAMES for s in range(2)
    ]  # 6 named dashed
    figure = figure_of(rows, arms)
    figure.savefig(tmp_path / "ablation.png")  # draws it, laid out
    renderer = figure.canvas.get_renderer()
    inside = figure.bbox.padded(0.5)  # half a pixel of rounding
    (caption,) = [text for text in figure.texts if text.get_text() == figure.get_supxlabel()]
    assert f"{NAMES[5]} on all and 2 more" in caption.get_text().replace("\n", " ")  # names 4, on lines of its own
    assert inside.contains(*caption.get_window_extent(renderer).min)  # before: 3,649 pixels wide in a 1,200 one
    assert inside.contains(*caption.get_window_extent(renderer).max)
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [f"{i} {name}" for i, name in enumerate(NAMES, 1)]
    for artist in [legend, *figure.axes]:  # an axes' bbox holds its drawn tick labels, axis labels and title
        box = artist.get_tightbbox(renderer)
        assert inside.contains(*box.min) and inside.contains(*box.max), (artist, box)


def test_the_figure_keeps_its_size_with_short_names_and_a_bar_name_breaks_after_a_plus_or_a_dash():
    from mvae_core.ablation.figure import bar_label, figure_of

    arms = [Configuration(name, ()) for name in ("all", "none", "only-ts_variance_monitor")]
    rows = [figure_row(arm.name, s, [10.0 + s, 9.0]) for arm in arms for s in range(2)]
    assert tuple(figure_of(rows, arms).get_size_inches()) == (12.0, 8.0)
    assert bar_label("only-ts_variance_monitor") == "only-ts_variance_monitor"  # 24 characters: one line
    assert bar_label("kl_anneal+ts_ramp+lr_step_decay") == "kl_anneal+ts_ramp+\nlr_step_decay"
    assert bar_label("x" * 30) == "x" * 24 + "\n" + "x" * 6  # no place to break: inside it
