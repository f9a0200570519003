"""The page of `mvae serve` for a user who prefers reduced motion (the system setting, emulated in headless Chromium
as in tests/test_browser.py): the roll's playhead, the page's one animation, stands on the beat playing and steps
once a beat instead of sweeping across the loop at every frame."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser

PLAYHEAD_XS = """const done = arguments[arguments.length - 1], c = document.getElementById('roll'), xs = [];
const until = performance.now() + arguments[0];
(function sample() {
  // the bottom row of the roll, a pitch row of margin that holds no note: only the playhead is near white there
  const row = c.getContext('2d').getImageData(0, c.height - 2, c.width, 1).data;
  for (let x = 0; x < c.width; x++) {
    if (row[4 * x] > 180 && row[4 * x + 1] > 180 && row[4 * x + 2] > 180) { xs.push(x); break; }
  }
  if (performance.now() < until) requestAnimationFrame(sample); else done(xs);
})();"""
"""Samples, at each animation frame for arguments[0] ms, the x (device pixels) where the playhead crosses the roll."""


@pytest.fixture(scope="module")
def server(tiny_run) -> Iterator[LiveServer]:
    with LiveServer(tiny_run, port=0) as live:
        yield live


@pytest.fixture
def reduced_motion(shared_browser) -> Iterator:
    """The module's Chromium as a system set to reduce motion shows pages (set back after the test)."""
    features = [{"name": "prefers-reduced-motion", "value": "reduce"}]
    shared_browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
    yield shared_browser
    shared_browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_with_reduced_motion_the_playhead_steps_once_a_beat(reduced_motion, server):
    page = reduced_motion
    page.get(server.url)
    _wait(page, "return window.mvae && window.mvae.current !== null")
    page.execute_script("document.getElementById('play').click()")
    _wait(page, "return window.mvae.playing && window.mvae.audio.currentTime > 0")
    xs = page.execute_async_script(PLAYHEAD_XS, 700)
    beat_seconds = page.execute_script("return 60 / window.mvae.current.tempo")
    assert len(xs) > 5, xs  # the playhead was drawn all along
    # 0.7 s, at 0.5 s a beat: the playhead stood in at most 2 places (it moved at nearly every frame)
    assert len(set(xs)) <= int(0.7 / beat_seconds) + 1, sorted(set(xs))
