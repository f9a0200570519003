"""`mvae serve` leaves the objects alive when it starts serving (the model, torch, the libraries) out of the garbage
collector's full collections while it serves: scanning them took 100–250 ms with the GIL held, a stall of every
thread in which MIDI out dropped notes while a guest's upload was read."""

from __future__ import annotations

import gc
import os
import signal

import pytest

from mvae_core.errors import RunInterrupted
from mvae_core.serve.server import LiveServer


def test_serving_freezes_the_model_out_of_full_collections(tiny_run):
    server = LiveServer(tiny_run, port=0)
    seen: dict[str, bool] = {}

    def ready() -> None:
        tracked = gc.get_objects()  # every generation the collector scans, not the frozen one
        seen["engine scanned"] = any(o is server.engine for o in tracked)
        seen["model scanned"] = any(o is server.engine.run.model for o in tracked)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: serve_forever stops the server

    try:
        with pytest.raises(RunInterrupted):
            server.serve_forever(ready)
        assert seen == {"engine scanned": False, "model scanned": False}
        assert any(o is server.engine for o in gc.get_objects())  # stopped: collected as before
    finally:
        gc.unfreeze()  # whatever failed: the test process's objects are collected again
