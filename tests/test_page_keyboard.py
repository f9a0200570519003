"""The page of `mvae serve` without a mouse: a performer (or a MIDI controller mapped to keys) reaches the latent pad
with Tab and moves its point with the arrow keys; a screen reader hears the pad as a slider whose value states x and y.
Headless Chromium as in tests/test_browser.py, one browser and one server for the module."""

from __future__ import annotations

import pytest

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser


@pytest.fixture
def page(shared_browser, page_server):
    """The page, loaded and ready, in the session's shared Chromium."""
    shared_browser.get(page_server.url)
    _wait(shared_browser, "return window.mvae && window.mvae.ready === true")
    return shared_browser


def press(driver, *keys: str, shift: bool = False) -> None:
    """Press ``keys`` one after another on the focused element (holding Shift if ``shift``)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    chain = ActionChains(driver)
    if shift:
        chain.key_down(Keys.SHIFT)
    for key in keys:
        chain.send_keys(key)
    if shift:
        chain.key_up(Keys.SHIFT)
    chain.perform()


def test_the_pad_is_the_first_tab_stop_and_its_arrow_keys_move_the_point(page):
    from selenium.webdriver.common.keys import Keys

    press(page, Keys.TAB)
    assert page.execute_script("return document.activeElement.id") == "pad"
    assert page.execute_script("return getComputedStyle(document.activeElement).outlineStyle") == "solid"
    press(page, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_UP)
    press(page, Keys.ARROW_DOWN, shift=True)  # Shift: 0.5 instead of 0.1
    _wait(page, "return window.mvae.current && window.mvae.current.z", equals=[0.2, -0.4])  # that loop is shown
    assert page.execute_script("return window.mvae.point") == [0.2, -0.4]
    assert page.execute_script("return window.scrollY") == 0  # the arrow keys did not scroll the page
    pad = page.execute_script(
        "const p = document.getElementById('pad'); return [p.getAttribute('role'), p.getAttribute('aria-valuetext')]"
    )
    assert pad == ["slider", "x 0.200, y -0.400"]
    press(page, Keys.HOME)
    _wait(page, "return window.mvae.point", equals=[0, 0])


def test_an_arrow_key_stops_at_the_pads_edge_and_never_pushes_a_point_beyond_it_further(page):
    from selenium.webdriver.common.keys import Keys

    page.execute_script("document.getElementById('pad').focus()")
    press(page, *[Keys.ARROW_LEFT] * 7, shift=True)  # 3.5 to the left of the pad's ±3
    _wait(page, "return window.mvae.point", equals=[-3, 0])
    steps = page.execute_async_script(
        """const done = arguments[arguments.length - 1];
        import('/static/pad.js').then((m) => done([m.keyStep(6, 0.1, 3), m.keyStep(6, -0.1, 3), m.keyStep(-3, -0.5, 3)]));"""
    )
    assert steps == [6, 5.9, -3]  # a dropped loop's point at x 6 moves only inwards


def test_a_download_button_keeps_the_keyboards_focus_while_it_works(page):
    from selenium.webdriver.common.keys import Keys

    page.execute_script("document.getElementById('dl-midi').focus()")
    press(page, Keys.ENTER)
    assert page.execute_script("return document.activeElement.id") == "dl-midi"  # it was the page's body
    _wait(page, "return document.querySelector('.status-msg').textContent.startsWith('Downloaded')")
    assert page.execute_script(
        "return [document.activeElement.id, document.activeElement.matches(':focus-visible')]"
    ) == [
        "dl-midi",
        True,
    ]


def test_after_a_click_on_the_pad_the_arrow_keys_nudge_the_clicked_point(page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    pad = page.find_element(By.ID, "pad")
    ActionChains(page).move_to_element_with_offset(pad, 40, -40).click().perform()  # right of and above the centre
    _wait(page, "return window.mvae.point[0] > 0")
    x, y = page.execute_script("return window.mvae.point")
    focus = page.execute_script("return [document.activeElement.id, document.activeElement.matches(':focus-visible')]")
    assert focus == ["pad", False]  # no focus ring after a click
    press(page, Keys.ARROW_RIGHT)
    _wait(page, "return window.mvae.point", equals=[round(x + 0.1, 3), y])  # the page scrolled instead


def test_delete_on_a_knob_resets_it_as_a_double_click_does(page):
    from selenium.webdriver.common.keys import Keys

    page.execute_script("document.getElementById('knob-tempo').focus()")
    start = page.execute_script("return window.mvae.info.defaults.tempo")
    press(page, *[Keys.ARROW_RIGHT] * 3)
    _wait(page, "return Number(document.getElementById('knob-tempo').value)", equals=start + 3)
    press(page, Keys.DELETE)
    _wait(page, "return Number(document.getElementById('knob-tempo').value)", equals=start)
    assert page.execute_script("return document.getElementById('knob-tempo').getAttribute('aria-valuetext')") == (
        f"{start:g} bpm"
    )


def test_the_pads_keyboard_readout_goes_when_the_focus_leaves_the_pad(page):
    """The arrow keys show the point as "cursor (x, y)" under the pad (a mouse's hover shows it so); it stayed after
    Tab took the focus to a knob, until a mouse happened to leave the pad."""
    from selenium.webdriver.common.keys import Keys

    hover = "return document.getElementById('pad-hover').textContent"
    page.execute_script("document.getElementById('pad').focus()")
    press(page, Keys.ARROW_RIGHT)
    _wait(page, hover, equals="cursor (0.10, 0.00)")
    page.execute_script("document.getElementById('knob-tempo').focus()")
    assert page.execute_script(hover) == ""
