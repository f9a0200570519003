"""A download's name tells takes apart: after the point and the seed it names each knob not at its default, in the
server's ``Content-Disposition`` and so on the page. Before, two takes at one point and seed with other knobs were
both ``mvae_z_+0.00_+0.00_seed42.mid`` (the browser added " (1)")."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import needs_browser
from tests.test_browser import _wait


def _name(answer: httpx.Response) -> str:
    return answer.headers["content-disposition"].removeprefix('attachment; filename="').removesuffix('"')


@pytest.mark.parametrize(
    ("knobs", "name"),
    [
        ({}, "mvae_z_+0.50_-1.00_seed42.mid"),
        ({"tempo": 120, "grid_offset": 1}, "mvae_z_+0.50_-1.00_seed42.mid"),  # at their defaults: not named
        (
            {"density": 1.5, "temperature": 0.8, "timing_temperature": 0, "grid_offset": 2, "tempo": 97.5},
            "mvae_z_+0.50_-1.00_seed42_density1.5_temp0.8_ttemp0_grid2_97.5bpm.mid",
        ),
    ],
)
def test_a_download_is_named_by_its_point_seed_and_the_knobs_not_at_their_defaults(page_server, knobs, name):
    body = {"z": [0.5, -1], "seed": 42, **knobs}
    assert _name(httpx.post(page_server.url + "api/midi", json=body, timeout=30)) == name
    wav = httpx.post(page_server.url + "api/wav?wrap_release=true", json=body, timeout=60)
    assert _name(wav) == name.removesuffix(".mid") + ".wav"


@needs_browser
def test_the_page_names_a_download_as_the_server_does(shared_browser, page_server):
    page = shared_browser
    page.get(page_server.url)
    _wait(page, "return window.mvae && window.mvae.ready === true")
    page.execute_script("""const knob = document.getElementById('knob-grid_offset');
        knob.value = '2'; knob.dispatchEvent(new Event('input'));
        document.getElementById('dl-midi').click();""")
    _wait(page, "return document.querySelector('.status-msg').textContent.startsWith('Downloaded')")
    said = page.execute_script("return document.querySelector('.status-msg').textContent")
    assert said == "Downloaded mvae_z_+0.00_+0.00_seed0_grid2.mid"
