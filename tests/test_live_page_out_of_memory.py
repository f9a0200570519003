"""The page asks again for a loop the server could not make for lack of memory (a 503), as it does while the server is
unreachable: before, the move was shown as an error and lost, and the pad played the old loop until the next move."""

from __future__ import annotations

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait
from tests.test_page_server_restart import STATUS, _move_point, _open

pytestmark = needs_browser


def test_a_loop_refused_for_lack_of_memory_is_asked_for_again(shared_browser, tiny_run):
    with LiveServer(tiny_run, port=0) as live:
        _open(shared_browser, live)
        real = live.engine.loop
        refusals = [MemoryError()]  # the next loop runs out of memory, once

        def out_of_memory_once(request, make_current=True):
            if refusals:
                raise refusals.pop()
            return real(request, make_current)

        live.engine.loop = out_of_memory_once
        _move_point(shared_browser)  # (0.2, 0)
        _wait(shared_browser, f"return {STATUS.removeprefix('return ')}.includes('trying again every 2 s')")
        assert "ran out of memory" in shared_browser.execute_script(STATUS)
        _wait(shared_browser, "return JSON.stringify(window.mvae.current.z)", timeout=10, equals="[0.2,0]")
        assert refusals == []
