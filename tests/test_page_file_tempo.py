"""A dropped MIDI file plays at its own tempo: ``POST /api/encode`` gives each loop's tempo in the file (``bpm``, as
``mvae encode`` does), and choosing a loop on the page (the drop chooses loop 0, a loop's button another) sets the
tempo knob to it. Before, the API left the tempo out and the page played a 137 bpm solo at the knob's 120."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from tests.conftest import needs_browser
from tests.synth import random_melody, write_midi
from tests.test_browser import _wait, drop_file

LOOP_TICKS = 32 * 240  # 2 bars of 16ths at 960 ticks per beat
TEMPOS = [93.0, 140.0]  # loop 0's, then loop 1's


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> bytes:
    """A take of 2 loops at 93 bpm, then 140."""
    path = write_midi(
        tmp_path_factory.mktemp("take") / "take.mid",
        random_melody(np.random.default_rng(3), n_loops=2, offset_std=0.0),
        tempos=[(k * LOOP_TICKS, bpm) for k, bpm in enumerate(TEMPOS)],
    )
    return path.read_bytes()


def test_encode_gives_each_loops_tempo_in_the_file(page_server, take):
    answer = httpx.post(page_server.url + "api/encode", content=take, timeout=30).json()
    assert [loop["bpm"] for loop in answer["loops"]] == TEMPOS


@needs_browser
def test_choosing_a_dropped_loop_sets_the_tempo_knob_to_its_tempo(shared_browser, page_server, take):
    browser = shared_browser
    browser.get(page_server.url)
    _wait(browser, "return window.mvae && window.mvae.ready === true")
    drop_file(browser, take, "take.mid")
    _wait(browser, "return window.mvae.current && window.mvae.current.tempo", equals=TEMPOS[0])
    chips = browser.execute_script("return [...document.querySelectorAll('#file-loops .chip')].map(c => c.textContent)")
    assert chips[1].endswith(f"· {TEMPOS[1]:g} bpm")
    browser.execute_script("document.querySelectorAll('#file-loops .chip')[1].click()")
    _wait(browser, "return window.mvae.current.tempo", equals=TEMPOS[1])
    shown = browser.execute_script("return document.querySelector('#knob-tempo').getAttribute('aria-valuetext')")
    assert shown == f"{TEMPOS[1]:g} bpm"
