"""The page's seed field: a seed the musician typed is kept until another whole number in range replaces it."""

from __future__ import annotations

import pytest

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser
KEPT = "A seed is a whole number from 0 to 4294967295; kept 42."


def _enter_seed(driver, text: str) -> None:
    """Type ``text`` into the seed field and leave it, as a user does (one change event)."""
    driver.execute_script(
        "const s = document.getElementById('seed'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
        text,
    )


@pytest.mark.parametrize("typed", ["", "1.5"], ids=["emptied", "fraction"])
def test_a_field_left_empty_or_not_whole_keeps_the_seed_and_says_so(shared_browser, page_server, typed):
    """An emptied field read as 0 (Number('') is 0): the seed 42 a musician had was replaced by seed 0 without a
    word, and 1.5 was taken as 1; both now keep 42, show it in the field and say why."""
    driver = shared_browser
    driver.get(page_server.url)
    _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")
    _enter_seed(driver, "42")
    _wait(driver, "return window.mvae.current.seed", equals=42)
    _enter_seed(driver, typed)
    assert driver.execute_script("return document.getElementById('seed').value") == "42"
    assert driver.execute_script("return document.querySelector('#status .status-msg').textContent") == KEPT
    driver.execute_script(  # the next loop is still seed 42's
        "const t = document.getElementById('knob-density'); t.value = '0.5'; t.dispatchEvent(new Event('input'));"
    )
    _wait(driver, "return window.mvae.current.density", equals=0.5)
    assert driver.execute_script("return window.mvae.current.seed") == 42


def test_the_largest_seed_shows_whole_in_the_field(shared_browser, page_server):
    """The field was 72 px wide: a shared link's seed 4294967295 (the largest the server takes) showed as 42949."""
    driver = shared_browser
    driver.get(page_server.url + "#seed=4294967295")
    _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")
    assert driver.execute_script("return document.getElementById('seed').value") == "4294967295"
    text, room = driver.execute_script(
        """const s = document.getElementById('seed'), style = getComputedStyle(s);
        const g = document.createElement('canvas').getContext('2d');
        g.font = `${style.fontSize} ${style.fontFamily}`;
        const arrows = 16;  // the spin buttons' width beside the text (Chromium's)
        return [g.measureText(s.value).width,
                s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrows];"""
    )
    assert text <= room, f"{text:.0f} px of digits in {room:.0f} px"
