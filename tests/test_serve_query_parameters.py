"""The POST routes of `mvae serve` refuse a query parameter they do not take: `/api/wav?wrap-release=true` (the CLI's
spelling) gave a WAV with its release after the loop, silently, where `wrap_release` wraps it."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def client(page_server):
    with httpx.Client(base_url=page_server.url, timeout=30) as http:
        yield http


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/api/wav?wrap-release=true",
            "unknown query parameter 'wrap-release'; did you mean 'wrap_release'?; /api/wav takes wrap_release",
        ),
        ("/api/generate?z=0.5,-1", "unknown query parameter 'z'; /api/generate takes no query parameters"),
        ("/api/midi?seed=3", "unknown query parameter 'seed'; /api/midi takes no query parameters"),
    ],
)
def test_a_query_parameter_the_route_does_not_take_is_refused(client, path, message):
    answer = client.post(path, json={"z": [0.5, -1]})
    assert answer.status_code == 422
    assert answer.json()["error"] == f"{message} (the knobs go in the JSON body)"


def test_the_query_parameter_a_route_takes_is_still_read(client):
    plain = client.post("/api/wav", json={"z": [0.5, -1]})
    wrapped = client.post("/api/wav?wrap_release=true", json={"z": [0.5, -1]})
    assert plain.status_code == wrapped.status_code == 200
    assert len(wrapped.content) < len(plain.content)  # exactly the loop, without the 0.5 s release after it
