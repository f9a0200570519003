"""`mvae ablate --executor ray --address HOST:PORT` where something other than a Ray head answers: it exits 2 within
seconds, saying what answered and which port to give. It used to check only that something accepted a TCP
connection, at the address as typed, and then `ray.init` retried the GCS handshake without end (10+ minutes with an
HTTP server there, printing Ray's `Failed to connect to GCS` every few seconds), since Ray dials this machine's own
address for a loopback host: a server on 127.0.0.1 alone passed the check and was not what Ray dialled. The check
now greets what Ray will dial as an HTTP/2 client does and wants the SETTINGS frame a gRPC server (a head's GCS)
sends back; tests/test_ablate_ray_cluster.py joins a real head with it."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mvae_core.ablation import ray_executor
from mvae_core.ablation.ray_executor import RayUnavailable, _check_reachable

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")

NOT_A_HEAD = "something answers there, but not as a Ray cluster's head does"
RIGHT_PORT = (
    "give the port of the head's `ray start --head --port` (6379 by default; the dashboard's 8265 and Ray Client's "
    "10001 are other ports)"
)


@contextmanager
def _http_server(host: str) -> Iterator[int]:
    """An HTTP server (no Ray) on ``host`` at a port of its own choosing, for the block; its port."""
    server = ThreadingHTTPServer((host, 0), SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _listener(answer: bytes | None) -> Iterator[int]:
    """A TCP server on every address that sends ``answer`` to each connection after reading its first bytes
    (``None``: says nothing and keeps the connection open), for the block; its port."""
    server = socket.create_server(("", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed: the block ended
                return
            held.append(connection)
            if answer is not None:
                connection.recv(64)
                connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        server.close()
        for connection in held:
            connection.close()


def test_an_http_server_there_is_refused_saying_what_answered():
    with _http_server("") as port:
        started = time.monotonic()
        with pytest.raises(RayUnavailable) as refused:
            _check_reachable(f"127.0.0.1:{port}")
    said = str(refused.value)
    assert f"127.0.0.1:{port}: {NOT_A_HEAD} (it answered '<!DOCTYPE HTML>'); {RIGHT_PORT}" in said, said
    assert time.monotonic() - started < ray_executor.CONNECT_SECONDS


def test_a_server_that_says_nothing_is_refused_after_the_wait(monkeypatch):
    monkeypatch.setattr(ray_executor, "CONNECT_SECONDS", 1)
    with _listener(None) as port, pytest.raises(RayUnavailable) as refused:
        _check_reachable(f"127.0.0.1:{port}")
    assert f"{NOT_A_HEAD} (it accepted a connection but said nothing within 1 s)" in str(refused.value)


def test_a_ray_client_address_with_something_else_there_names_the_ray_client_port():
    with _listener(b"-ERR unknown command 'PRI'\r\n") as port, pytest.raises(RayUnavailable) as refused:
        _check_reachable(f"ray://127.0.0.1:{port}")
    assert str(refused.value).endswith(
        "something answers there, but not as a Ray Client server does (it answered \"-ERR unknown command 'PRI'\"); "
        "give the head's Ray Client port, ray://HEAD:10001 (its `--ray-client-server-port`)"
    )


def test_a_server_that_answers_with_an_http2_settings_frame_passes():
    """What a gRPC server sends first (a real head's GCS answered ``\\x00\\x00\\x18\\x04…``, measured)."""
    with _listener(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00") as port:
        _check_reachable(f"127.0.0.1:{port}")


def test_a_loopback_address_is_checked_where_ray_dials_it():
    """A server on 127.0.0.1 alone (an SSH tunnel) is not what Ray reaches for ``127.0.0.1:PORT``."""
    dialled = ray_executor._dialled_host("127.0.0.1")
    if dialled == "127.0.0.1":
        pytest.skip("Ray dials 127.0.0.1 itself on this machine (no other address)")
    with _http_server("127.0.0.1") as port, pytest.raises(RayUnavailable) as refused:
        _check_reachable(f"127.0.0.1:{port}")
    assert str(refused.value).endswith(
        f"no Ray cluster answers there (Connection refused); start one on that machine with `ray start --head --port "
        f"{port}`, or check the host and port (for 127.0.0.1 Ray dials this machine's address, {dialled}:{port}: a "
        "program listening on 127.0.0.1 alone, such as an SSH tunnel, is not reached)"
    )


def test_the_command_exits_2_within_seconds_and_writes_nothing(synth_dir, tmp_path):
    """The command as a user runs it; it used to hang in ``ray.init`` (the timeout ends it)."""
    out = tmp_path / "abl"
    with _http_server("") as port:
        started = time.monotonic()
        ran = subprocess.run(
            [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--seeds", "1", "--epochs", "1",
             "--executor", "ray", "--address", f"127.0.0.1:{port}", "--out", str(out)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    said = " ".join(ran.stderr.split())
    assert ran.returncode == 2, said
    assert f"error: --address 127.0.0.1:{port}: {NOT_A_HEAD} (it answered '<!DOCTYPE HTML>'); {RIGHT_PORT}" in said
    assert time.monotonic() - started < 60 and "Traceback" not in said and "GCS" not in said
    assert not out.exists()
