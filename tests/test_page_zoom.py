"""The page of `mvae serve` zoomed to 200 % (a performer reading it from a distance, a projector's small screen):
Chromium's zoom is a viewport of half the CSS pixels at twice the device pixel ratio, emulated here on the module's
one headless Chromium (as in tests/test_browser.py). Nothing may scroll sideways, and a message, errors above all,
must be readable in the status line, not cut off after the model info."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser
WINDOW = (1400, 1000)  # conftest's Chromium window, in CSS pixels at 100 %


@pytest.fixture(scope="module")
def server(tiny_run) -> Iterator[LiveServer]:
    with LiveServer(tiny_run, port=0) as live:
        yield live


@pytest.fixture
def zoomed(shared_browser) -> Iterator:
    """The module's Chromium as its window shows a page at 200 % (set back after the test)."""
    metrics = {"width": WINDOW[0] // 2, "height": WINDOW[1] // 2, "deviceScaleFactor": 2, "mobile": False}
    shared_browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    yield shared_browser
    shared_browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_at_200_percent_an_error_message_is_shown_whole_beside_the_model_info(zoomed, server):
    zoomed.get(server.url)
    _wait(zoomed, "return window.mvae && window.mvae.current !== null")  # the info line holds the loop's numbers too
    assert zoomed.execute_script("return window.innerWidth") == WINDOW[0] // 2
    width = zoomed.execute_script("return document.documentElement.clientWidth")  # less the scroll bar
    assert zoomed.execute_script("return document.documentElement.scrollWidth") <= width, "scrolls sideways"
    zoomed.execute_script("document.getElementById('walk').click()")  # no A and B yet: an error message
    message, shown, whole = zoomed.execute_script(
        """const m = document.querySelector('.status-msg'), s = document.getElementById('status').getBoundingClientRect();
        const r = m.getBoundingClientRect();
        return [m.textContent, Math.max(0, Math.min(r.right, s.right) - Math.max(r.left, s.left)), Math.max(r.width, m.scrollWidth)];"""
    )
    assert message.startswith("Set A and B first")
    assert shown >= whole > 0, f"{shown} of the message's {whole} px are visible"
