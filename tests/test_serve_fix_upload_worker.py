"""The upload worker (mvae_core.serve.uploads) failing at once: a worker that ended while reading (the OOM killer) left
the read waiting out the full 60 s, and the uploads and WAV downloads queued behind it (a ``multiprocessing.Pool``
replaces a dead worker in silence); and a server stopped during an upload's read waited for the read, then warned that
the HTTP server had not stopped."""

from __future__ import annotations

import logging
import os
import signal
import struct
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mvae_core.serve.engine import Engine
from mvae_core.serve.server import LiveServer
from mvae_core.serve.uploads import UploadReader, UploadReadFailed

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kills the worker with SIGKILL (POSIX)")
READ_UNDER_WAY_S = 0.3  # after the read is handed to a warm worker: it has started, and takes seconds more


def dense_midi(notes: int) -> bytes:
    """A type-0 MIDI file of ``notes`` short notes, four at a time (about 25 µs of the worker's reading each)."""
    events = bytearray()
    for i in range(notes):
        pitch = 40 + (i * 7) % 48
        events += bytes([60 if i % 4 == 0 else 0, 0x90, pitch, 90, 0, 0x90, pitch, 0])
    events += b"\x00\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(events)) + events


@pytest.fixture(scope="module")
def solo(synth_dir) -> Path:
    return sorted(Path(synth_dir).glob("*.mid"))[0]


@pytest.fixture(scope="module")
def slow_file(tmp_path_factory) -> Path:
    """A file that takes the worker seconds to read (1.6 MB, under the upload limit)."""
    path = tmp_path_factory.mktemp("dense") / "dense.mid"
    path.write_bytes(dense_midi(200_000))
    return path


def _worker_pid(reader: UploadReader) -> int:
    """The upload worker's process id, as the worker itself tells it (a scan of /proc for this process's grandchildren
    also found other tests' workers when the suite runs in parallel processes)."""
    return reader._executor.submit(os.getpid).result(timeout=20)


def test_a_worker_killed_while_reading_fails_the_read_at_once_and_the_next_upload_is_read(tiny_run, solo, slow_file):
    cfg = Engine(tiny_run, uploads=False).config
    reader = UploadReader(timeout=20)
    try:
        reader.loops(solo, cfg)  # the worker is up
        killer = threading.Timer(READ_UNDER_WAY_S, os.kill, (_worker_pid(reader), signal.SIGKILL))  # the OOM killer
        killer.start()
        started = time.monotonic()
        with pytest.raises(UploadReadFailed, match=r"ended while it read the file \(the machine out of memory\?"):
            reader.loops(slow_file, cfg)
        assert time.monotonic() - started < READ_UNDER_WAY_S + 2  # not the 20 s of the timeout
        assert not reader.running
        x = reader.loops(solo, cfg).dense  # a new worker
        assert len(x)
    finally:
        reader.close()


def test_a_worker_that_ended_between_uploads_is_replaced_for_the_next(tiny_run, solo):
    cfg = Engine(tiny_run, uploads=False).config
    reader = UploadReader(timeout=20)
    try:
        reader.loops(solo, cfg)
        os.kill(_worker_pid(reader), signal.SIGKILL)
        time.sleep(0.2)  # the executor has seen it end
        x = reader.loops(solo, cfg).dense
        assert len(x)
    finally:
        reader.close()


def test_closing_the_reader_fails_a_read_under_way_at_once(tiny_run, solo, slow_file):
    cfg = Engine(tiny_run, uploads=False).config
    reader = UploadReader(timeout=20)
    try:
        reader.loops(solo, cfg)
        closer = threading.Timer(READ_UNDER_WAY_S, reader.close)
        closer.start()
        started = time.monotonic()
        with pytest.raises(UploadReadFailed, match="ended while it read the file"):
            reader.loops(slow_file, cfg)
        assert time.monotonic() - started < READ_UNDER_WAY_S + 2
        closer.join()
        assert not reader.running
    finally:
        reader.close()


def test_a_server_stopped_during_an_upload_stops_at_once_without_a_warning(tiny_run, solo, slow_file, caplog):
    server = LiveServer(tiny_run, port=0).start()
    try:
        server.engine.encode(solo.read_bytes())  # the worker is up
        answers: list[int] = []

        def upload() -> None:
            request = urllib.request.Request(f"{server.url}api/encode", data=slow_file.read_bytes(), method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answers.append(response.status)
            except urllib.error.HTTPError as exc:
                answers.append(exc.code)
            except (urllib.error.URLError, ConnectionError):  # hung up on: no answer
                answers.append(0)

        client = threading.Thread(target=upload)
        client.start()
        time.sleep(READ_UNDER_WAY_S + 0.5)  # the body sent, the worker reading it
        assert server.engine._reader.running
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            server.stop()
        stopped_in = time.monotonic() - started
        client.join(10)
    finally:
        server.stop()
    assert stopped_in < 1.5  # the read took seconds more; the HTTP server waited a 1 s grace, then 5 s
    assert "had not stopped" not in caplog.text
    assert answers in ([503], [0])


def test_reads_queued_behind_one_that_times_out_fail_as_it_does(tiny_run, solo, slow_file):
    """Reads waiting behind one that runs out of time (Engine.encode from several threads): the worker's end
    cancelled them, and a cancelled read raised ``CancelledError``, which no handler of the server answers (a 500),
    where the read that timed out got its 503."""
    cfg = Engine(tiny_run, uploads=False).config
    reader = UploadReader(timeout=1.0)
    outcomes: dict[str, BaseException | None] = {}

    def read(name: str, path: Path) -> None:
        try:
            reader.loops(path, cfg)
            outcomes[name] = None
        except BaseException as exc:  # what each read raised, whatever it is
            outcomes[name] = exc

    try:
        reader.loops(solo, cfg)
        slow = threading.Thread(target=read, args=("slow", slow_file))
        slow.start()
        time.sleep(READ_UNDER_WAY_S)
        queued = [threading.Thread(target=read, args=(f"queued {i}", solo)) for i in range(3)]
        for thread in queued:
            thread.start()
        for thread in [slow, *queued]:
            thread.join(30)
        assert isinstance(outcomes["slow"], UploadReadFailed), outcomes
        assert all(outcome is None or isinstance(outcome, UploadReadFailed) for outcome in outcomes.values()), outcomes
    finally:
        reader.close()
