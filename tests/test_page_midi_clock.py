"""The page of `mvae serve --midi-out NAME --midi-clock-in PORT`: the tempo knob shows the tempo the DAW's MIDI clock
measures, disabled, with a word saying the clock sets it, and follows it (the page's loops take it); without a clock
the knob is the performer's."""

from __future__ import annotations

import mido
import pytest

from mvae_core.serve.midi_out import ClockInput, ClockPlayer
from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser

KNOB = "document.getElementById('knob-tempo')"
WORD = "document.querySelector('#knob-tempo').closest('.knob').querySelector('.knob-clock')"
SHOWN = "return document.querySelector('#knob-tempo').closest('.knob').querySelector('.knob-value').textContent"


def _clocks(player: ClockPlayer, start: float, bpm: float, count: int = 48) -> None:
    """``count`` MIDI clocks at ``bpm`` from ``start`` (seconds), as a DAW sends them."""
    for k in range(count):
        player.follower.feed(start + k * 60 / bpm / 24, mido.Message("clock"))


@pytest.fixture
def clocked(page_server):
    """The page server's engine followed by a clock player (not started: the test feeds its clocks)."""
    engine = page_server.engine
    player = ClockPlayer(engine, object(), ClockInput(lambda timeout: None, "mvae", lambda: None))
    engine.midi_clock = player
    yield player
    engine.midi_clock = None


def test_the_tempo_knob_shows_the_daw_s_tempo_disabled_and_follows_it(shared_browser, page_server, clocked):
    driver = shared_browser
    _clocks(clocked, 0.0, 128)
    driver.get(page_server.url)
    _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")
    assert driver.execute_script(f"return {KNOB}.disabled") is True
    assert driver.execute_script(SHOWN) == "128 bpm"
    assert driver.execute_script(f"return {WORD}.textContent") == "set by the DAW's MIDI clock (mvae), stopped"
    _wait(driver, "return window.mvae.current.tempo", equals=128)  # the page's loop sounds at the DAW's tempo
    _clocks(clocked, 10.0, 90)  # the DAW slows down
    driver.execute_script("document.dispatchEvent(new Event('visibilitychange'))")  # the page shown again: read now
    _wait(driver, SHOWN, equals="90 bpm", timeout=3)
    _wait(driver, "return window.mvae.current.tempo", equals=90, timeout=3)
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_without_a_clock_the_tempo_knob_is_the_performer_s(shared_browser, page_server):
    driver = shared_browser
    driver.get(page_server.url)
    _wait(driver, "return window.mvae && window.mvae.ready === true")
    assert driver.execute_script(f"return {KNOB}.disabled") is False
    assert driver.execute_script(f"return {WORD}") is None
