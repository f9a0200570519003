"""The page of `mvae serve` in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven by
selenium) loads it from a running server, clicks the pad, and the piano roll shows the notes the API returns for the
point under the click while playback runs. `.ci/run` installs the browser; elsewhere the test says what to install.

``MVAE_SCREENSHOT=docs/figures/live_page.png MVAE_SCREENSHOT_RUN=runs/demo`` also saves the screenshot that
docs/live.md shows, of that run.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from pathlib import Path

import httpx
import pytest

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser

pytestmark = needs_browser
CLICK = (0.72, 0.28)  # where the test clicks, as a share of the pad's width and height


@pytest.fixture
def browser(shared_browser):
    """These tests only drive pages: the session's one Chromium, fresh for each test (conftest's shared_browser)."""
    return shared_browser


def _wait(driver, script: str, timeout: float = 30.0, equals: object = True) -> None:
    """Poll ``script`` until it returns ``equals`` (a Python value; JSON-like values compare as Python's)."""
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(script) == equals)


def drop_file(driver, data: bytes, name: str) -> None:
    """Drop a file named ``name`` holding ``data`` on the page, as a user dragging it from a file manager does."""
    driver.execute_script(
        """const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], arguments[1], {type: 'audio/midi'}));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        base64.b64encode(data).decode(),
        name,
    )


def answer_encode_with(driver, loops: list[dict]) -> None:
    """Make the page's ``POST /api/encode`` answer ``loops`` (e.g. one that encodes beyond the pad), as if the
    server had encoded the dropped file so; a loop without its ``bpm`` (the tempo in the file) is at 120."""
    driver.execute_script(
        """const real = window.fetch, loops = arguments[0].map((loop) => ({bpm: 120, ...loop}));
        window.fetch = (url, init) => String(url).endsWith('/api/encode')
          ? Promise.resolve(new Response(JSON.stringify({file: 'x.mid', loops}),
              {headers: {'Content-Type': 'application/json'}}))
          : real(url, init);""",
        loops,
    )


def pad_pixels(driver, rgb: tuple[int, int, int], tolerance: int) -> int:
    """How many of the pad canvas's pixels are within ``tolerance`` of colour ``rgb`` in each channel."""
    return driver.execute_script(
        """const [rgb, tol] = arguments; const c = document.getElementById('pad');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if ([0, 1, 2].every((k) => Math.abs(d[i + k] - rgb[k]) <= tol)) n += 1;
        }
        return n;""",
        list(rgb),
        tolerance,
    )


def test_clicking_the_pad_shows_and_plays_the_loop_the_api_returns(browser, tiny_run, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    run = Path(os.environ.get("MVAE_SCREENSHOT_RUN") or tiny_run)
    with LiveServer(run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        pad = browser.find_element(By.ID, "pad")
        box = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", pad)
        extent = browser.execute_script("return window.mvae.info.extent")
        px, py = round(CLICK[0] * box[0]), round(CLICK[1] * box[1])
        # selenium offsets are from the element's centre, in whole CSS pixels
        ActionChains(browser).move_to_element_with_offset(pad, px - box[0] // 2, py - box[1] // 2).click().perform()
        px, py = px - box[0] / 2 + box[0] // 2, py - box[1] / 2 + box[1] // 2  # the pixel actually clicked
        z = [round(-extent + 2 * extent * px / box[0], 3), round(extent - 2 * extent * py / box[1], 3)]
        expected = httpx.post(server.url + "api/generate", json={"z": z}, timeout=30).json()
        want = [[n["pitch"], n["start"], n["end"], n["velocity"]] for n in expected["notes"]]
        _wait(browser, "return window.mvae.current && window.mvae.current.z", equals=z)
        shown = json.loads(browser.find_element(By.ID, "roll").get_attribute("data-notes"))
        assert shown == want and want, f"z={z}"
        assert browser.execute_script("return window.mvae.audio && window.mvae.audio.state") == "running"
        assert browser.execute_script("return window.mvae.playing") is True
        _wait(browser, "return window.mvae.pointsReady", timeout=180)  # the training loops' dots are drawn
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        screenshot = tmp_path / "page.png"
        browser.save_screenshot(str(screenshot))
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("MVAE_SCREENSHOT"):
            shutil.copy(screenshot, os.environ["MVAE_SCREENSHOT"])


def test_the_legend_names_only_the_files_with_dots_on_the_pad(browser, tiny_run):
    """The pad shows the training loops; the legend must not count or list the validation files too."""
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.pointsReady === true", timeout=180)
        browser.execute_script("document.getElementById('color-file').click()")
        points = httpx.get(server.url + "api/points", timeout=30).json()
        with_dots = sorted({p["file"] for p in points["points"]})
        assert 0 < len(with_dots) < len(points["files"]) <= 8  # the tiny run holds validation files too
        legend = browser.execute_script(
            "return [...document.querySelectorAll('#legend .legend-item')].map((e) => e.textContent)"
        )
        assert legend == [points["files"][i] for i in with_dots]


def test_the_page_keeps_asking_for_the_dots_after_a_failed_request(browser, tiny_run):
    """A failed ``/api/points`` (a 500 while the page waits for the dots) is shown, and the page asks again."""
    with LiveServer(tiny_run, port=0) as server:
        real, answers = server.points.get, iter(["not ready", "fail", "fail"])

        def flaky() -> dict:
            answer = next(answers, "real")
            if answer == "fail":
                raise RuntimeError("a failure of the test's making")
            return real() if answer == "real" else {"files": [], "points": [], "note": "…", "ready": False}

        server.points.get = flaky  # /api/info, then /api/points, answer through it
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.pointsReady === true", timeout=60)
        assert next(answers, "used up") == "used up"  # both failures were served


def test_a_bad_request_from_the_page_is_shown_not_thrown(browser, tiny_run):
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        message = browser.execute_async_script(
            """const done = arguments[arguments.length - 1];
            fetch('/api/generate', {method: 'POST', body: '{"z": [99, 0]}'})
              .then(r => r.json()).then(j => done(j.error));"""
        )
        assert "within ±10" in message
        assert browser.execute_script("return window.mvae.ready") is True


def test_dropping_a_midi_file_jumps_to_its_first_loop(browser, tiny_run, synth_dir):
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    with LiveServer(tiny_run, port=0) as server:
        encoded = httpx.post(server.url + "api/encode", content=file.read_bytes(), timeout=30).json()["loops"]
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        drop_file(browser, file.read_bytes(), "Solo für Saxophon 🎷.mid")  # X-Filename: percent-encoded
        first = [round(v, 3) for v in encoded[0]["z"]]
        _wait(browser, "return window.mvae.current && window.mvae.current.z", equals=first)
        chips = browser.execute_script("return document.querySelectorAll('#file-loops .chip').length")
        assert chips == len(encoded)
        label = browser.execute_script("return document.querySelector('#file-loops .muted').textContent")
        assert label == f"Solo für Saxophon 🎷.mid: {len(encoded)} loops"


def test_a_dropped_loop_beyond_the_pad_is_drawn_on_its_edge(browser, tiny_run, synth_dir):
    """A file's loop can encode outside the pad's ±3 (the API takes |z| up to 10): its marker and the current point
    that jumps to it were drawn outside the canvas, so the page showed nothing where the music came from."""
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    gold = (255, 209, 102)  # the markers' #ffd166
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        assert pad_pixels(browser, gold, 12) == 0  # nothing gold before the drop
        answer_encode_with(browser, [{"loop": 1, "notes": 4, "z": [6, 1.5]}])
        drop_file(browser, file.read_bytes(), "far.mid")
        _wait(browser, "return window.mvae.current && window.mvae.current.z", equals=[6, 1.5])
        assert pad_pixels(browser, gold, 12) > 20  # the marker and its label, on the pad's right edge


def test_a_seed_the_server_would_refuse_is_not_taken(browser, tiny_run):
    """A seed over 2³² − 1 would make every later request fail; the page keeps the last good one and says why."""
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")
        browser.execute_script(
            "const s = document.getElementById('seed'); s.value = '7'; s.dispatchEvent(new Event('change'));"
        )
        _wait(browser, "return window.mvae.current.seed", equals=7)
        browser.execute_script(
            "const s = document.getElementById('seed'); s.value = '99999999999'; s.dispatchEvent(new Event('change'));"
        )
        assert browser.execute_script("return document.getElementById('seed').value") == "7"
        status = browser.execute_script("return document.querySelector('#status .status-msg').textContent")
        assert status == "A seed is a whole number from 0 to 4294967295; kept 7."
        browser.execute_script(  # the next request still plays, with the kept seed
            "const t = document.getElementById('knob-density'); t.value = '0.5'; t.dispatchEvent(new Event('input'));"
        )
        _wait(browser, "return window.mvae.current.density", equals=0.5)
        assert browser.execute_script("return window.mvae.current.seed") == 7


def test_the_knobs_take_their_ranges_and_starting_values_from_the_server(browser, tiny_run):
    """One source of truth: the page's sliders are the server's KNOBS, starting at the run's defaults."""
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        info = httpx.get(server.url + "api/info", timeout=30).json()
        for knob, (low, high) in info["ranges"].items():
            if knob == "seed":
                continue
            slider = browser.execute_script(
                f"const k = document.getElementById('knob-{knob}'); return [k.min, k.max, k.value];"
            )
            assert [float(v) for v in slider] == [low, high, info["defaults"][knob]], knob
        assert browser.execute_script("return document.getElementById('seed').max") == str(info["ranges"]["seed"][1])


def test_the_walk_steps_field_shows_the_number_the_walk_uses(browser, tiny_run):
    """An emptied field keeps the last number (it used to mean 2, shown as blank); an out-of-range one is clamped."""
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        shown = []
        for typed in ("5", "", "1000"):
            shown.append(
                browser.execute_script(
                    "const s = document.getElementById('walk-steps'); s.value = arguments[0];"
                    "s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); return s.value;",
                    typed,
                )
            )
        assert shown == ["5", "5", "64"]


def test_the_walk_plays_the_points_between_a_and_b_one_per_loop(browser, tiny_run):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        _wait(browser, "return window.mvae.current !== null && window.mvae.current !== undefined")  # [0, 0] first
        browser.execute_script(  # the fastest tempo: a loop of 1.6 s
            "const t = document.getElementById('knob-tempo'); t.value = t.max;t.dispatchEvent(new Event('input'));"
        )
        pad = browser.find_element(By.ID, "pad")
        points = []
        for offset in ((-100, 80), (100, -80)):  # A, then B
            before = browser.execute_script("return window.mvae.current.z")  # [0, 0] before the first click
            ActionChains(browser).move_to_element_with_offset(pad, *offset).click().perform()
            WebDriverWait(browser, 30, poll_frequency=0.05).until(  # the clicked point's loop has arrived
                lambda d, before=before: (
                    d.execute_script("return window.mvae.current && window.mvae.current.z") not in (None, before)
                )
            )
            points.append(browser.execute_script("return window.mvae.current.z"))
            browser.find_element(By.ID, "set-a" if len(points) == 1 else "set-b").click()
        browser.execute_script("const s = document.getElementById('walk-steps'); s.value = '3';")
        browser.find_element(By.ID, "walk").click()
        (ax, ay), (bx, by) = points
        middle = [round((ax + bx) / 2, 3), round((ay + by) / 2, 3)]
        seen = []
        deadline = time.monotonic() + 30
        while len(seen) < 5 and time.monotonic() < deadline:
            z = browser.execute_script("return window.mvae.current.z")
            if not seen or z != seen[-1]:
                seen.append(z)
            time.sleep(0.05)
        # B (the point before the walk), then one step per loop, back and forth: A, middle, B, middle
        assert seen == [points[1], points[0], middle, points[1], middle], seen


@pytest.mark.parametrize(
    ("latent_dim", "readout"),
    [(1, "● z = (0.000) · latent_dim 1: the pad's y is not used"), (4, "● z = (0.000, 0.000, 0 × 2)")],
)
def test_a_model_of_other_than_two_dimensions_draws_its_training_loops_on_the_pad(
    browser, synth_dir, tmp_path, latent_dim, readout
):
    """latent_dim 1: the points have one number, the pad's y is 0 for them (it was undefined, so every dot landed at
    NaN and the pad stayed empty). The readout shows the point the model gets (it showed a y a 1-D model lacks)."""
    import mvae_core
    from tests.training import TINY

    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=[*TINY, f"model.latent_dim={latent_dim}"], epochs=1, progress=False)
    with LiveServer(run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.pointsReady === true", timeout=180)
        drawn = browser.execute_script("return window.mvae.info.points.map((p) => p.z)")
        sent = httpx.get(server.url + "api/points", timeout=30).json()["points"]
        assert drawn and drawn == [[p["z"][0], p["z"][1] if latent_dim > 1 else 0] for p in sent]
        assert browser.execute_script("return document.getElementById('pad-current').textContent") == readout


def test_a_starting_tempo_between_whole_numbers_is_shown_as_it_plays(browser, tiny_run):
    """``mvae serve --tempo 97.5``: the knob read '98 bpm' while the loops played at 97.5."""
    with LiveServer(tiny_run, port=0, tempo=97.5) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.current !== null")
        assert browser.execute_script("return window.mvae.current.tempo") == 97.5
        shown = browser.execute_script("return document.getElementById('knob-tempo').parentElement.textContent")
        assert "97.5 bpm" in shown, shown


def test_the_pages_wav_download_is_exactly_one_loop_long(browser, tiny_run):
    """The page's MIDI download loops exactly; its WAV lasted the loop plus the release, so a DAW looped the two
    apart. It is now the loop's length, the release wrapped onto the start."""
    from selenium.webdriver.common.by import By

    from mvae_core.audio import SAMPLE_RATE
    from mvae_core.loop_file import loop_seconds

    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        browser.execute_script(
            "window.downloaded = []; const make = URL.createObjectURL;"
            "URL.createObjectURL = (blob) => { window.downloaded.push(blob); return make(blob); };"
        )
        browser.find_element(By.ID, "dl-wav").click()
        _wait(browser, "return window.downloaded.length", equals=1)
        size = browser.execute_script("return window.downloaded[0].size")
        tempo = browser.execute_script("return window.mvae.info.defaults.tempo")
        assert (size - 44) // 2 == round(loop_seconds(tempo) * SAMPLE_RATE)  # 16-bit mono after a 44-byte header
