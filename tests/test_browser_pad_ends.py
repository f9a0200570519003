"""A walk end (A or B) captured at a dropped loop beyond the pad's ±3 is drawn on the pad's edge, as the loop's
marker and the current point are (eacadce); it was drawn outside the canvas, so 'Set A' there showed no A."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait, answer_encode_with, drop_file, pad_pixels

A_DISC = (230, 237, 243)  # A/B's #e6edf3


@pytest.fixture
def browser(shared_browser):
    """This test only drives a page: the session's one Chromium, fresh for the test (conftest's shared_browser)."""
    return shared_browser


@needs_browser
def test_an_a_captured_beyond_the_pad_is_drawn_on_its_edge(browser, tiny_run, synth_dir):
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        answer_encode_with(browser, [{"loop": 0, "notes": 4, "z": [6, 1.5]}])
        drop_file(browser, file.read_bytes(), "far.mid")
        _wait(browser, "return window.mvae.current && window.mvae.current.z", equals=[6, 1.5])
        assert pad_pixels(browser, A_DISC, 3) == 0  # no A yet
        browser.execute_script("document.getElementById('set-a').click()")
        # the A disc on the pad's right edge, under the current point's ring (which jumped there too): before, nothing
        from selenium.webdriver.support.wait import WebDriverWait

        WebDriverWait(browser, 30, poll_frequency=0.1).until(lambda d: pad_pixels(d, A_DISC, 3) > 20)
