"""The page of `mvae serve` on a phone (390 × 844 CSS pixels, as an iPhone 12-15): a student in a room opens it from
the teacher's server. Nothing may make the page scroll sideways, the status line's messages (errors above all) must
be readable without a mouse to hover for the tooltip, a message must not move the pad, and a tap on the pad with a
finger moves the point as a click does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser
PHONE = (390, 844)


@pytest.fixture
def browser(shared_browser) -> Iterator[Any]:
    """The session's one Chromium (conftest's shared_browser), set back after the test to its window size and
    without touch emulation, as the next test expects a fresh one."""
    size = shared_browser.get_window_size()
    yield shared_browser
    shared_browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
    shared_browser.set_window_size(size["width"], size["height"])


BOX = (
    "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];"
)


def test_a_phone_sized_page_fits_its_width_and_shows_the_whole_message(browser, tiny_run):
    browser.set_window_size(*PHONE)
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert width <= PHONE[0]
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width, "scrolls sideways"
        pad_before = browser.execute_script(BOX, "#pad")
        browser.execute_script("document.getElementById('walk').click()")  # no A and B yet: an error message
        message = browser.execute_script("return document.querySelector('.status-msg').textContent")
        assert message.startswith("Set A and B first")
        left, top, right, bottom = browser.execute_script(BOX, ".status-msg")
        assert 0 <= left < right <= width and bottom > top, (left, right, width)
        cut = browser.execute_script(
            "const e = document.querySelector('.status-msg'); return [e.scrollWidth > e.clientWidth + 1,"
            " e.scrollHeight > e.clientHeight + 1]"
        )
        assert cut == [False, False], "the message is cut off"
        assert browser.execute_script(BOX, "#pad") == pad_before, "the message moved the pad"


def test_a_finger_on_the_phone_sized_pad_moves_the_point(browser, tiny_run):
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By

    browser.set_window_size(*PHONE)
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        pad = browser.find_element(By.ID, "pad")
        actions = ActionBuilder(browser, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
        actions.pointer_action.move_to(pad, 40, -40).pointer_down().move_to(pad, 60, -60).pointer_up()
        actions.perform()
        _wait(browser, "const z = window.mvae.current && window.mvae.current.z; return !!z && z[0] > 0 && z[1] > 0")


def visible_hints(browser) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll('.hint')].filter((e) => e.offsetParent !== null).map((e) => e.textContent)"
    )


def test_a_touch_screen_gets_a_hint_it_can_follow(browser, tiny_run):
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        (mouse,) = visible_hints(browser)
        assert "Shift-click" in mouse and "Space" in mouse
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        browser.refresh()
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        (touch,) = visible_hints(browser)
        assert touch.startswith("Tap or drag") and "Shift" not in touch and "Space" not in touch
