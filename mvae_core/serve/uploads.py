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
import os
import signal
import threading
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import numpy as np
import torch

from mvae_core.config import MvaeConfig
from mvae_core.data.load import end_workers
from mvae_core.errors import MvaeError
from mvae_core.tools.encode import FileLoops, file_loops

READ_SECONDS = 60.0
"""The longest an upload is read for (a 2 MiB file takes seconds); past it, or when the process ended meanwhile (the
machine out of memory killed it), the process is ended and the next upload starts a new one."""
READER_MODULE = "mvae_core.tools.encode"
"""What the fork server imports once (torch with it), so that each process forked from it starts in milliseconds."""


class UploadReadFailed(MvaeError):
    """The worker process did not read an upload within :data:`READ_SECONDS` (or ended while reading it)."""


def _start_worker() -> None:
    """The worker's initializer: it ignores Ctrl-C (which reaches the whole process group: the server, not the worker,
    stops), and ends when the server's process does, even killed (:func:`_end_with_the_server`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with_the_server, name="mvae-upload-orphan-guard", daemon=True).start()


def _end_with_the_server() -> None:
    """Wait for the server's process to end, then end this worker: a ``ProcessPoolExecutor``'s worker otherwise waits
    for work for ever, and holds the fork server alive with it."""
    server = multiprocessing.parent_process()  # the process that started this one, also through the fork server
    if server is not None:
        wait([server.sentinel])
        os._exit(1)


def _read_loops(path: Path, cfg: MvaeConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """In the worker: the loops of the MIDI file ``path``, their note counts and their tempos (numpy: no torch tensor
    crosses)."""
    loops = file_loops(path, cfg)
    return loops.dense.numpy(), np.asarray(loops.notes), np.asarray(loops.bpm)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([READER_MODULE])
    return context


class UploadReader:
    """Reads uploaded MIDI files in one worker process, started at the first :meth:`loops`; :meth:`close` ends it.

    The worker is a :class:`~concurrent.futures.ProcessPoolExecutor`'s: one that ends while reading (the machine out
    of memory killed it) fails the read at once. (A ``multiprocessing.Pool`` replaced it in silence and left the read
    waiting out :attr:`timeout`, 60 s, and the uploads and WAV downloads queued behind it.)"""

    def __init__(self, timeout: float = READ_SECONDS) -> None:
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether the worker process is started (at the first upload; :meth:`close` ends it)."""
        return self._executor is not None

    def loops(self, path: Path, cfg: MvaeConfig) -> FileLoops:
        """:func:`~mvae_core.tools.encode.file_loops` of ``path`` (dense, notes, bpm), read in the worker: its
        :class:`~mvae_core.tools.ToolError` (not a MIDI file, no loop) is raised here as it was there;
        :class:`UploadReadFailed` when the worker took over :attr:`timeout` seconds, or ended (or :meth:`close` ended
        it) while reading, or before it read a file queued behind another; the worker is then ended, and the next
        upload starts a new one."""
        executor, pending = self._submit(path, cfg)
        try:
            x, notes, bpm = pending.result(self.timeout)
        except FutureTimeout:
            self._end(executor)
            raise UploadReadFailed(
                f"the process that reads uploads did not finish within {self.timeout:g} s; it was ended: send the file "
                "again, or a smaller one"
            ) from None
        except CancelledError:  # queued behind a read whose worker was ended (Engine.encode from several threads)
            raise UploadReadFailed(
                "the process that reads uploads was ended before it read this file (a read before it failed); send "
                "the file again"
            ) from None
        except BrokenProcessPool:
            self._end(executor)
            raise UploadReadFailed(
                "the process that reads uploads ended while it read the file (the machine out of memory?, or the "
                "server stopping); send the file again, or a smaller one"
            ) from None
        return FileLoops(torch.from_numpy(x), notes, bpm)

    def _submit(self, path: Path, cfg: MvaeConfig) -> tuple[ProcessPoolExecutor, Future[Any]]:
        """The read of ``path`` handed to the worker (started here when there is none, or when the last one ended
        while idle), and the worker's executor."""
        with self._lock:
            if self._executor is not None:
                try:
                    return self._executor, self._executor.submit(_read_loops, path, cfg)
                except BrokenProcessPool:  # its worker ended between two uploads
                    end_workers(self._executor)
            self._executor = ProcessPoolExecutor(1, mp_context=_context(), initializer=_start_worker)
            return self._executor, self._executor.submit(_read_loops, path, cfg)

    def _end(self, executor: ProcessPoolExecutor) -> None:
        """End ``executor``'s worker, unless another thread already did (and maybe started a new one)."""
        with self._lock:
            if self._executor is not executor:
                return
            self._executor = None
        end_workers(executor)

    def close(self) -> None:
        """End the worker process now; a file being read is dropped (its :meth:`loops` raises
        :class:`UploadReadFailed` at once). The next :meth:`loops` starts a new one."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            end_workers(executor)
