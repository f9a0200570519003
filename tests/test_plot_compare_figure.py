"""What a researcher reads in ``mvae plot A B``'s figure: each run in one colour in every panel; a run without a
number for a panel (another model, a plugin not enabled, quantized data) absent from it and named in its title, a
kind of line some runs lack named in the legend; the legends clear of the lines, as in one run's figure; each event
in the footer under the name of its run. Measured on the drawn figure."""

from __future__ import annotations

from typing import Any

import pytest
from matplotlib.colors import to_hex

from mvae_core.tools.curves import PANEL_TITLES, draw_comparison
from tests.test_tools_plot_legends import data_lines, display_points, solo_run_records

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")


def without_fixes(n_epochs: int) -> list[dict[str, Any]]:
    """A run like :func:`solo_run_records` trained with no plugin and on quantized data: every weight at 1, no spread
    ratio, a loss term and a plugin's number of its own, and a stop in its last epoch."""
    records = solo_run_records(n_epochs)
    for record in records:
        record["weights"] = dict.fromkeys(record["weights"], 1.0)
        record["timing_spread_ratio"] = None
        record["train"]["free_bits"] = 2.0
        record["plugins"] = {"fb": {"below": 1}}
    records[-1]["events"] = [{"source": "early_stopping", "level": "stop", "message": "no improvement"}]
    return records


@pytest.fixture(scope="module")
def figure(tmp_path_factory: pytest.TempPathFactory) -> Any:
    drawn: list[Any] = []
    with pytest.MonkeyPatch.context() as monkeypatch:  # one figure for every check: drawing one takes a second
        monkeypatch.setattr(plt, "close", drawn.append)
        runs = {"fixes": solo_run_records(8), "none": without_fixes(5)}
        draw_comparison(runs, tmp_path_factory.mktemp("c") / "c.png", "training curves: fixes, none", ["plugins.fb"])
    (figure,) = drawn
    figure.canvas.draw()
    yield figure
    plt.close(figure)


def panel(figure: Any, title: str) -> Any:
    (ax,) = [ax for ax in figure.axes if ax.get_title().startswith(title)]
    return ax


def colours(ax: Any, figure: Any) -> set[str]:
    return {to_hex(line.get_color()) for line in data_lines(ax, figure)}


def test_every_panel_draws_each_run_in_its_colour(figure):
    fixes, none = to_hex("C0"), to_hex("C1")
    for title in PANEL_TITLES.values():
        ax = panel(figure, title)
        assert colours(ax, figure) == {fixes, none}, title
        assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["fixes", "none"], title
    # the shorter run's lines end where it ended, on the same epoch axis
    assert max(max(line.get_xdata()) for line in panel(figure, "learning rate").get_lines()) == 8


def test_a_run_without_a_number_there_is_absent_and_named(figure):
    metric = panel(figure, "plugins.fb")
    assert metric.get_title() == "plugins.fb (none in fixes)" and colours(metric, figure) == {to_hex("C1")}
    said = {t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    assert {"free_bits (not in fixes)", "timing_spread_ratio (not in none)", "timeshift (not in none)"} <= said
    assert "onset, velocity, duration, timeshift, kl (not in fixes)" in said  # none's weights: one line at 1


def test_no_legend_covers_a_line(figure):
    renderer = figure.canvas.get_renderer()
    legends = [(ax, ax.get_legend()) for ax in figure.axes if ax.get_legend()]
    assert len(legends) == 7  # the six panels (the learning rate's names the runs) and plugins.fb
    for ax, legend in legends:
        box = legend.get_window_extent(renderer)
        for line in data_lines(ax, figure):
            points = display_points(line)
            inside = (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
            inside &= (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)
            assert not inside.any(), f"{ax.get_title()!r}: the legend covers {line.get_label()}"


def test_events_are_listed_under_their_runs_name_and_marked_in_its_colour(figure):
    footer = [text.get_text() for text in figure.texts if text is not figure._suptitle]
    assert footer == ["none: epoch 5 stop: early_stopping: no improvement"]
    marks = [line for line in panel(figure, "timing spread").get_lines() if line.get_xdata()[0] == 5]
    assert [(to_hex(line.get_color()), line.get_linestyle()) for line in marks if len(line.get_xdata()) == 2] == [
        (to_hex("C1"), "-")
    ]


def test_an_earlier_runs_line_is_wider_so_an_equal_line_over_it_leaves_it_seen(figure):
    widths = {to_hex(line.get_color()): line.get_linewidth() for line in panel(figure, "learning rate").get_lines()}
    assert widths[to_hex("C0")] > widths[to_hex("C1")] + 1
