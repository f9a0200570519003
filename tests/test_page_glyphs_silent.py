"""Decorative glyphs of the `mvae serve` page are hidden from screen readers: Chromium's accessibility tree (what
assistive technology is given) named the pad's point "black circle z = …", the walk button "Walk A left right arrow
B" and the touch hint's "black right-pointing triangle Play"."""

from __future__ import annotations

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser

GLYPHS = "●↔▶■"


def accessible_texts(driver) -> list[str]:
    """The names of every node of the accessibility tree that is not ignored (text, buttons, regions, …)."""
    driver.execute_cdp_cmd("Accessibility.enable", {})
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    return [n.get("name", {}).get("value", "") for n in nodes if not n.get("ignored")]


def test_no_glyph_is_read_aloud_and_the_walk_button_says_what_it_does(shared_browser, page_server) -> None:
    shared_browser.get(page_server.url)
    _wait(shared_browser, "return window.mvae && window.mvae.current !== null")
    shared_browser.execute_script("document.querySelector('.hint-touch').style.display = 'block'")
    texts = accessible_texts(shared_browser)
    assert any(text.startswith("z = (") for text in texts)  # the pad's point is there, without its dot
    assert any(text.startswith("Play: play/stop") or "Play: play/stop" in text for text in texts)
    read_glyphs = [text for text in texts if any(glyph in text for glyph in GLYPHS)]
    assert read_glyphs == []
    assert "Walk from A to B and back" in texts
    assert shared_browser.execute_script("return document.getElementById('pad-current').textContent").startswith("● z")
