"""A MIDI file dropped on the page of `mvae serve` while it is read, and after: the status line says it is being read
until the answer comes (a 2 MB file takes seconds, the server's first read starts its worker), the box of the file's
loops says so in place of the file opened before, and the button of the loop playing is marked. Headless Chromium as
in tests/test_browser.py; the server's answers are stood in for (tests/test_browser.py's answer_encode_with)."""

from __future__ import annotations

import time

from tests.conftest import needs_browser
from tests.test_browser import _wait, answer_encode_with, drop_file

pytestmark = needs_browser
PRESSED = "return [...document.querySelectorAll('#file-loops .chip')].map((c) => c.getAttribute('aria-pressed'))"
MESSAGE = "return document.querySelector('#status .status-msg').textContent"
FADE_S = 6.5  # app.js's MESSAGE_MS, an informational message's life, and a little more


def _dropped(driver, url: str) -> None:
    """The page at ``url`` with first.mid dropped on it, its two loops' buttons shown."""
    driver.get(url)
    _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")
    answer_encode_with(driver, [{"loop": 0, "notes": 9, "z": [0.5, 0.5]}, {"loop": 1, "notes": 7, "z": [-1, 1]}])
    drop_file(driver, b"MThd", "first.mid")
    _wait(driver, "return document.querySelectorAll('#file-loops .chip').length", equals=2)


def test_the_button_of_the_loop_playing_is_marked(shared_browser, page_server):
    """With 43 loops of a solo under the pad, nothing showed which one played."""
    from selenium.webdriver.common.keys import Keys

    driver = shared_browser
    _dropped(driver, page_server.url)
    # the drop plays loop 0: its button is pressed, as "by file"/"by notes" are; another's click moves the mark
    _wait(driver, PRESSED, equals=["true", "false"])
    assert driver.execute_script("return document.querySelector('#file-loops .chip.on').textContent").startswith("#0")
    driver.execute_script("document.querySelectorAll('#file-loops .chip')[1].click()")
    _wait(driver, PRESSED, equals=["false", "true"])
    driver.execute_script("document.getElementById('pad').focus()")  # the point leaves the loop: no button is
    driver.find_element("id", "pad").send_keys(Keys.ARROW_RIGHT)
    _wait(driver, PRESSED, equals=["false", "false"])


def test_a_file_being_read_says_so_until_its_answer(shared_browser, page_server):
    """ "Encoding FILE…" faded after 6 s while a big file was still read, and the box under the pad still showed the
    file opened before: a guest dropped the file again, queueing a second read."""
    driver = shared_browser
    _dropped(driver, page_server.url)
    # the next file's answer is long in coming (here: never)
    driver.execute_script(
        """const real = window.fetch;
        window.fetch = (url, init) => String(url).endsWith('/api/encode') ? new Promise(() => {}) : real(url, init);"""
    )
    drop_file(driver, b"MThd", "second.mid")
    _wait(driver, "return document.getElementById('file-loops').textContent", equals="encoding second.mid…")
    assert driver.execute_script("return window.mvae.fileLabels") == []  # first.mid's markers left the pad
    time.sleep(FADE_S)
    assert driver.execute_script(MESSAGE) == "Encoding second.mid…"  # it had faded after 6 s, the file still read
