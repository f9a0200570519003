"""Fitting ``ablation.png``'s text to it (:mod:`~mvae_core.ablation.figure`): the caption broken to the figure's width
(:func:`fitted`), and the bar panels' tick labels kept apart as drawn (:func:`apart`), or numbered where the names
would overlap (:func:`number`), with the room every bar's number needs (:func:`lacking`); measured with the figure's
renderer after its layout (:func:`lay_out`)."""

from __future__ import annotations

import math
import textwrap
from typing import Any

CAPTION_FONT = 8
"""The caption's font size, in points; its lines are broken to the figure's width (:func:`fitted`)."""
BAR_LABEL_FONT = 7
"""The bar panels' tick labels' font size, in points: a configuration's name, or its number
(:func:`~mvae_core.ablation.figure.numbers_of`)."""
LABEL_GAP = 2.0
"""The pixels that neighbouring tick labels of a bar panel keep between them, at the least (:func:`apart`)."""


def fitted(text: str, room: float, renderer: Any) -> list[str]:
    """The lines of ``text``, each broken at spaces (inside a word only where one is wider than a line) into lines
    no wider than ``room`` pixels in the caption's font (:data:`CAPTION_FONT`): a caption line that names long
    configurations ran out of the figure on both sides."""
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=CAPTION_FONT)

    def width(line: str) -> float:
        return renderer.get_text_width_height_descent(line, font, ismath=False)[0]

    fitted = []
    for line in text.split("\n"):
        chars = max(1, min(len(line), int(len(line) * room / width(line)))) if line else 1
        pieces = textwrap.wrap(line, chars, break_on_hyphens=False) or [""]
        while chars > 1 and any(width(piece) > room for piece in pieces):
            chars -= 1
            pieces = textwrap.wrap(line, chars, break_on_hyphens=False)
        fitted += pieces
    return fitted


def apart(figure: Any, panels: list[Any]) -> bool:
    """Whether every two neighbouring tick labels of each of the bar ``panels``, where the figure's last layout
    (:func:`lay_out`) put the panels, keep :data:`LABEL_GAP` pixels apart: each label's outline, turned as it is
    drawn and grown by half the gap on each side (:func:`_outline`), overlaps no other's of its panel."""
    renderer = figure.canvas.get_renderer()
    for axes in panels:
        axes.xaxis.get_tightbbox(renderer)  # places its tick labels, as drawing it does
        labels = [
            label for label in axes.xaxis.get_ticklabels(which="both") if label.get_visible() and label.get_text()
        ]
        outlines = [_outline(figure, label, renderer) for label in labels]
        if any(a.intersects_path(b) for i, a in enumerate(outlines) for b in outlines[i + 1 :]):
            return False
    return True


def lay_out(figure: Any) -> None:
    """Place the figure's panels as drawing it does (its constrained layout engine, which leaves each its labels'
    room), without drawing them."""
    figure.get_layout_engine().execute(figure)


def _outline(figure: Any, label: Any, renderer: Any) -> Any:
    """A tick label's rectangle as drawn (a ``Path`` in pixels), turned by its rotation, each side :data:`LABEL_GAP`
    / 2 further out: its window extent is the box around the turned rectangle, which for a turned name covers its
    neighbours' though their letters are apart."""
    from matplotlib.path import Path as Outline

    size = _flat(figure, label).get_window_extent(renderer)  # its width and height, not turned
    box = label.get_window_extent(renderer)
    turn = math.radians(label.get_rotation())
    along, across = (math.cos(turn), math.sin(turn)), (-math.sin(turn), math.cos(turn))
    half_long, half_high = (size.width + LABEL_GAP) / 2, (size.height + LABEL_GAP) / 2
    (x, y) = box.x0 + box.width / 2, box.y0 + box.height / 2
    corners = [
        (
            x + a * half_long * along[0] + b * half_high * across[0],
            y + a * half_long * along[1] + b * half_high * across[1],
        )
        for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))
    ]
    return Outline([*corners, corners[0]], closed=True)


def _flat(figure: Any, label: Any) -> Any:
    """A text as ``label``'s, not turned and not placed: its size is the label's own."""
    from matplotlib.text import Text

    flat = Text(text=label.get_text(), fontproperties=label.get_fontproperties(), linespacing=label.get_linespacing())
    flat.set_figure(figure)
    return flat


def number(figure: Any, panels: list[Any], numbers: list[list[int]]) -> float:
    """Each bar panel's tick labels its bars' ``numbers`` (per panel, in its bars' order), upright: on one row where
    they keep :data:`LABEL_GAP` apart (:func:`apart`), else on two, every other number on the lower one, its tick
    down to it. Every bar keeps its number: returns the pixels that each panel lacks for two rows to keep apart
    (:func:`lacking`); where that is 0, the figure is laid out as labelled (:func:`lay_out`), else the caller widens
    it by that much per panel and lays it out. Numbers do not widen a panel's margins as turned names do: whether
    two rows fit is measured where one row's layout put the panels."""
    for axes, mine in zip(panels, numbers, strict=True):
        _number_ticks(axes, mine, rows=1)
    lay_out(figure)
    if apart(figure, panels):
        return 0.0
    for axes, mine in zip(panels, numbers, strict=True):
        _number_ticks(axes, mine, rows=2)
    if short := lacking(figure, panels):
        return short
    lay_out(figure)
    return 0.0


def lacking(figure: Any, panels: list[Any]) -> float:
    """The pixels, whole, that each of the (equally wide) bar ``panels`` lacks for its tick labels on two rows, the
    most any lacks: neighbours on a row are two bars apart, and their centres must be the widest label and
    :data:`LABEL_GAP` apart, so each bar needs half that of its panel's width; 0 where every panel has it."""
    renderer = figure.canvas.get_renderer()
    short = 0.0
    for axes in panels:
        labels = [label for label in axes.xaxis.get_ticklabels(which="both") if label.get_text()]
        widest = max((_flat(figure, label).get_window_extent(renderer).width for label in labels), default=0.0)
        (left, _), (right, _) = axes.transData.transform([(0, 0), (1, 0)])  # one bar's pixels
        width = axes.get_window_extent(renderer).width
        short = max(short, width * ((widest + LABEL_GAP) / 2 / (right - left) - 1))
    return float(math.ceil(short)) if short > 0 else 0.0


def _number_ticks(axes: Any, numbers: list[int], rows: int) -> None:
    """``axes``' tick labels: every bar's number, on ``rows`` rows (1 or 2), the second row's ticks reaching down one
    label's height more."""
    from matplotlib import rcParams

    upper, lower = list(range(0, len(numbers), rows)), list(range(1, len(numbers), 2)) if rows == 2 else []
    axes.set_xticks(upper, [str(numbers[x]) for x in upper], rotation=0, ha="center", fontsize=BAR_LABEL_FONT)
    axes.set_xticks(lower, [str(numbers[x]) for x in lower], minor=True, rotation=0, ha="center",
                    fontsize=BAR_LABEL_FONT)  # fmt: skip
    down = rcParams["xtick.major.size"] + rcParams["xtick.major.pad"] + 1.2 * BAR_LABEL_FONT
    axes.tick_params(axis="x", which="minor", length=down, width=rcParams["xtick.major.width"])
