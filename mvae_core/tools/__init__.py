"""Musician's tools over a trained run: encode MIDI, interpolate, bend, latent map, training curves, ONNX export.

One module per tool, each a few plain functions that print nothing; :mod:`mvae_core.cli_tools` wraps them as
``mvae`` commands. Bad input raises :class:`ToolError` (CLI exit code 2) with a one-line message. This package
module imports neither torch nor matplotlib (the CLI imports it at start-up).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mvae_core.errors import InputError, blocked_message, file_in_the_way


class ToolError(InputError):
    """Bad input to a tool (a wrong latent point, a file without loops, an existing output, …); CLI exit code 2."""


class MissingGlyphs(UserWarning):
    """A picture's text holds characters that its font cannot draw (a run folder named in Japanese): they are drawn
    as empty boxes. ``mvae map`` and ``mvae plot`` print it as one ``warning:`` line."""


_MISSING_GLYPH = re.compile(r"Glyph (\d+) \(.*\) missing from font\(s\) (.+)\.$")
"""matplotlib's warning for one character its font lacks, given once per character each time text is drawn."""


@contextmanager
def missing_glyphs_said(out: Path) -> Iterator[None]:
    """Inside the block (drawing and saving the picture ``out``), matplotlib's warnings about characters its font
    lacks (one per character and drawing, each with a line of mvae's source) become one :class:`MissingGlyphs`
    naming the characters and the font; other warnings pass as they were."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    lacking, fonts = [], ""
    for warning in caught:
        if found := _MISSING_GLYPH.match(str(warning.message)):
            lacking.append(chr(int(found.group(1))))
            fonts = found.group(2)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if lacking:
        drawn = ", ".join(dict.fromkeys(lacking))
        warnings.warn(
            MissingGlyphs(f"{out}: its font ({fonts}) has no glyph for {drawn}, which are drawn as empty boxes"),
            stacklevel=3,
        )


def install_command(requirement: str) -> str:
    """The command that installs ``requirement`` (``mvae[onnx]``, ``onnxruntime``) into the Python running mvae:
    ``PYTHON -m pip install REQUIREMENT``, PYTHON being :data:`sys.executable` (relative to the working directory
    when under it, e.g. ``.venv/bin/python3``), each quoted for the shell. That pip sees the installed mvae (also a
    checkout's editable install, which no index has), so ``mvae[onnx]`` adds only the extra's packages; a bare
    ``pip`` is whichever is first on the PATH, outside the ``.venv`` that ``make demo`` builds unless it is
    activated, and asks an index for a package named mvae."""
    if not sys.executable:  # an embedded Python: no interpreter to name
        return f"pip install {shlex.quote(requirement)}"
    python = sys.executable
    try:
        if Path(python).is_relative_to(Path.cwd()):
            python = os.path.relpath(python)
            if os.sep not in python:  # a bare python3 would be looked up on the PATH
                python = os.path.join(os.curdir, python)
    except OSError:  # the working directory is gone: the absolute path still runs
        pass
    return f"{shlex.quote(python)} -m pip install {shlex.quote(requirement)}"


def install_advice(extra: str) -> str:
    """What to install for ``extra`` and how, for a message after "install": ``the '<extra>' extra:
    <install_command>`` (``.venv/bin/python3 -m pip install 'mvae[<extra>]'``)."""
    return f"the '{extra}' extra: {install_command(f'mvae[{extra}]')}"


def require_extra(extra: str, *modules: str) -> None:
    """Raise :class:`ToolError` naming :func:`install_advice` when any of ``modules`` is not installed."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise ToolError(f"{', '.join(missing)} not installed; install {install_advice(extra)}")


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
