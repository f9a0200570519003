"""What a musician reads wrong in ``mvae plot``'s figure (session 33's review): the last panel's legend, always at the
lower right, covered the ``onset_f1`` line near 0 (about 0.04 on jazz solos); the weights panel's legend named
``onset`` and ``velocity`` lines hidden under ``duration`` (all three at 1); a learning-rate step of 2 % filled the
panel like a collapse; a line at 0 (no active unit, an F1 of 0) ran under the frame; the timing panel said
"half-steps", which a musician reads as semitones; and a run of one epoch drew empty panels (a line of one point
draws nothing). The checks measure the rendered figure in display coordinates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mvae_core.report import TIMING_UNIT
from mvae_core.tools.curves import draw_curves

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")


def solo_run_records(n_epochs: int) -> list[dict[str, Any]]:
    """Records shaped as a 10-epoch run on twelve jazz solos records them (metrics.jsonl of /tmp/helper-341's run,
    rounded): onset_f1 near 0.04, rhythm_f1 near 0.35, both units active, the default plugins' ramps, and
    lr_step_decay's first step (×0.98) after epoch 8."""
    records = []
    for e in range(n_epochs):
        train = {"onset": 56 - 0.8 * e, "velocity": 0.28 / (1 + 9 * e), "duration": 0.09 + 0.5 / (1 + 4 * e),
                 "timeshift": 39.7 - 0.13 * e, "kl": 3 + 20 / (1 + e * e)}  # fmt: skip
        val = {"onset": 54 - 1.0 * e, "velocity": 0.078 / (1 + e), "duration": 0.1 + 0.02 * (e % 3 == 2),
               "timeshift": 38.6, "kl": 2.2 + (e % 3)}  # fmt: skip
        records.append({
            "epoch": e, "lr": 1e-3 if e < 8 else 9.8e-4, "train": train, "val": val, "val_elbo": 136 - 1.2 * e,
            "weights": {"onset": 1.0, "velocity": 1.0, "duration": 1.0, "timeshift": (e + 1) / 15, "kl": e / 20},
            "onset_f1": 0.04 + 0.02 * (e % 2), "rhythm_f1": 0.29 + 0.008 * e, "timing_spread_ratio": 1.12,
            "timing_std": {"data": 0.527, "recon": 0.59}, "active_units": 2,
        })  # fmt: skip
    return records


