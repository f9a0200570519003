"""The ``mvae`` command's entry point (``[project.scripts]``): Ctrl-C that reaches it (while Python imports the command
line, or while typer builds it from the commands' signatures: the first few tenths of a second) ends like Ctrl-C
later, with one ``stopped:`` line and exit code 130, instead of a KeyboardInterrupt traceback. The commands handle
Ctrl-C themselves once they run (a training run checkpoints first). It imports nothing heavy itself."""

from __future__ import annotations

import sys
from typing import NoReturn

from mvae_core.errors import RunInterrupted


def main() -> None:
    try:
        from mvae_core.cli import main as command_line
    except KeyboardInterrupt:
        _stopped("interrupted while mvae was starting; nothing was done")
    try:
        command_line()
    except KeyboardInterrupt:
        _stopped("interrupted")


def _stopped(message: str) -> NoReturn:
    stopped = RunInterrupted(message)
    sys.stderr.write(f"{stopped.label}: {stopped}\n")
    raise SystemExit(stopped.exit_code) from None
