"""The page keeps its place across a reload, which it asks for when the server was restarted on another model: the
point, the seed and the knobs not at their defaults are in its address (``#z=1.5,-0.5&seed=42&grid_offset=2``),
taken back where they fit the server's ranges. ``GET /api/current`` gives the current loop, what MIDI out plays, as
OSC's ``/mvae/get`` does. Before, a reload went back to z = (0, 0), the default knobs and seed 0, and only OSC, which
a web page cannot send, told what MIDI out played."""

from __future__ import annotations

import httpx

from tests.conftest import needs_browser
from tests.test_browser import _wait


def test_current_answers_the_last_request_with_osc_changes_since(page_server):
    body = {"z": [0.5, -1], "seed": 3, "grid_offset": 1.5}
    played = httpx.post(page_server.url + "api/generate", json=body, timeout=30).json()
    assert httpx.get(page_server.url + "api/current", timeout=30).json() == played
    page_server.engine.set("seed", 7)  # OSC's /mvae/set seed 7, no HTTP request since
    current = httpx.get(page_server.url + "api/current", timeout=30).json()
    assert current["seed"] == 7 and current["notes"] != played["notes"]
    changed = httpx.post(page_server.url + "api/generate", json={**body, "seed": 7}, timeout=30).json()
    assert current == changed  # what a page asking for seed 7 would get


@needs_browser
def test_a_reload_keeps_the_point_the_seed_and_the_knobs(shared_browser, page_server):
    page = shared_browser
    shown = "const c = window.mvae.current; return c && [c.z, c.seed, c.grid_offset, c.tempo, c.density];"
    page.get(page_server.url + "#z=1.5,-0.5&seed=42&grid_offset=2")
    _wait(page, "return window.mvae && window.mvae.ready === true")
    _wait(page, shown, equals=[[1.5, -0.5], 42, 2, 120, 1])
    page.execute_script(
        "const knob = document.getElementById('knob-tempo'); knob.value = '97'; knob.dispatchEvent(new Event('input'));"
    )
    _wait(page, "return location.hash", equals="#z=1.5,-0.5&seed=42&grid_offset=2&tempo=97")
    page.refresh()
    _wait(page, "return window.mvae && window.mvae.ready === true")
    _wait(page, shown, equals=[[1.5, -0.5], 42, 2, 97, 1])
    page.get("about:blank")  # else only the address's # part changes, which loads no page
    page.get(page_server.url + "#z=99,0&seed=-1&density=9&tempo=")  # beyond the server's ranges: the defaults
    _wait(page, "return window.mvae && window.mvae.ready === true")
    _wait(page, shown, equals=[[0, 0], 0, 1, 120, 1])
