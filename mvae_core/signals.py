"""SIGINT, SIGTERM and SIGHUP during ``mvae train`` (and ``mvae ablate``, and while ``mvae serve`` waits): stop at a
safe point instead of dying mid-write.

:class:`Interrupts` is a context manager that catches these signals (:data:`HANDLED`) while a command runs. At first a
signal raises :class:`KeyboardInterrupt`, so that reading data stops at once. After :meth:`Interrupts.defer` (the
training phase) a signal is only recorded: the training loop polls :meth:`Interrupts.requested` after every
optimiser step, saves a checkpoint and stops. Further signals while deferred are ignored (under ``torchrun`` a
worker gets Ctrl-C twice, from the terminal and forwarded by the agent); SIGKILL still stops at once. The first
signal decides the exit code, ``128 + signum`` (:class:`~mvae_core.errors.RunInterrupted`): 130 for SIGINT, 143 for
SIGTERM, 129 for SIGHUP (the terminal window closed, an ssh session dropped: unhandled, it ends the process on the
spot, losing the epoch in progress, and on macOS, where no Linux death signal guards them, leaves the workers of
``mvae ablate`` training unseen). A process started with SIGHUP ignored (``nohup``) keeps ignoring it: it is meant to
outlive its terminal.

Handlers can be installed only in the main thread; elsewhere the context does nothing and the default
behaviour (KeyboardInterrupt on SIGINT, termination on SIGTERM) stays.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

HANGUP: signal.Signals | None = getattr(signal, "SIGHUP", None)  # POSIX only
HANDLED = (signal.SIGINT, signal.SIGTERM, *((HANGUP,) if HANGUP is not None else ()))
"""The signals :class:`Interrupts` catches (SIGHUP where the platform has it)."""


class Interrupts:
    """Records the first signal of :data:`HANDLED`; raises :class:`KeyboardInterrupt` for it until :meth:`defer` is
    called."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._deferred = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handle) for s in HANDLED if not _kept_ignored(s)}
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        if not self._deferred:
            raise KeyboardInterrupt

    def defer(self) -> None:
        """From now on a signal is only recorded, for the caller to act on at its next safe point."""
        self._deferred = True

    def requested(self) -> bool:
        return self.signum is not None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum or signal.SIGINT).name


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Hold the signals of :data:`HANDLED` during the block: each one that came is raised again as the block ends, to
    the handler in place before it (an :class:`Interrupts`' or Python's). For a step that must not be cut in two, such
    as starting a child process and recording it where a Ctrl-C's handling finds it to stop it. Outside the main
    thread the block runs as it is (handlers can be installed only there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _: came.append(signum)) for s in HANDLED if not _kept_ignored(s)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(came):
            signal.raise_signal(signum)


def _kept_ignored(signum: int) -> bool:
    """Whether ``signum`` is SIGHUP and ignored now (``nohup``): then :class:`Interrupts` leaves it so."""
    return signum == HANGUP and signal.getsignal(signum) is signal.SIG_IGN


class Terminated(KeyboardInterrupt):
    """SIGTERM where no :class:`Interrupts` handles it (while ``mvae`` starts, or in a command that has nothing to
    save): it stops the command as Ctrl-C does, with one ``stopped:`` line and exit code 143, instead of ending the
    process without a word."""

    signum = signal.SIGTERM


def raise_terminated(signum: int, frame: FrameType | None) -> None:
    """The ``mvae`` command's SIGTERM handler until a command installs its own (:class:`Interrupts`)."""
    raise Terminated


def ignore_signals() -> None:
    """Ignore the signals of :data:`HANDLED` from now on: for a process that only exits now, its command ended and its
    exit code decided (the ``mvae`` command, :func:`mvae_core.entry.main`). A signal then has nothing left to stop,
    and a handler of Python's (a KeyboardInterrupt, :func:`raise_terminated`) would raise inside the interpreter's
    exit hooks, printing a traceback and leaving a hook half done (``concurrent.futures``' one waits for worker
    processes); a Python handler is also reset to the default at the interpreter's very end, where SIGTERM would end
    the process with no exit code of mvae's, while an ignored signal stays ignored. SIGKILL still ends it."""
    if threading.current_thread() is threading.main_thread():
        for signum in HANDLED:
            signal.signal(signum, signal.SIG_IGN)


def signal_of(stop: KeyboardInterrupt) -> signal.Signals:
    """The signal behind ``stop``: SIGTERM for :class:`Terminated`, else SIGINT (Ctrl-C)."""
    return signal.Signals(getattr(stop, "signum", signal.SIGINT))


def interruption(signum: int) -> str:
    """How a ``stopped:`` line names a stop by ``signum``: ``interrupted`` (Ctrl-C), ``terminated (SIGTERM)``."""
    return "interrupted" if signum == signal.SIGINT else f"terminated ({signal.Signals(signum).name})"
