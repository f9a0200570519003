"""The pad's axis labels (z0 →, ↑ z1, its ends ±3) stay readable over a dense cloud of training loops."""

from __future__ import annotations

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser
# Every answer carrying the training loops gets a dense cloud of them where the labels are: the top of the z1 axis,
# the right end of the z0 axis and the corners.
CROWD = """const crowd = [];
for (let i = 0; i <= 40; i++) {
  for (let j = 0; j <= 8; j++) {
    const a = i / 40, b = j / 8;
    crowd.push([0.05 + 1.2 * a, 2.55 + 0.45 * b], [1.9 + 1.1 * a, 0.05 + 0.5 * b],
      [-3 + 0.6 * a, -3 + 0.4 * b], [2.4 + 0.6 * a, -3 + 0.4 * b], [-3 + 0.6 * a, 2.6 + 0.4 * b]);
  }
}
const points = crowd.map((z) => ({ z, file: 0, notes: 9 }));
const real = window.fetch;
window.fetch = async (url, init) => {
  const resp = await real(url, init);
  if (!/\\/api\\/(info|points)$/.test(String(url))) return resp;
  const body = await resp.json();
  body.points = [...body.points, ...points];
  return new Response(JSON.stringify(body), { status: resp.status, headers: resp.headers });
};"""
DOT_PIXELS = """const c = document.getElementById('pad'), g = c.getContext('2d'), dpr = window.devicePixelRatio || 1;
return window.mvae.axisLabels.map((b) => {
  const d = g.getImageData(Math.round(b.left * dpr), Math.round(b.top * dpr),
    Math.round((b.right - b.left) * dpr), Math.round((b.bottom - b.top) * dpr)).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 50) n += 1;
  return [b.text, n];
});"""


def test_the_axis_labels_are_drawn_over_the_training_loops(shared_browser, page_server):
    """The labels were drawn before the dots, so a cloud of training loops near the top of the z1 axis (the docs'
    screenshot) covered '↑ z1'. They are now drawn over the dots, each on a patch of the pad's background: no dot
    colour is left in their boxes."""
    driver = shared_browser
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CROWD})
    try:
        driver.get(page_server.url)
        _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.pointsReady === true")
        driver.execute_script("return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        covered = driver.execute_script(DOT_PIXELS)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    assert [text for text, _ in covered] == ["z0 →", "↑ z1", "-3", "3", "3"]
    assert [n for _, n in covered] == [0, 0, 0, 0, 0]
