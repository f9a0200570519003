"""One training process per run directory: :meth:`RunLock.training_lock` (an advisory ``flock`` on ``.lock``) and
:meth:`RunLock.is_training`, the probe of it that creates nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator

from mvae_core.errors import RunBusy
from mvae_core.run_files import LOCK
from mvae_core.run_steps import RunSteps

_LOCK_WAIT_S = 0.25
"""How long :meth:`RunDir.training_lock` retries a lock held by someone else before it calls the run busy: a
trainer holds it for the whole run, :meth:`RunDir.is_training` for microseconds."""


def _take_exclusive(fd: int) -> bool:
    """Take the exclusive ``flock`` on ``fd``, retrying for :data:`_LOCK_WAIT_S`; False: someone else holds it."""
    deadline = time.monotonic() + _LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)


class RunLock(RunSteps):
    """The part of :class:`~mvae_core.run.RunDir` that holds and probes the run's lock."""

    @contextlib.contextmanager
    def training_lock(self) -> Iterator[None]:
        """Hold the run's lock while this process trains it.

        :raises RunBusy: another process holds it (a second ``mvae train --resume`` of a run still training, or two
            new runs started into one directory); nothing of the run has been touched. The lock is an advisory
            ``flock`` on ``.lock``, released when the process exits however it exits, so a killed run never leaves
            its directory locked. A directory this call creates is removed again if nothing but the lock file is in
            it at the end (a new run that failed before writing anything leaves nothing behind).
        """
        created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        lock = self.path / LOCK
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)  # less the umask, as every run file
        try:
            if not _take_exclusive(fd):
                raise self.said_both_ways(
                    RunBusy,
                    lambda steps: (
                        f"{self.path} is being trained by another process; wait for it to finish, or stop "
                        f"it (Ctrl-C checkpoints it) and then continue with {steps.resume}"
                    ),
                )
            try:
                yield
            finally:
                if created and [p.name for p in self.path.iterdir()] == [LOCK]:
                    lock.unlink()
                    self.path.rmdir()
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def is_training(self) -> bool:
        """A process trains the run now: it holds the run's lock (:meth:`training_lock`). Creates nothing. The
        shared lock this takes for a moment does not make a training that starts meanwhile fail
        (:func:`_take_exclusive` waits it out)."""
        try:
            fd = os.open(self.path / LOCK, os.O_RDONLY)
        except OSError:  # no lock file: nothing ever trained here, or not a folder
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # releases the shared lock this call may have taken
        return False
