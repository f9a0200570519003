"""``GET /api/midi_clock``: the DAW's clock as ``/api/info`` gives it, without the training points, so the page can poll
it every second (``/api/info`` serialises up to 2,000 points, about 8 ms each time, while MIDI out may have a note
due)."""

from __future__ import annotations

import httpx
import pytest

from mvae_core.serve.server import LiveServer


class FollowedClock:
    """What the page reads of a clock player: its ``status()``."""

    def status(self) -> dict:
        return {"input": "mvae", "state": "playing", "tempo": 121.3}


@pytest.fixture(scope="module")
def server(tiny_run):
    with LiveServer(tiny_run, port=0) as live:
        yield live


def test_the_clock_route_answers_what_info_says_of_the_clock_without_the_points(server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/api/midi_clock").json() == {"midi_clock": None}
        server.engine.midi_clock = FollowedClock()
        try:
            answer = http.get("/api/midi_clock").json()
            assert answer == {"midi_clock": FollowedClock().status()}
            assert http.get("/api/info").json()["midi_clock"] == answer["midi_clock"]
        finally:
            server.engine.midi_clock = None
