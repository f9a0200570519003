"""The page of `mvae serve` as it is seen: on a projector in a bright room (every text, in the document and drawn on
the pad's and the roll's canvases, has WCAG AA's 4.5:1 contrast against what it stands on), zoomed to 200 % (nothing
scrolls sideways and a message, errors above all, is read in the status line, not cut off after the model info), and
by a user who prefers reduced motion (the roll's playhead, the page's one animation, steps once a beat instead of
sweeping at every frame). Headless Chromium as in tests/test_browser.py, its settings emulated over the DevTools
protocol and set back after each test; one browser and one server for the module."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser


# ---------------------------------------------------------------- contrast

AA = 4.5

RECORD_CANVAS_TEXT = """window.canvasTexts = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  // the colour under the text's anchor before it is drawn: what the text stands on
  const p = this.getTransform().transformPoint(new DOMPoint(x, y));
  const px = [Math.min(Math.max(Math.floor(p.x), 0), this.canvas.width - 1),
              Math.min(Math.max(Math.floor(p.y), 0), this.canvas.height - 1)];
  const ground = [...this.getImageData(px[0], px[1], 1, 1).data];
  window.canvasTexts.push([String(text), String(this.fillStyle), ground]);
  return fillText.call(this, text, x, y, ...rest);
};"""
"""Run before the page's scripts: records every text drawn on a canvas as [text, its fillStyle, the RGBA under it]."""

CONTRASTS = """
const rgba = (s) => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
const parse = (s) => s.startsWith('#') ? [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)).concat(1) : rgba(s);
const over = (fg, bg) => [0, 1, 2].map((k) => fg[k] * fg[3] + bg[k] * (1 - fg[3])).concat(1);
const lum = (c) => c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
  .reduce((sum, v, k) => sum + v * [0.2126, 0.7152, 0.0722][k], 0);
const ratio = (fg, bg) => { const [a, b] = [lum(fg), lum(bg)]; return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
const out = [];
for (const [text, style, ground] of window.canvasTexts) {
  const bg = [ground[0], ground[1], ground[2], 1];
  out.push(['canvas: ' + text, ratio(over(parse(style), bg), bg)]);
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!n.textContent.trim() || !el.getClientRects().length || el.closest('[aria-disabled=true], :disabled')) continue;
  let bg = [255, 255, 255, 1], opacity = 1;
  const chain = []; for (let e = el; e; e = e.parentElement) chain.unshift(e);
  for (const e of chain) {
    const cs = getComputedStyle(e); opacity *= Number(cs.opacity);
    const c = rgba(cs.backgroundColor); if (c[3] > 0) bg = over(c, bg);
  }
  const fg = rgba(getComputedStyle(el).color);
  out.push([n.textContent.trim().slice(0, 40), ratio(over([fg[0], fg[1], fg[2], fg[3] * opacity], bg), bg)]);
}
return out;"""
"""[text, its contrast ratio] for every text drawn on a canvas and every visible, enabled text node of the document."""


@pytest.fixture
def recording(shared_browser) -> Iterator:
    """The session's shared Chromium, recording the texts pages draw on canvases (stopped after the test)."""
    script = shared_browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CANVAS_TEXT})
    yield shared_browser
    shared_browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def test_every_text_on_the_page_and_its_canvases_has_aa_contrast(recording, page_server):
    page = recording
    page.get(page_server.url)
    _wait(page, "return window.mvae && window.mvae.current !== null && window.mvae.pointsReady")
    page.execute_script("document.getElementById('walk').click()")  # an error message in the status line
    contrasts = page.execute_script(CONTRASTS)
    drawn = {text for text, _ in contrasts if text.startswith("canvas: ")}
    assert {"canvas: z0 →", "canvas: 3", "canvas: bar 1", "canvas: 2"} <= drawn, drawn  # the labels were seen:
    assert any(re.fullmatch(r"canvas: [A-G]♯?\d", text) for text in drawn), drawn  # the axes', beats', notes' names
    low = sorted({(text, round(ratio, 2)) for text, ratio in contrasts if ratio < AA})
    assert not low, low


