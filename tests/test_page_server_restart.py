"""The page of `mvae serve` while its server goes away and comes back, as in a show: the laptop's server is stopped
(Ctrl-C, a crash, the Wi-Fi gone) and started again, on the same run or on another one, or with other settings (a
performer shutting out guests' uploads with --no-upload before the show), with the page left open, during a walk too.
Headless Chromium as in tests/test_browser.py."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from mvae_core.serve.engine import Engine
from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait, drop_file

pytestmark = needs_browser

MESSAGE = "document.querySelector('#status .status-msg').textContent"
STATUS = f"return {MESSAGE}"


def _port(live: LiveServer) -> int:
    return int(live.url.rsplit(":", 1)[1].strip("/"))


def _open(driver, live: LiveServer) -> None:
    driver.get(live.url)
    _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")


def _move_point(driver) -> None:
    """Two steps right with the keyboard: the point becomes (0.2, 0)."""
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("document.getElementById('pad').focus()")
    driver.find_element("id", "pad").send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)


@contextlib.contextmanager
def _restarted_on_another_run(driver, run: Path, tmp_path: Path) -> Iterator[Path]:
    """The page open on a server of ``run``, then that server stopped and another started on the same port with a
    copy of the run (another run to the page); yields the copy's path while the second server runs."""
    other = tmp_path / "other-run"
    shutil.copytree(run, other, ignore=shutil.ignore_patterns("*.lock"))
    with LiveServer(run, port=0) as live:
        port = _port(live)
        _open(driver, live)
    with LiveServer(other, port=port):
        yield other


def test_a_point_moved_while_the_server_was_gone_is_played_once_it_is_back(shared_browser, tiny_run):
    with LiveServer(tiny_run, port=0) as live:
        port = _port(live)
        _open(shared_browser, live)
    _move_point(shared_browser)
    _wait(shared_browser, STATUS, equals="⚠ server unreachable (/api/generate); trying again every 2 s")
    # each retry leaves the message as it is, so a screen reader says it once (the status line is aria-live)
    shared_browser.execute_script(
        """window.statusChanges = 0;
        new MutationObserver((changes) => { window.statusChanges += changes.length; })
          .observe(document.querySelector('#status .status-msg'), {childList: true, characterData: true});"""
    )
    sent = "return performance.getEntriesByName(location.origin + '/api/generate').length"
    retries = shared_browser.execute_script(sent)
    _wait(shared_browser, f"{sent} > {retries}")  # a retry failed
    shared_browser.execute_async_script("setTimeout(arguments[0], 200)")  # and its failure was shown
    assert shared_browser.execute_script("return window.statusChanges") == 0
    assert shared_browser.execute_script("return window.mvae.current.z") == [0, 0]  # the last loop plays on
    with LiveServer(tiny_run, port=port):
        _wait(shared_browser, "return window.mvae.current.z", equals=[0.2, 0], timeout=15)
        assert shared_browser.execute_script(STATUS) == ""


def test_a_server_restarted_on_another_run_makes_the_page_say_reload_and_keep_its_loop(
    shared_browser, tiny_run, tmp_path
):
    with _restarted_on_another_run(shared_browser, tiny_run, tmp_path) as other:
        _move_point(shared_browser)
        _wait(shared_browser, f"return {MESSAGE}.startsWith('⚠ Reload the page: ')", timeout=15)
        message = shared_browser.execute_script(STATUS)
        # what changed is named: the performer sees why the dots, knobs and roll are stale
        assert f"the server was restarted and now serves {other} (melody_rnn, epoch 3, latent 2); " in message
        assert f"; changed: run (was {tiny_run}). Until then the last loop plays on " in message
        assert shared_browser.execute_script("return window.mvae.current.z") == [0, 0]  # not the other model's loop
        # a later success does not clear it: the dots, knobs and roll are still the first run's
        _move_point(shared_browser)
        shared_browser.execute_script("document.getElementById('knob-density').dispatchEvent(new Event('input'))")
        _wait(shared_browser, "return window.mvae.point", equals=[0.4, 0])
        assert shared_browser.execute_script(STATUS) == message


def test_a_refusal_from_a_server_restarted_on_another_run_also_says_reload(shared_browser, tiny_run, tmp_path):
    """A server on a model of another latent_dim refuses every point the old page sends (422, 'z must be a list of 3
    numbers'): the page must say what happened from a refusal too (here of a dropped file that is no MIDI)."""
    with _restarted_on_another_run(shared_browser, tiny_run, tmp_path):
        drop_file(shared_browser, b"MThd not really", "song.mid")
        _wait(shared_browser, f"return {MESSAGE}.startsWith('⚠ Reload the page: ')", timeout=15)


def test_every_answer_names_the_model_served(tiny_run):
    with LiveServer(tiny_run, port=0) as live:
        served = live.engine.served
        assert httpx.get(live.url + "api/info", timeout=10).json()["served"] == served
        answers = [
            httpx.post(live.url + "api/generate", json={"z": [0, 0]}, timeout=10),
            httpx.post(live.url + "api/generate", json={"z": [0, 0, 0]}, timeout=10),  # 422
            httpx.get(live.url + "api/nothing", timeout=10),  # 404
            httpx.get(live.url + "api/info", headers={"Origin": "http://elsewhere.example"}, timeout=10),  # 403
            httpx.get(live.url, timeout=10),
        ]
        assert [a.status_code for a in answers] == [200, 422, 404, 403, 200]
        assert {a.headers.get("X-Mvae-Served") for a in answers} == {served}


