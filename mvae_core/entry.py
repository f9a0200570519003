"""The ``mvae`` command's entry point (``[project.scripts]``): Ctrl-C or SIGTERM that reaches it (while Python imports
the command line, or while typer builds it from the commands' signatures: the first second or two) ends like a stop
later, with one ``stopped:`` line and exit code 130 (143 for SIGTERM), instead of a KeyboardInterrupt traceback or
a silent end. The commands handle both signals themselves once they run (a training run checkpoints first). Once
the command has ended, those signals (SIGHUP too) are ignored while the process exits
(:func:`~mvae_core.signals.ignore_signals`). It imports nothing heavy itself."""

from __future__ import annotations

import signal
import sys
from typing import NoReturn

from mvae_core.errors import RunInterrupted
from mvae_core.signals import ignore_signals, interruption, raise_terminated, signal_of


def main() -> None:
    signal.signal(signal.SIGTERM, raise_terminated)  # until a command installs its own handler
    try:
        try:
            from mvae_core.cli import main as command_line
        except KeyboardInterrupt as stop:
            _stopped("while mvae was starting; nothing was done", signal_of(stop))
        try:
            command_line()
        except KeyboardInterrupt as stop:
            _stopped("", signal_of(stop))
    finally:
        ignore_signals()  # the command has ended, and said how: the process only exits now


def _stopped(when: str, signum: signal.Signals) -> NoReturn:
    """Say ``stopped: interrupted`` (``terminated (SIGTERM)`` for SIGTERM) ``when``, and exit with its code."""
    ignore_signals()  # a second Ctrl-C while this is said has nothing more to stop
    stopped = RunInterrupted(" ".join(filter(None, [interruption(signum), when])), signum)
    sys.stderr.write(f"{stopped.label}: {stopped}\n")
    raise SystemExit(stopped.exit_code) from None
