"""``mvae map``: a grid of decoded piano rolls over the latent plane, one figure.

The grid is ``grid × grid`` points evenly spaced over ``[-extent, extent]²`` of latent dimensions 0 and 1; with
``latent_dim > 2`` every other dimension is 0 (a slice through the prior's mean). Each cell shows the notes that
:meth:`~mvae_core.models.base.MelodyModel.decode_notes` writes at its point (32 steps left to right, pitch rows
bottom to top): a note is a bar from its played start (``step + timeshift / 2``) for its decoded duration, coloured
by its timing offset on a diverging colour map (blue early, white on the grid, red late; ±1 half-step at the ends).
The notes and timing are those the decoding options pick (``mvae map``'s own defaults:
:data:`mvae_core.cli_tools.MAP_DEFAULTS`; the title and printed line say which were used).
"""

from __future__ import annotations

import textwrap
from functools import partial
from pathlib import Path

import numpy as np
import torch

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import STEPS_PER_BAR, STEPS_PER_LOOP
from mvae_core.files import atomic_write
from mvae_core.generation import LATENT_MAX, DecodeOptions, render_loops
from mvae_core.models import model_code
from mvae_core.models.base import MelodyModel
from mvae_core.tools import ToolError, missing_glyphs_said, require_extra

CELL_FILL = 0.9  # share of the spacing between grid points that a cell's piano roll covers
NOTE_OUTLINE = 0.35  # the most of a 16th step's width that a note's outline takes (:func:`_outline_points`)
MAX_GRID = 32  # cells per axis: the figure is at most 18 inches wide, so a cell keeps about 2 pixels per step
COLOUR_BAR_INCHES = 1.4  # the figure's width beside the square plane: the colour bar and its label
TITLE_CHARS_PER_INCH = 12  # characters of the 10-point title that an inch of the figure holds (:func:`_wrapped`)


def plane_points(grid: int, extent: float, latent_dim: int) -> tuple[np.ndarray, torch.Tensor]:
    """Coordinates ``[grid]`` along each axis and the points ``[grid·grid, latent_dim]`` (row-major: dimension 1
    varies slowest, from ``-extent``). Raises :class:`ToolError` for ``latent_dim < 2``, a ``grid`` outside
    ``2..MAX_GRID`` or an ``extent`` outside ``(0, LATENT_MAX]`` (the points are 32-bit floats)."""
    if latent_dim < 2:
        raise ToolError(f"the map needs a model with latent_dim >= 2, this one has {latent_dim}")
    if not 2 <= grid <= MAX_GRID:
        raise ToolError(f"--grid must be between 2 and {MAX_GRID} cells per axis, got {grid}")
    if not 0 < extent <= LATENT_MAX:
        raise ToolError(f"--extent must be a finite number > 0 (at most {LATENT_MAX:.2g}), got {extent}")
    axis = np.linspace(-extent, extent, grid)
    points = torch.zeros(grid * grid, latent_dim)
    ys, xs = np.meshgrid(axis, axis, indexing="ij")
    points[:, 0] = torch.from_numpy(xs.ravel()).float()
    points[:, 1] = torch.from_numpy(ys.ravel()).float()
    return axis, points


def draw_map(
    model: MelodyModel, cfg: MvaeConfig, out: Path, grid: int, extent: float, options: DecodeOptions, title: str
) -> int:
    """Decode the plane (module docstring) and write the figure to ``out`` (PNG); returns the number of notes."""
    require_extra("plot", "matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection, PolyCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    with model_code(cfg.model.name, "check_options"):  # as generate: a model refuses the options it cannot honour
        model.check_options(options)
    axis, points = plane_points(grid, extent, cfg.model.latent_dim)
    loops = [loop for (loop,) in render_loops(model, points, options)]
    spacing = axis[1] - axis[0]
    size = CELL_FILL * spacing
    x_unit, y_unit = size / STEPS_PER_LOOP, size / cfg.data.pitch_classes
    bars, offsets, frames = [], [], []
    for i, point in enumerate(points.numpy()):
        left, bottom = point[0] - size / 2, point[1] - size / 2
        frames.append(Rectangle((left, bottom), size, size))
        for note in loops[i]:
            start = min(max(note.step + note.timeshift / 2, 0.0), STEPS_PER_LOOP - 0.5)
            length = min(max(note.duration * cfg.data.max_duration_steps, 0.5), STEPS_PER_LOOP - start)
            x0, y0 = left + start * x_unit, bottom + note.row * y_unit
            x1, y1 = x0 + length * x_unit, y0 + y_unit
            bars.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
            offsets.append(note.timeshift)

    inches = min(18.0, 1.0 + 0.9 * grid)
    fig, ax = plt.subplots(figsize=(inches + COLOUR_BAR_INCHES, inches))
    ax.add_collection(PatchCollection(frames, facecolor="#f4f4f4", edgecolor="#b0b0b0", linewidth=0.5, zorder=0))
    notes = PolyCollection(bars, array=np.asarray(offsets), cmap="RdBu_r", norm=Normalize(-1.0, 1.0), zorder=1)
    notes.set_edgecolor("#303030")
    ax.add_collection(notes)
    centres = points[:, :2].numpy()  # the bar line in the middle of each 2-bar cell
    middle = centres[:, 0] - size / 2 + STEPS_PER_BAR * x_unit
    ax.vlines(middle, centres[:, 1] - size / 2, centres[:, 1] + size / 2, colors="#c8c8c8", lw=0.4, zorder=0.5)
    limit = extent + spacing / 2
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    labels = [f"{v:.2g}" for v in axis]
    ax.set_xticks(axis, labels, rotation=90 if grid > 8 else 0)
    ax.set_yticks(axis, labels)
    others = ", others 0" if cfg.model.latent_dim > 2 else ""
    ax.set_xlabel(f"z[0]{others}")
    ax.set_ylabel("z[1]")
    ax.set_title(_wrapped(title, inches + COLOUR_BAR_INCHES), fontsize=10)
    bar = fig.colorbar(notes, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("timing offset (half-steps): early < 0 < late")
    ax.apply_aspect()  # the axes' drawn box, once the colour bar has taken its share of the figure
    notes.set_linewidth(_outline_points(ax.get_position().width * fig.get_figwidth() * size / (2 * limit)))
    with missing_glyphs_said(out):  # a run named in Japanese: one warning, not two lines per character and drawing
        atomic_write(out, partial(fig.savefig, dpi=110, bbox_inches="tight"), durable=False)
    plt.close(fig)
    return len(offsets)


def _wrapped(title: str, figure_inches: float) -> str:
    """Each line of ``title`` broken at spaces (never inside an option's name) to about the width of a figure
    ``figure_inches`` wide, at least 40 characters: the title names the decoding rule and options, longer than a small
    grid's figure."""
    width = max(40, round(TITLE_CHARS_PER_INCH * figure_inches))
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False) for line in title.splitlines())


def _outline_points(cell_inches: float) -> float:
    """The width of a note's outline in points, for cells ``cell_inches`` wide as drawn (in the axes' box, about 77 %
    of the figure's width beside the colour bar): what shows a note on the grid, white
    on the cell's light grey (a hair of 0.3 pt drew as a grey no darker than the cell's frame, and ``make demo``'s
    quantized map looked empty); at most :data:`NOTE_OUTLINE` of a 16th step, so that a 16th note keeps its colour
    in the cells of a fine grid."""
    return min(0.8, NOTE_OUTLINE * cell_inches * 72 / STEPS_PER_LOOP)
