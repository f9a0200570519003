"""A server whose HTTP thread does not start in time (a machine so loaded that uvicorn's start-up outlasts
:meth:`LiveServer.start`'s timeout) is a :class:`ServeError` saying so, and its thread ends. Stopping it then looked
for uvicorn's listening servers, which uvicorn makes only as it starts: an AttributeError traceback instead."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn

from mvae_core.serve.server import LiveServer, ServeError


def test_a_server_that_does_not_start_in_time_says_so_and_stops(tiny_run, monkeypatch):
    startup = uvicorn.Server.startup

    async def slow_startup(self, sockets=None):
        await asyncio.sleep(1.5)  # past the start's timeout and the stop's 1 s of grace
        await startup(self, sockets=sockets)

    monkeypatch.setattr(uvicorn.Server, "startup", slow_startup)
    live = LiveServer(tiny_run, port=0)
    with pytest.raises(ServeError, match=r"did not start within 0.2 s$"):
        live.start(timeout=0.2)
    assert not live._thread.is_alive()
