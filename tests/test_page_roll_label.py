"""The piano roll's "takes over at the next loop" label, shown while the loop heard is not the one drawn."""

from __future__ import annotations

from tests.conftest import needs_browser
from tests.test_browser import _wait

pytestmark = needs_browser
LABEL_BOX = """const c = document.getElementById('roll'), g = c.getContext('2d'), dpr = window.devicePixelRatio || 1;
g.font = '10px system-ui, sans-serif';
const right = c.clientWidth - 6, width = g.measureText('takes over at the next loop').width;
const d = g.getImageData(Math.floor((right - width) * dpr), 3 * dpr, Math.ceil(width * dpr), 10 * dpr).data;
let grey = 0, yellow = 0;
for (let i = 0; i < d.length; i += 4) {
  const [r, gr, b] = [d[i], d[i + 1], d[i + 2]];
  if (Math.max(r, gr, b) >= 80 && Math.max(r, gr, b) - Math.min(r, gr, b) < 30) grey += 1;
  if (r >= 120 && r - b >= 60) yellow += 1;
}
return {grey, yellow};"""


def _set_knob(driver, key: str, value: str) -> None:
    driver.execute_script(
        "const k = document.getElementById('knob-' + arguments[0]); k.value = arguments[1];"
        "k.dispatchEvent(new Event('input'));",
        key,
        value,
    )


def test_the_label_hides_the_beat_numbers_under_it(shared_browser, page_server):
    """The label was drawn over the header's beat numbers, which showed through its letters ("takes ov4er at the
    next loop" at the page's usual width); it now has the header's background under it, so no grey label pixel is
    left in its box, only its own yellow and the background."""
    driver = shared_browser
    driver.get(page_server.url)
    _wait(driver, "return window.mvae && window.mvae.ready === true && window.mvae.current !== null")
    _set_knob(driver, "tempo", "20")  # a 24 s loop: the drawn loop waits long enough for its label to be read
    _wait(driver, "return window.mvae.current.tempo", equals=20)
    driver.find_element("id", "play").click()
    _wait(driver, "return window.mvae.playing")
    _set_knob(driver, "density", "0.5")  # a new loop, drawn now and heard from the next boundary
    _wait(driver, "return window.mvae.current.density", equals=0.5)
    _wait(driver, LABEL_BOX.replace("return {grey, yellow};", "return yellow > 50;"))  # the label is drawn
    assert driver.execute_script(LABEL_BOX)["grey"] == 0
