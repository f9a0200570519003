"""The page of `mvae serve` as a screen reader reads it: Chromium's accessibility tree (what assistive technology is
given) of the page in headless Chromium, as in tests/test_browser.py; one browser for the session (conftest's
shared_browser) and one server for the module."""

from __future__ import annotations

import re

import pytest

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser


@pytest.fixture
def page(shared_browser, page_server):
    """The page, loaded and showing its first loop, in the session's shared Chromium."""
    shared_browser.get(page_server.url)
    _wait(shared_browser, "return window.mvae && window.mvae.current !== null")
    return shared_browser


PROBE = "data:text/html,<div role=slider aria-label=probe aria-valuenow=3 aria-valuetext='3 things' tabindex=0></div>"
"""A page whose one slider has a value text: whether this Chromium's accessibility tree passes ``aria-valuetext`` on."""


def _slider_nodes(driver) -> list[dict]:
    driver.execute_cdp_cmd("Accessibility.enable", {})
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    return [n for n in nodes if not n.get("ignored") and n.get("role", {}).get("value") == "slider"]


def _value_text(node: dict) -> str:
    return {p["name"]: p["value"].get("value") for p in node.get("properties", [])}.get("valuetext", "")


@pytest.fixture(scope="module")
def tree_has_value_texts(_session_chromium) -> bool:
    """Whether the accessibility tree of this Chromium carries ``aria-valuetext``: 156.0.8078.114 reports the number
    instead (``valuetext`` '120' for a range input with ``aria-valuetext='120 bpm'``, '' for a ``role=slider``)."""
    driver = _session_chromium.blank()
    driver.get(PROBE)
    return [_value_text(n) for n in _slider_nodes(driver)] == ["3 things"]


def sliders(driver, tree_has_value_texts: bool) -> dict[str, str]:
    """The page's sliders as the accessibility tree names them: accessible name → value text, from the tree where
    this Chromium passes value texts on, else the ``aria-valuetext`` the page gives the slider's element."""
    found = {}
    for node in _slider_nodes(driver):
        if tree_has_value_texts:
            text = _value_text(node)
        else:
            described = driver.execute_cdp_cmd("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})
            attributes = described["node"].get("attributes", [])
            text = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("aria-valuetext", "")
        found[node.get("name", {}).get("value", "")] = text
    return found


def test_every_knob_slider_is_named_by_its_label_and_reads_its_value_with_units(page, tree_has_value_texts):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    shown = sliders(page, tree_has_value_texts)
    named = {name: text for name, text in shown.items() if not name.startswith("Latent plane")}
    assert named == {
        "vol": "80 %",
        "Grid offset": "1.00",
        "Density": "1.00",
        "Temperature": "1.00",
        "Timing temp.": "1.00",
        "Tempo": "120 bpm",
    }
    page.execute_script("document.getElementById('knob-tempo').focus()")
    ActionChains(page).send_keys(Keys.ARROW_RIGHT).perform()
    _wait(page, "return document.getElementById('knob-tempo').getAttribute('aria-valuetext')", equals="121 bpm")


LIVE = "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log], output"
"""What a screen reader reads out when it changes (an <output> is a status region too)."""


def test_only_the_status_message_is_read_out_not_the_info_that_changes_with_every_loop(page):
    live = page.execute_script(f"return [...document.querySelectorAll({LIVE!r})].map((e) => e.className)")
    assert live == ["status-msg"]  # not #status around it, which holds the model info and the loop's numbers
    page.execute_script(
        "const s = document.getElementById('seed'); s.value = '-1'; s.dispatchEvent(new Event('change'))"
    )
    message = page.execute_script(f"return document.querySelector({LIVE!r}).textContent")
    assert message.startswith("A seed is a whole number from 0 to")


def named(driver, role: str) -> list[str]:
    """The accessible names of the page's nodes of ``role`` in the accessibility tree."""
    driver.execute_cdp_cmd("Accessibility.enable", {})
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    return [n.get("name", {}).get("value", "") for n in nodes if n.get("role", {}).get("value") == role]


def test_the_piano_roll_says_the_loops_notes_in_words_and_the_knobs_are_a_named_group(page):
    notes = page.execute_script(
        """const names = ['C', 'C♯', 'D', 'D♯', 'E', 'F', 'F♯', 'G', 'G♯', 'A', 'A♯', 'B'];
        return [...window.mvae.current.notes].sort((a, b) => a.start - b.start)
          .map((n) => names[n.pitch % 12] + (Math.floor(n.pitch / 12) - 1));"""
    )
    seconds = page.execute_script("return window.mvae.current.loop_seconds.toFixed(2)")
    assert notes
    assert f"Piano roll: {len(notes)} notes in {seconds} s: {', '.join(notes)}" in named(page, "image")
    assert "Decoding knobs" in named(page, "group")


def buttons(driver) -> dict[str, dict]:
    """The page's buttons in the accessibility tree: accessible name (stripped, as a screen reader speaks it) → their
    properties (``pressed`` among them)."""
    driver.execute_cdp_cmd("Accessibility.enable", {})
    return {
        n.get("name", {}).get("value", "").strip(): {
            p["name"]: p["value"].get("value") for p in n.get("properties", [])
        }
        for n in driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
        if n.get("role", {}).get("value") in ("button", "toggleButton")
    }


def test_the_play_button_is_named_by_what_it_does_next_without_its_glyph(page):
    assert {"Play", "MIDI", "WAV"} <= set(buttons(page))  # not '▶ Play', read as 'black right-pointing triangle Play'
    assert "pressed" not in buttons(page)["Play"]
    page.execute_script("document.getElementById('play').click()")
    _wait(page, "return window.mvae.playing")
    shown = buttons(page)
    assert "Stop" in shown and "Play" not in shown and "pressed" not in shown["Stop"]  # it read 'Stop, pressed'
    assert page.execute_script("return document.getElementById('play').textContent") == "■ Stop"


def test_the_pads_value_names_the_training_loop_its_point_is_on(page):
    """A mouse names a training loop by hovering its dot; a screen reader hears it in the pad's value."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _wait(page, "return window.mvae.pointsReady")
    info = page.execute_script("return window.mvae.info")
    point = min(info["points"], key=lambda p: abs(p["z"][0]) + abs(p["z"][1]))
    steps = [round(v * 10) for v in point["z"]]  # the arrow keys' 0.1 grid point nearest to it: within a dot's hover
    keys = [Keys.ARROW_RIGHT if steps[0] > 0 else Keys.ARROW_LEFT] * abs(steps[0])
    keys += [Keys.ARROW_UP if steps[1] > 0 else Keys.ARROW_DOWN] * abs(steps[1])
    page.execute_script("document.getElementById('pad').focus()")
    ActionChains(page).send_keys(Keys.HOME, *keys).perform()
    value = page.execute_script("return document.getElementById('pad').getAttribute('aria-valuetext')")
    x, y = (f"{s / 10:.3f}" for s in steps)
    named = re.fullmatch(rf"x {x}, y {y}, near (.+), \d+ notes", value)
    assert named and named.group(1) in info["files"], value
    assert "notes" in page.execute_script("return document.getElementById('pad-hover').textContent")  # for the eye
