"""`mvae map` draws every note so that it shows: a note on the grid is white (the colour map's middle) on a
light-grey cell, so only its outline shows it. `make demo`'s map.png (Essen tunes, quantized) looked empty with
outlines of 0.3 pt (about half a pixel, anti-aliased to a grey no darker than the cell's frame)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core import cli

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae map needs matplotlib: the plot extra")

DARK = 0.45  # luminance (0 black, 1 white) under which a pixel reads as a line on the cell's #f4f4f4
MARGIN = 3  # pixels left out along the axes' frame, which is black


def test_each_note_of_the_map_has_a_dark_outline(tiny_run: Path, tmp_path: Path, monkeypatch):
    drawn, close = [], plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: drawn.append(fig))  # keep the figure to look at its pixels
    result = CliRunner().invoke(cli.app, ["map", str(tiny_run), "--out", str(tmp_path / "map.png")])
    assert result.exit_code == 0, result.output
    notes = int(result.output.split("cells, ")[1].split(" notes")[0])
    assert notes > 0, result.output
    figure = drawn[0]
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3] / 255
    luminance = pixels @ np.array([0.2126, 0.7152, 0.0722])
    box, height = figure.axes[0].get_window_extent(), luminance.shape[0]
    plane = luminance[
        int(height - box.y1) + MARGIN : int(height - box.y0) - MARGIN, int(box.x0) + MARGIN : int(box.x1) - MARGIN
    ]  # the cells only: no tick label, title or colour bar
    assert (plane < DARK).sum() >= 5 * notes, f"{(plane < DARK).sum()} dark pixels for {notes} notes"
    close(figure)
