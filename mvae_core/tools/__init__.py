"""Musician's tools over a trained run: encode MIDI, interpolate, bend, latent map, training curves, ONNX export.

One module per tool, each a few plain functions that print nothing; :mod:`mvae_core.cli_tools` wraps them as
``mvae`` commands. Bad input raises :class:`ToolError` (CLI exit code 2) with a one-line message. This package
module imports neither torch nor matplotlib (the CLI imports it at start-up).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mvae_core.errors import InputError, blocked_message, file_in_the_way


class ToolError(InputError):
    """Bad input to a tool (a wrong latent point, a file without loops, an existing output, …); CLI exit code 2."""


def require_extra(extra: str, *modules: str) -> None:
    """Raise :class:`ToolError` naming ``pip install 'mvae[<extra>]'`` when any of ``modules`` is not installed."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise ToolError(f"{', '.join(missing)} not installed; install it with: pip install 'mvae[{extra}]'")


def picture_path(out: Path, option: str = "--out") -> Path:
    """Where a figure named ``out`` is written: as given, or with ``.png`` when the name has no suffix. Raises
    :class:`ToolError` naming ``option`` (the command's option that gave ``out``) for a path without a file name
    (``""``, ``.``, ``..``) or a suffix matplotlib cannot write (it picks the format by the suffix), and for a file
    where a folder of the path must be. Needs matplotlib."""
    if out.name in ("", ".."):  # Path("") is Path("."): with_suffix would raise a bare ValueError
        raise ToolError(f"{option} {str(out)!r} names a folder, not a picture; give a file name such as picture.png")
    require_extra("plot", "matplotlib")
    from matplotlib.figure import Figure

    out = out if out.suffix else out.with_suffix(".png")
    if out.suffix[1:].lower() not in Figure().canvas.get_supported_filetypes():
        raise ToolError(
            f"{option} {out}: matplotlib cannot write {out.suffix} pictures; name a .png, .svg or .pdf file"
        )
    if blocker := file_in_the_way(out):  # said now, not after the drawing (or the preview's table)
        raise ToolError(blocked_message(blocker, out))
    return out
