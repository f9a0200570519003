"""A 500 (an exception no handler answers: a model's bug in its player) carries ``X-Mvae-Served`` and, for an
allowed origin, CORS' headers, as every other answer does. Starlette's own handler for ``Exception`` answered outside
every middleware, so a page allowed by ``--allow-origin`` got an opaque failure instead of the message, and no
answer said which model served it."""

from __future__ import annotations

import httpx

from mvae_core.serve.app import SERVED_HEADER
from mvae_core.serve.server import LiveServer

ORIGIN = "http://localhost:5500"


def test_a_500_carries_the_served_header_and_cors_for_an_allowed_origin(tiny_run, monkeypatch) -> None:
    with LiveServer(tiny_run, port=0, allow_origins=[ORIGIN]) as live, httpx.Client(base_url=live.url) as http:

        def broken(*args, **kwargs):
            raise ValueError("a bug in the model's player")

        monkeypatch.setattr(live.engine.player, "notes", broken)
        answer = http.post("/api/generate", json={"z": [0, 0]}, headers={"Origin": ORIGIN}, timeout=30)
        assert answer.status_code == 500
        assert "a bug in the model's player" in answer.json()["error"]
        assert answer.headers[SERVED_HEADER] == live.engine.served
        assert answer.headers["access-control-allow-origin"] == ORIGIN
        fine = http.post("/api/generate", json={"z": [0]}, headers={"Origin": ORIGIN}, timeout=30)
        assert fine.status_code == 422 and fine.headers[SERVED_HEADER] == live.engine.served  # as before
