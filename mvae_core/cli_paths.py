"""How the command line reads a path: as written, refusing an empty one; and when it may replace a file.

``Path("")`` is ``Path(".")``: without this parser, ``mvae train --out ''`` (an unset shell variable,
``--out "$DIR"``) trained into the current folder and ``mvae export --onnx ''`` answered about a file named ``.``.
Every path a command takes goes through :func:`given_path`; a blank one is a usage error naming the option.
The commands that write a musician's loops (``generate``, with its WAV files, and ``interpolate``) replace no file
that is there unless given :data:`OVERWRITE_OPTION` (:func:`mvae_core.api.refuse_overwriting`, the rule of
``Generated.write`` too, in a command's words: :func:`mvae_core.outputs.write_loops`).
"""

from __future__ import annotations

from pathlib import Path

import typer

from mvae_core.errors import option_flag

EMPTY_PATH = "is an empty path: give a file or folder name (an unset shell variable expands to nothing)"
"""Why a blank path is refused; click prefixes ``Invalid value for '<option>':``."""


def given_path(text: str) -> Path:
    """``text`` as a :class:`Path`; :class:`typer.BadParameter` (exit 2, naming the option) when it is empty or
    only spaces. The ``parser=`` of every path option and argument of ``mvae``."""
    if isinstance(text, Path):  # a default, already a path
        return text
    if not text.strip():
        raise typer.BadParameter(EMPTY_PATH)
    return Path(text)


OVERWRITE_OPTION = option_flag("overwrite")
"""The option with which ``mvae generate``, ``mvae interpolate`` and ``mvae export`` replace files that are already
there."""
OVERWRITE_HELP = "Replace files of the same names that are already there (default: refuse, write nothing, exit 2)."
"""The help of :data:`OVERWRITE_OPTION`, the same in every command that takes it."""
