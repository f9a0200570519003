"""The page takes the files mvae reads as MIDI (.smf from hardware sequencers, .kar karaoke files: eda369c), by the
server's one list (/api/info's midi_suffixes, data.sources.READ_SUFFIXES); it refused a dropped .smf file as 'Not a
MIDI file (expected .mid or .midi)', which mvae encode and a folder search read."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mvae_core.data.sources import READ_SUFFIXES
from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait, drop_file


@pytest.fixture
def browser(shared_browser):
    """This test only drives a page: the session's one Chromium, fresh for the test (conftest's shared_browser)."""
    return shared_browser


def test_info_lists_the_suffixes_mvae_reads(tiny_run):
    with LiveServer(tiny_run, port=0) as server:
        assert httpx.get(server.url + "api/info", timeout=30).json()["midi_suffixes"] == list(READ_SUFFIXES)


@needs_browser
def test_a_dropped_smf_file_is_encoded_and_its_loops_shown(browser, tiny_run, synth_dir):
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    with LiveServer(tiny_run, port=0) as server:
        loops = httpx.post(server.url + "api/encode", content=file.read_bytes(), timeout=30).json()["loops"]
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        assert browser.execute_script("return document.getElementById('midi-file').accept").startswith(
            ".mid,.midi,.smf"
        )
        drop_file(browser, file.read_bytes(), "SONG01.SMF")
        _wait(browser, "return document.querySelectorAll('#file-loops .chip').length", equals=len(loops))
        assert browser.execute_script("return document.querySelector('#file-loops .muted').textContent").startswith(
            "SONG01.SMF: "
        )
