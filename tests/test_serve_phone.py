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
        # nor do a message and the words beside a button speak of what a finger cannot do
        assert browser.execute_script("return document.querySelector('#midi-in .muted').offsetParent") is None
        browser.execute_script("document.getElementById('walk').click()")  # no A and B yet
        message = browser.execute_script("return document.querySelector('.status-msg').textContent")
        assert message == "Set A and B first (the Set A and Set B buttons)."


# /api/info's answer with the dots of 9 training files, which the legend does not list one by one
NINE_FILES = """const real = window.fetch;
window.fetch = async (url, init) => {
  const resp = await real(url, init);
  if (!String(url).endsWith('/api/info')) return resp;
  const info = await resp.json();
  info.files = [...Array(9).keys()].map((i) => `f${i}.mid`);
  info.points = info.files.map((_, i) => ({z: [i / 10, 0], file: i, notes: 3}));
  info.points_ready = true;
  return new Response(JSON.stringify(info), {status: resp.status, headers: resp.headers});
};"""


def test_the_legend_of_many_files_says_how_a_finger_finds_a_dots_file(browser, tiny_run):
    """A touch screen has no hover: the legend said "hover a dot for its file"; a finger dragged onto it names it."""
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NINE_FILES})["identifier"]
    legend = "return document.getElementById('legend').textContent"
    try:
        with LiveServer(tiny_run, port=0) as server:
            browser.get(server.url)
            _wait(browser, "return window.mvae && window.mvae.ready === true")
            assert browser.execute_script(legend) == "9 training files: colours repeat, hover a dot for its file"
            browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
            browser.refresh()
            _wait(browser, "return window.mvae && window.mvae.ready === true")
            assert browser.execute_script(legend) == (
                "9 training files: colours repeat, drag a finger onto a dot for its file"
            )
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})


def test_play_stays_on_the_phones_screen_and_the_knobs_come_near_the_pad(browser, tiny_run):
    """Play/Stop was below the pad's panel (15 px of it showed at the bottom of a 390 × 844 screen, none under a
    real browser's toolbars), and the first knob 1242 px below the pad's top: a tap on the pad started the sound,
    and to stop it a performer scrolled past the whole pad. The transport is docked at the window's bottom, and the
    knobs come before the roll (the pad's panel still lies between the pad and them)."""
    browser.set_window_size(*PHONE)
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        height = browser.execute_script("return innerHeight")
        for scroll in ("0", "document.getElementById('pad').getBoundingClientRect().top + scrollY", "1e6"):
            browser.execute_script(f"window.scrollTo(0, {scroll})")
            _, top, _, bottom = browser.execute_script(BOX, "#play")
            assert top >= 0 and bottom <= height, f"Play at {top:.0f}-{bottom:.0f} px of {height} (scrolled {scroll})"
        # at the page's end the transport covers nothing
        assert browser.execute_script(BOX, ".roll-panel")[3] <= browser.execute_script(BOX, ".transport")[1]
        # the knobs come before the roll, nearer the pad
        assert browser.execute_script(BOX, ".knobs")[3] <= browser.execute_script(BOX, "#roll")[1]