# ---------------------------------------------------------------- 200 % zoom

WINDOW = (1400, 1000)  # conftest's Chromium window, in CSS pixels at 100 %


@pytest.fixture
def zoomed(shared_browser) -> Iterator:
    """The session's shared Chromium as its window shows a page at 200 % (set back after the test)."""
    metrics = {"width": WINDOW[0] // 2, "height": WINDOW[1] // 2, "deviceScaleFactor": 2, "mobile": False}
    shared_browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    yield shared_browser
    shared_browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_at_200_percent_an_error_message_is_shown_whole_beside_the_model_info(zoomed, page_server):
    zoomed.get(page_server.url)
    _wait(zoomed, "return window.mvae && window.mvae.current !== null")  # the info line holds the loop's numbers too
    assert zoomed.execute_script("return window.innerWidth") == WINDOW[0] // 2
    width = zoomed.execute_script("return document.documentElement.clientWidth")  # less the scroll bar
    assert zoomed.execute_script("return document.documentElement.scrollWidth") <= width, "scrolls sideways"
    zoomed.execute_script("document.getElementById('walk').click()")  # no A and B yet: an error message
    message, shown, whole = zoomed.execute_script(
        """const m = document.querySelector('.status-msg'), s = document.getElementById('status').getBoundingClientRect();
        const r = m.getBoundingClientRect();
        return [m.textContent, Math.max(0, Math.min(r.right, s.right) - Math.max(r.left, s.left)), Math.max(r.width, m.scrollWidth)];"""
    )
    assert message.startswith("Set A and B first")
    assert shown >= whole > 0, f"{shown} of the message's {whole} px are visible"


# ---------------------------------------------------------------- reduced motion

PLAYHEAD_XS = """const done = arguments[arguments.length - 1], c = document.getElementById('roll'), xs = [];
const ms = arguments[0], start = performance.now();
(function sample() {
  // the bottom row of the roll, a pitch row of margin that holds no note: only the playhead is near white there
  const row = c.getContext('2d').getImageData(0, c.height - 2, c.width, 1).data;
  for (let x = 0; x < c.width; x++) {
    if (row[4 * x] > 180 && row[4 * x + 1] > 180 && row[4 * x + 2] > 180) { xs.push(x); break; }
  }
  const elapsed = performance.now() - start;
  if (elapsed < ms || xs.length < 6) requestAnimationFrame(sample); else done([xs, elapsed]);
})();"""
"""Samples, at each animation frame, the x (device pixels) where the playhead crosses the roll, for at least
arguments[0] ms and until it was seen 6 times (a loaded machine draws few frames; a page that never draws it ends in
the script's timeout): ``[xs, elapsed ms]``."""


@pytest.fixture
def reduced_motion(shared_browser) -> Iterator:
    """The session's shared Chromium as a system set to reduce motion shows pages (set back after the test)."""
    features = [{"name": "prefers-reduced-motion", "value": "reduce"}]
    shared_browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
    yield shared_browser
    shared_browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_with_reduced_motion_the_playhead_steps_once_a_beat(reduced_motion, page_server):
    page = reduced_motion
    page.get(page_server.url)
    _wait(page, "return window.mvae && window.mvae.current !== null")
    page.execute_script("document.getElementById('play').click()")
    _wait(page, "return window.mvae.playing && window.mvae.audio.currentTime > 0")
    xs, elapsed = page.execute_async_script(PLAYHEAD_XS, 700)  # until the playhead was seen 6 times
    beat_seconds = page.execute_script("return 60 / window.mvae.current.tempo")
    # about 0.7 s, at 0.5 s a beat: the playhead stood in at most 2 places (it moved at nearly every frame)
    assert len(set(xs)) <= int(elapsed / 1000 / beat_seconds) + 1, (sorted(set(xs)), elapsed)
