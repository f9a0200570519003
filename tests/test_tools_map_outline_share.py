"""`mvae map`'s note outline takes at most NOTE_OUTLINE (0.35) of a 16th step as drawn, so that a fine grid's 16th
notes keep their colour. It was computed from the figure's width, of which the axes (beside the colour bar, at an
equal aspect) take about 77 %: the outline was 0.455 of a drawn step at grids 7 to 32."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.tools.latent_map import CELL_FILL, NOTE_OUTLINE

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae map needs matplotlib: the plot extra")


@pytest.mark.parametrize("grid", [7, 12])
def test_the_outline_is_at_most_its_share_of_a_drawn_step(tiny_run: Path, tmp_path: Path, monkeypatch, grid: int):
    drawn, close = [], plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: drawn.append(fig))  # keep the figure to measure it
    out = tmp_path / "map.png"
    result = CliRunner().invoke(cli.app, ["map", str(tiny_run), "--grid", str(grid), "--out", str(out)])
    assert result.exit_code == 0, result.output
    figure = drawn[0]
    ax = figure.axes[0]
    ticks = ax.get_xticks()
    (left, _), (right, _) = ax.transData.transform([(ticks[0], 0.0), (ticks[1], 0.0)])  # one grid spacing, pixels
    step_points = (right - left) * CELL_FILL / STEPS_PER_LOOP * 72 / figure.dpi
    outline = ax.collections[1].get_linewidth()[0]  # the notes (the cells' frames are collection 0)
    assert 0.3 * step_points < outline <= NOTE_OUTLINE * step_points * 1.01, (outline, step_points)
    close(figure)