def drawn_figure(records: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The figure ``draw_curves`` makes of ``records``, kept open to be measured."""
    drawn: list[Any] = []
    monkeypatch.setattr(plt, "close", drawn.append)
    draw_curves(records, tmp_path / "curves.png", "runs/solos: training curves")
    (figure,) = drawn
    figure.canvas.draw()  # the positions savefig drew them at
    return figure


def data_lines(ax: Any, figure: Any) -> list[Any]:
    """The lines drawn in data coordinates over ``ax``'s area: its own and those of a twin axis (not an event's
    vertical line, which spans the panel)."""
    over = [other for other in figure.axes if other.get_position().bounds == ax.get_position().bounds]
    return [line for other in over for line in other.get_lines() if line.get_transform() == other.transData]


def display_points(line: Any, per_segment: int = 100) -> np.ndarray:
    """Points along ``line`` as drawn, in display coordinates: each segment between two finite values sampled
    ``per_segment`` times, and every finite value."""
    xy = line.get_transform().transform_path(line.get_path()).vertices
    finite = np.isfinite(xy).all(axis=1)
    t = np.linspace(0, 1, per_segment)[:, None]
    segments = [a + t * (b - a) for a, b, ok in zip(xy[:-1], xy[1:], finite[:-1] & finite[1:], strict=True) if ok]
    return np.concatenate([xy[finite], *segments])


@pytest.fixture(scope="module")
def solo_figure(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with pytest.MonkeyPatch.context() as monkeypatch:  # one figure for every check: drawing one takes a second
        figure = drawn_figure(solo_run_records(10), tmp_path_factory.mktemp("plot"), monkeypatch)
    yield figure
    plt.close(figure)


def panel(figure: Any, title: str) -> Any:
    (ax,) = [ax for ax in figure.axes if ax.get_title() == title]
    return ax


def test_no_legend_covers_a_line(solo_figure):
    renderer = solo_figure.canvas.get_renderer()
    legends = [(ax, ax.get_legend()) for ax in solo_figure.axes if ax.get_legend()]
    assert len(legends) == 5  # train, validation, weights, timing, active units and F1
    for ax, legend in legends:
        box = legend.get_window_extent(renderer)
        for line in data_lines(ax, solo_figure):
            points = display_points(line)
            inside = (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
            inside &= (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)
            assert not inside.any(), f"{ax.get_title()!r}: the legend covers {line.get_label()}"


def test_the_legend_names_no_hidden_line(solo_figure):
    weights = panel(solo_figure, "applied loss-weight multipliers (plugins)")
    drawn = [tuple(line.get_ydata()) for line in data_lines(weights, solo_figure)]
    assert len(drawn) == len(set(drawn)), "two lines drawn one over the other"
    labels = [text.get_text() for text in weights.get_legend().get_texts()]
    assert "onset, velocity, duration" in labels and "timeshift" in labels and "kl" in labels


def test_a_small_rate_step_is_drawn_from_zero(solo_figure):
    assert panel(solo_figure, "learning rate").get_ylim()[0] == 0


def test_a_line_at_zero_shows_above_the_frame_and_the_zeros_align(solo_figure):
    units = panel(solo_figure, "active units and reconstruction F1")
    (f1,) = [
        ax for ax in solo_figure.axes if ax is not units and ax.get_position().bounds == units.get_position().bounds
    ]
    frame_bottom = units.bbox.y0
    zero, f1_zero = units.transData.transform((1, 0))[1], f1.transData.transform((1, 0))[1]
    assert zero > frame_bottom + 2 and zero == pytest.approx(f1_zero)


def test_the_timing_panel_names_its_unit_in_full(solo_figure):
    timing = panel(solo_figure, "timing spread")
    assert TIMING_UNIT in timing.get_ylabel()


def test_a_run_of_one_epoch_draws_every_value(tmp_path, monkeypatch):
    figure = drawn_figure(solo_run_records(1), tmp_path, monkeypatch)
    values = [line for ax in figure.axes if ax.get_visible() for line in ax.get_lines() if line.get_label()[0] != "_"]
    assert len(values) == 20  # 5 + 6 losses, 3 weights (one shared by three terms), 3 timing, units, 2 F1 (lr: 1 below)
    values += panel(figure, "learning rate").get_lines()
    for line in values:  # a line of one point draws nothing: the point is a marker
        assert line.get_marker() not in ("", "None", None) and line.get_markevery() == [True], line.get_label()
    low, high = figure.axes[0].get_xlim()
    assert [tick for tick in figure.axes[0].get_xticks() if low <= tick <= high] == [1]  # not "epoch 0.945 .. 1.050"
    plt.close(figure)


def test_metric_panels_keep_the_title_clear_and_the_footer_lines_close(tmp_path, monkeypatch):
    """``--metric`` panels make the figure taller: its title, placed as a fraction of the height, sank into the first
    panels' titles, and the footer's lines spread apart."""
    records = solo_run_records(3)
    records[0]["events"] = [{"source": "kl_anneal", "level": "warning", "message": "short run"}]
    records[2]["events"] = [{"source": "early_stopping", "level": "stop", "message": "no improvement"}]
    drawn: list[Any] = []
    monkeypatch.setattr(plt, "close", drawn.append)
    draw_curves(records, tmp_path / "curves.png", "runs/solos: training curves", ["val", "timing_std", "val.kl"])
    (figure,) = drawn
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    title = figure._suptitle.get_window_extent(renderer)
    for ax in figure.axes:  # above every panel's title (a longer run name spans theirs)
        assert title.y0 >= ax.title.get_window_extent(renderer).y1, ax.get_title()
    footer = sorted(text.get_window_extent(renderer).y0 for text in figure.texts if text is not figure._suptitle)
    assert len(footer) == 2
    assert footer[1] - footer[0] == pytest.approx(0.015 * 11 * figure.dpi)  # as in the six-panel figure (11 inches)
    plt.close(figure)
