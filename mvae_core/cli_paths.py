"""How the command line reads a path: as written, refusing an empty one.

``Path("")`` is ``Path(".")``: without this parser, ``mvae train --out ''`` (an unset shell variable,
``--out "$DIR"``) trained into the current folder and ``mvae export --onnx ''`` answered about a file named ``.``.
Every path a command takes goes through :func:`given_path`; a blank one is a usage error naming the option.
"""

from __future__ import annotations

from pathlib import Path

import typer

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
