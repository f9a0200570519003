"""A walk end (A or B) captured at a dropped loop beyond the pad's ±3 is drawn on the pad's edge, as the loop's
marker and the current point are (eacadce); it was drawn outside the canvas, so 'Set A' there showed no A."""

from __future__ import annotations

import base64
from pathlib import Path

from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait

MARKER = "(d) => Math.abs(d[0] - 230) < 4 && Math.abs(d[1] - 237) < 4 && Math.abs(d[2] - 243) < 4"  # A/B's #e6edf3
COUNT = f"""const c = document.getElementById('pad'); const g = c.getContext('2d');
    const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
    for (let i = 0; i < d.length; i += 4) if (({MARKER})(d.subarray(i, i + 3))) n += 1;
    return n;"""
DROP_FAR = """const real = window.fetch;
    window.fetch = (url, init) => String(url).endsWith('/api/encode')
      ? Promise.resolve(new Response(JSON.stringify({file: 'far.mid', loops: [{loop: 0, notes: 4, z: [6, 1.5]}]}),
          {headers: {'Content-Type': 'application/json'}}))
      : real(url, init);
    const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'far.mid', {type: 'audio/midi'}));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }"""


@needs_browser
def test_an_a_captured_beyond_the_pad_is_drawn_on_its_edge(browser, tiny_run, synth_dir):
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    with LiveServer(tiny_run, port=0) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        browser.execute_script(DROP_FAR, base64.b64encode(file.read_bytes()).decode())
        _wait(browser, "return window.mvae.current && window.mvae.current.z", equals=[6, 1.5])
        assert browser.execute_script(COUNT) == 0  # no A yet
        browser.execute_script("document.getElementById('set-a').click()")
        # the A disc on the pad's right edge, under the current point's ring (which jumped there too): before, nothing
        _wait(browser, COUNT.replace("return n;", "return n > 20;"))