def test_a_restart_on_the_same_model_and_settings_serves_the_same_digest(tiny_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run, ignore=shutil.ignore_patterns("*.lock"))
    with LiveServer(run, port=0) as first:
        served = first.engine.served
    # an epoch trained on that was no better: the same model plays
    metrics = run / "metrics.jsonl"
    last = json.loads(metrics.read_text().splitlines()[-1])
    metrics.write_text(metrics.read_text() + json.dumps({**last, "epoch": last["epoch"] + 1}) + "\n")
    with LiveServer(run, port=0) as again:
        assert again.engine.epochs_trained == first.engine.epochs_trained + 1
        assert again.engine.served == served


def test_other_settings_serve_the_same_model_digest_and_other_settings(tiny_run):
    """``served`` is MODEL.SETTINGS: --tempo (the tempo knob's default) and --no-upload leave the model's part as it
    is, so that an open page takes them without a reload."""
    model, settings = Engine(tiny_run, uploads=False).served.split(".")
    for other in (Engine(tiny_run, uploads=True), Engine(tiny_run, tempo=90, uploads=False)):
        assert other.served.split(".")[0] == model
        assert other.served.split(".")[1] != settings


def test_a_restart_with_no_upload_and_another_tempo_keeps_the_pad_playing_and_takes_them(shared_browser, tiny_run):
    """The pad went dead until a reload, under a banner saying the server now serves... the same run, epoch and
    latent dimension: a restart with --no-upload (as live.md advises before a show) or another --tempo changed the
    digest. Now the page takes the new settings as a reload would (a knob at the old default moves to the new one)
    and says what changed."""
    with LiveServer(tiny_run, port=0) as live:
        port = _port(live)
        _open(shared_browser, live)
    assert shared_browser.execute_script("return document.getElementById('midi-in').hidden") is False
    with LiveServer(tiny_run, port=port, uploads=False, tempo=90):
        _move_point(shared_browser)
        _wait(shared_browser, "return window.mvae.current.z", equals=[0.2, 0], timeout=15)
        _wait(shared_browser, "return window.mvae.current.tempo", equals=90)
        assert shared_browser.execute_script(STATUS) == (
            "The server was restarted with other settings: MIDI files are now refused (--no-upload); tempo 90 bpm by "
            "default (was 120 bpm), taken."
        )
        assert shared_browser.execute_script("return document.getElementById('midi-in').hidden") is True
        # the tempo knob now resets to the server's new default
        shared_browser.execute_script(
            """const t = document.getElementById('knob-tempo'); t.value = '100'; t.dispatchEvent(new Event('input'));
            t.dispatchEvent(new KeyboardEvent('keydown', {key: 'Delete'}));"""
        )
        _wait(shared_browser, "return window.mvae.current.tempo", equals=90)
        assert "reset to 90)" in shared_browser.execute_script("return document.getElementById('knob-tempo').title")


def test_a_walk_says_the_server_is_back_once_it_is(shared_browser, tiny_run):
    """The walk went on playing from a restarted server while the status line still said "server unreachable"."""
    with LiveServer(tiny_run, port=0) as live:
        port = _port(live)
        _open(shared_browser, live)
        shared_browser.execute_script("document.getElementById('set-a').click()")
        _move_point(shared_browser)
        shared_browser.execute_script(
            """document.getElementById('set-b').click();
            const t = document.getElementById('knob-tempo'); t.value = '300'; t.dispatchEvent(new Event('input'));
            document.getElementById('walk').click();"""
        )
        _wait(shared_browser, "return document.getElementById('walk-info').textContent.startsWith('step ')")
    unreachable = "⚠ server unreachable (/api/generate); trying again at the next loop"
    _wait(shared_browser, STATUS, equals=unreachable, timeout=15)
    with LiveServer(tiny_run, port=port):
        _wait(shared_browser, STATUS, equals="", timeout=15)
        assert (
            shared_browser.execute_script("return document.getElementById('walk').getAttribute('aria-pressed')")
            == "true"
        )


def test_a_restart_that_adds_then_drops_midi_clock_in_gives_the_tempo_knob_to_the_clock_and_back(
    shared_browser, tiny_run, monkeypatch
):
    """A restart that only added --midi-clock-in served the same digest (the clock was attached after it was
    computed), so the open page went on with a tempo knob the server refused; now it takes the clock's knob, and
    the knob back when a restart drops the clock, saying so."""
    from mvae_core.serve.midi_out import ClockInput

    output = type("Out", (), {"send": lambda self, m: None, "close": lambda self: None})
    monkeypatch.setattr("mvae_core.serve.server.open_virtual_output", lambda name: output())
    clock_in = ClockInput(lambda timeout: time.sleep(timeout), "mvae", lambda: None)  # a DAW sending nothing yet
    monkeypatch.setattr("mvae_core.serve.server.open_clock_input", lambda name, out: clock_in)
    knob, word = "document.getElementById('knob-tempo')", ".closest('.knob').querySelector('.knob-clock')"
    with LiveServer(tiny_run, port=0) as live:
        port = _port(live)
        _open(shared_browser, live)
    with LiveServer(tiny_run, port=port, midi_out="mvae", midi_clock_in="mvae"):
        _move_point(shared_browser)
        _wait(shared_browser, f"return {knob}.disabled", equals=True, timeout=15)
        assert shared_browser.execute_script(f"return {knob}{word}.textContent") == (
            "set by the DAW's MIDI clock (mvae): waiting for it"
        )
        assert shared_browser.execute_script(STATUS) == (
            "The server was restarted with other settings: the tempo follows the DAW's MIDI clock (mvae)."
        )
    with LiveServer(tiny_run, port=port):
        _move_point(shared_browser)
        _wait(shared_browser, f"return {knob}.disabled", equals=False, timeout=15)
        assert shared_browser.execute_script(f"return {knob}{word}") is None
        assert shared_browser.execute_script(STATUS) == (
            "The server was restarted with other settings: the tempo knob is yours again (no --midi-clock-in)."
        )
