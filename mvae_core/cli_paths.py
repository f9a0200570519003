"""How the command line reads a path: as written, refusing an empty one; and when it may replace a file.

``Path("")`` is ``Path(".")``: without this parser, ``mvae train --out ''`` (an unset shell variable,
``--out "$DIR"``) trained into the current folder and ``mvae export --onnx ''`` answered about a file named ``.``.
Every path a command takes goes through :func:`given_path`; a blank one is a usage error naming the option.
The commands that write a musician's loops (``generate``, with its WAV files, and ``interpolate``) replace no file
that is there unless given :data:`OVERWRITE_OPTION` (:func:`files_already_there`, :func:`overwrite_refusal`).
"""

from __future__ import annotations

from pathlib import Path

import typer

from mvae_core.wording import listed

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


OVERWRITE_OPTION = "--overwrite"
"""The option with which ``mvae generate`` and ``mvae interpolate`` replace files that are already there."""
OVERWRITE_HELP = "Replace files of the same names that are already there (default: refuse, write nothing, exit 2)."
"""The help of :data:`OVERWRITE_OPTION`, the same in every command that takes it."""


def files_already_there(files: list[Path]) -> list[Path]:
    """The ones of ``files`` that exist: a command that writes a musician's loops refuses to write any file (MIDI or
    WAV) while one of its files is there, unless given :data:`OVERWRITE_OPTION` (the same point decoded with another
    seed, temperature or tempo has the same name: replaced in silence, a loop that was liked was lost, and a WAV
    written before it no longer matched its MIDI file)."""
    return [path for path in files if path.exists()]


def overwrite_refusal(there: list[Path], options: str) -> str:
    """Why a command wrote nothing: ``there`` (:func:`files_already_there`) would have been replaced. ``options``
    names where the files go (``--out``, or ``--out and --audio``), for the fix: another place, or
    :data:`OVERWRITE_OPTION`."""
    verb, them = ("is", "it") if len(there) == 1 else ("are", "them")
    return (
        f"{listed([str(path) for path in there])} {verb} already there, from an earlier command (a folder's loops are "
        f"named by their latent points, whatever the seed, temperature or tempo): nothing was written; to keep {them}, "
        f"give another {options} (a new folder or file name); to replace {them}, add {OVERWRITE_OPTION}"
    )
