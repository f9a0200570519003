"""Uploads read in a worker process (mvae_core.serve.uploads): a guest's upload parsed in the server's process slowed
the performer's OSC answers from p99 4-8 ms to 25-40 ms (docs/live.md, Protecting a show). The worker starts at the
first upload, a stuck or dead one is replaced, and the server ends it as it stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.serve.engine import Engine, RequestError
from mvae_core.serve.server import LiveServer
from mvae_core.serve.uploads import UploadReader, UploadReadFailed
from mvae_core.tools.encode import file_loops


@pytest.fixture(scope="module")
def solo(synth_dir) -> Path:
    return sorted(Path(synth_dir).glob("*.mid"))[0]


def test_the_worker_reads_what_the_server_read_and_is_replaced_after_a_timeout(tiny_run, solo):
    cfg = Engine(tiny_run, uploads=False).config
    reader = UploadReader(timeout=0.001)  # no read is that quick: the worker is given up on
    with pytest.raises(UploadReadFailed, match=r"did not finish within 0\.001 s"):
        reader.loops(solo, cfg)
    assert not reader.running  # ended; the next upload starts another
    reader.timeout = 60
    read, here = reader.loops(solo, cfg), file_loops(solo, cfg)
    assert read.dense.equal(here.dense) and list(read.notes) == list(here.notes) and list(read.bpm) == list(here.bpm)
    reader.close()
    assert not reader.running


def test_a_file_without_loops_is_refused_as_before(tiny_run):
    engine = Engine(tiny_run)
    try:
        with pytest.raises(RequestError, match=r"^take\.mid: no loop to encode"):
            engine.encode(b"MThd\x00\x00\x00\x06\x00\x01\x00\x00\x01\xe0", "take.mid")
    finally:
        engine.close()


def test_the_server_ends_the_worker_as_it_stops(tiny_run, solo):
    with LiveServer(tiny_run, port=0) as server:
        assert server.engine.encode(solo.read_bytes())
        reader = server.engine._reader
        assert reader is not None and reader.running
    assert not reader.running
