"""What `mvae serve` answers when a fuzzing review (helper-484) pushed it: the performer's WAV download waits behind
no guest's upload and uploads queue only so far (a 503 with Retry-After beyond), a page let in may call from a public
site (Private Network Access) and a preflight refused for its header is JSON and logged once, a page of a scheme
`--allow-origin` does not take is told an option that exists, a value refused by a knob's range is shown as sent,
and the WebSocket denial carries X-Mvae-Served."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.serve.app import SERVED_HEADER, UPLOAD_RETRY_SECONDS, UPLOADS_AT_ONCE, create_app
from mvae_core.serve.engine import Engine, TrainingPoints
from mvae_core.serve.guard import let_in_message
from mvae_core.serve.osc import OscAnswers, message
from mvae_core.serve.server import CONNECTIONS_PER_CLIENT, LiveServer

ORIGIN = "http://localhost:5500"


@pytest.fixture(scope="module")
def live(tiny_run):
    with LiveServer(tiny_run, port=0) as live:
        yield live


def test_a_wav_download_waits_behind_no_upload_and_uploads_queue_only_so_far(live, monkeypatch):
    """One turn for both: the performer's WAV download waited 41 s behind three guests' 2 MiB uploads, and nothing
    bounded how many could wait. The uploads here are read until the test lets them go."""
    encode, entered, release = live.engine.encode, threading.Event(), threading.Event()

    def held_encode(*args):
        entered.set()
        release.wait(30)
        return encode(*args)

    monkeypatch.setattr(live.engine, "encode", held_encode)

    def upload(_):
        with httpx.Client(base_url=live.url, timeout=60) as http:
            return http.post("/api/encode", content=b"MThd not a file").status_code

    with ThreadPoolExecutor(UPLOADS_AT_ONCE) as pool:
        try:
            first = pool.submit(upload, 0)
            assert entered.wait(10)
            others = [pool.submit(upload, i) for i in range(1, UPLOADS_AT_ONCE)]
            time.sleep(0.5)  # the others wait their turn in the server
            started = time.monotonic()
            with httpx.Client(base_url=live.url, timeout=5) as http:
                wav = http.post("/api/wav", json={"z": [0, 0]})
                assert wav.status_code == 200 and time.monotonic() - started < 5
                refused = http.post("/api/encode", content=b"MThd not a file")
        finally:
            release.set()
        assert [f.result() for f in [first, *others]] == [422] * UPLOADS_AT_ONCE  # read, and no MIDI file
    assert refused.status_code == 503 and refused.headers["Retry-After"] == str(UPLOAD_RETRY_SECONDS)
    assert refused.json()["error"] == (
        f"{UPLOADS_AT_ONCE} uploads are being read or waiting to be, the most this server holds at once; send the file "
        "again in a few seconds"
    )
    with httpx.Client(base_url=live.url, timeout=30) as http:  # once they are done, the next is taken
        assert http.post("/api/encode", content=b"MThd not a file").status_code == 422


def _preflight(app, headers: dict[str, str]) -> httpx.Response:
    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            asked = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", **headers}
            return await http.options("/api/generate", headers=asked)

    return asyncio.run(ask())


@pytest.fixture(scope="module")
def cors_app(tiny_run):
    engine = Engine(tiny_run)
    return create_app(engine, TrainingPoints(engine), allow_origins=[ORIGIN], local_only=True)


def test_a_page_let_in_may_call_from_a_public_site(cors_app):
    """Chromium's Private Network Access asks this of a public site's page (an online editor's sketch) calling this
    machine: it was a plain-text 400, `Disallowed CORS private-network`, --allow-origin or not."""
    answer = _preflight(cors_app, {"Access-Control-Request-Private-Network": "true"})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Private-Network"] == "true"
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_preflight_refused_for_its_header_is_json_and_logged_once(cors_app, caplog):
    """It was a plain-text 400, `Disallowed CORS headers`, and nothing on the console: the sketch failed silently."""
    caplog.set_level(logging.WARNING, logger="mvae_core.serve.app")
    answers = [_preflight(cors_app, {"Access-Control-Request-Headers": "content-type, authorization"}) for _ in "12"]
    said = (
        f"a web page from {ORIGIN} asked to send the header authorization (a CORS preflight); the API takes the "
        "methods GET and POST and the headers Content-Type, X-Filename (docs/live.md)"
    )
    assert [(a.status_code, a.json()) for a in answers] == [(400, {"error": said})] * 2
    assert answers[0].headers["Access-Control-Allow-Origin"] == ORIGIN  # the page's script may read why
    assert [r.getMessage() for r in caplog.records] == [f"warning: {said}"]


@pytest.mark.parametrize("origin", ["file://", "chrome-extension://abcdef", "HTTP://localhost:5500", "null"])
def test_a_page_of_another_scheme_is_told_an_option_that_exists(origin):
    """`Origin: file://` (an Electron app, a WebView) was told `--allow-origin file://`, which mvae serve refuses."""
    said = let_in_message(origin, "sent the server a request")
    assert f"--allow-origin {origin}" not in said
    assert "--allow-origin http://localhost:5500, or with --allow-origin '*' for any page" in said


def test_a_web_origin_is_told_to_pass_itself():
    said = let_in_message(ORIGIN, "sent the server a request")
    assert f"start mvae serve with --allow-origin {ORIGIN} (docs/live.md)" in said


@pytest.mark.parametrize(("tempo", "shown"), [(19.9999999, "19.9999999"), (300.00001, "300.00001"), (500, "500")])
def test_a_value_past_a_knobs_end_is_shown_outside_the_range(live, tempo, shown):
    """`tempo must lie in [20, 300], got 20` for 19.9999999: a value in range, said to be refused."""
    with httpx.Client(base_url=live.url, timeout=30) as http:
        answer = http.post("/api/generate", json={"z": [0, 0], "tempo": tempo})
    assert (answer.status_code, answer.json()) == (422, {"error": f"tempo must lie in [20, 300], got {shown}"})


def test_osc_shows_a_float32_past_a_knobs_end_outside_the_range(live):
    """OSC's float32 3.0000002 is 3.000000238418579: it read `got 3`."""
    (answer,) = OscAnswers(live.engine).answer(message("/mvae/set", "density", 3.0000002))
    assert OscMessage(answer).params == ["/mvae/set: density must lie in [0, 3], got 3.0000002"]


@pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in ("websockets", "wsproto")),
    reason="uvicorn has no WebSocket library (websockets or wsproto)",
)
def test_the_websocket_denial_carries_the_served_header(live):
    """docs/live.md says every answer has X-Mvae-Served; the WebSocket denial had not."""
    port = int(live.url.rstrip("/").rsplit(":", 1)[1])
    handshake = (
        b"GET /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(handshake)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head = answer.partition(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 404")
    assert f"{SERVED_HEADER.lower()}: {live.engine.served}" in head.split("\r\n")


def test_live_md_states_the_upload_bound_the_server_applies():
    text = " ".join((Path(__file__).parents[1] / "docs" / "live.md").read_text(encoding="utf-8").split())
    assert f"an upload while {UPLOADS_AT_ONCE} are being read or waiting" in text
    assert f"with `Retry-After: {UPLOAD_RETRY_SECONDS}`" in text
    assert f"the server holds at most {UPLOADS_AT_ONCE} (one read, one waiting" in text
    assert f"One address holds at most {CONNECTIONS_PER_CLIENT} connections at once" in text
