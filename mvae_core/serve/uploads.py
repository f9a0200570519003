"""Uploaded MIDI files read in a worker process, so that a guest's upload does not slow the performer.

Reading a MIDI file (:func:`~mvae_core.tools.encode.file_loops`: mido's parse and the data reader, pure Python) in the
server's process held the interpreter from its other threads for as long as it took: with a second client posting
files in a loop, OSC answers took p99 25-40 ms instead of 4-8 ms (docs/live.md, Protecting a show). :class:`UploadReader`
reads them in a process of its own, started at the first upload, and only the loops come back (numpy arrays: the
model's encoding of them stays in the server, :meth:`~mvae_core.serve.engine.Engine.encode`).

The process is forked from a fork server that has imported the reader once (``forkserver``; ``spawn`` where there is
none, on Windows), never from the server itself, whose threads (uvicorn, OSC, MIDI out) a fork would copy mid-step. It
ignores SIGINT: a Ctrl-C stops ``mvae serve`` as before, which ends the process (:meth:`UploadReader.close`).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mvae_core.config import MvaeConfig
from mvae_core.errors import MvaeError

READ_SECONDS = 60.0
"""The longest an upload is read for (a 2 MiB file takes seconds); past it, or when the process ended meanwhile (the
machine out of memory killed it), the process is ended and the next upload starts a new one."""
READER_MODULE = "mvae_core.tools.encode"
"""What the fork server imports once (torch with it), so that each process forked from it starts in milliseconds."""


class UploadReadFailed(MvaeError):
    """The worker process did not read an upload within :data:`READ_SECONDS` (or ended while reading it)."""


def _ignore_sigint() -> None:
    """The worker's initializer: Ctrl-C reaches the whole process group, and the server, not the worker, stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_loops(path: Path, cfg: MvaeConfig) -> tuple[np.ndarray, np.ndarray]:
    """In the worker: the loops of the MIDI file ``path`` and their note counts (numpy: no torch tensor crosses)."""
    from mvae_core.tools.encode import file_loops

    x, notes = file_loops(path, cfg)
    return x.numpy(), np.asarray(notes)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([READER_MODULE])
    return context


class UploadReader:
    """Reads uploaded MIDI files in one worker process, started at the first :meth:`loops`; :meth:`close` ends it."""

    def __init__(self, timeout: float = READ_SECONDS) -> None:
        self.timeout = timeout
        self._pool: Pool | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether the worker process is started (at the first upload; :meth:`close` ends it)."""
        return self._pool is not None

    def loops(self, path: Path, cfg: MvaeConfig) -> tuple[torch.Tensor, np.ndarray]:
        """:func:`~mvae_core.tools.encode.file_loops` of ``path``, read in the worker: its
        :class:`~mvae_core.tools.ToolError` (not a MIDI file, no loop) is raised here as it was there;
        :class:`UploadReadFailed` when the worker took over :attr:`timeout` seconds or ended."""
        with self._lock:
            if self._pool is None:
                self._pool = _context().Pool(1, initializer=_ignore_sigint)
            pending = self._pool.apply_async(_read_loops, (path, cfg))
        try:
            x, notes = pending.get(self.timeout)
        except multiprocessing.TimeoutError:
            self.close()
            raise UploadReadFailed(
                f"the process that reads uploads did not finish within {self.timeout:g} s (or ended: out of memory?); "
                "it was restarted: send the file again, or a smaller one"
            ) from None
        return torch.from_numpy(x), notes

    def close(self) -> None:
        """End the worker process (a file being read is dropped); the next :meth:`loops` starts a new one."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()
