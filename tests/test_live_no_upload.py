"""``mvae serve --no-upload``: a show protected from guests' uploads. An upload was parsed in the server's process and
slowed the performer's OSC answers (p99 7-9 ms → 27 ms, docs/live.md; a worker process reads it now, which still
takes a core); with the option ``POST /api/encode`` is refused with a 403 that names it, before the body is read,
``/api/info`` says ``uploads: false`` and the page hides its "Open MIDI…" and refuses a dropped file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.serve.engine import NO_UPLOAD, Engine, UploadsOff
from mvae_core.serve.server import LiveServer
from tests.conftest import needs_browser
from tests.test_browser import _wait, drop_file


@pytest.fixture(scope="module")
def solo(synth_dir) -> bytes:
    return sorted(Path(synth_dir).glob("*.mid"))[0].read_bytes()


def test_an_upload_is_refused_with_a_403_naming_the_option(tiny_run, solo):
    """Old code: LiveServer took no such option, and every upload was parsed."""
    with LiveServer(tiny_run, port=0, uploads=False) as server:
        refused = httpx.post(f"{server.url}api/encode", content=solo, timeout=10)
        info = httpx.get(f"{server.url}api/info", timeout=10).json()
        played = httpx.post(f"{server.url}api/generate", json={"z": [0.5, -1]}, timeout=10)
    assert refused.status_code == 403
    assert refused.json() == {"error": NO_UPLOAD}
    assert "--no-upload" in NO_UPLOAD
    assert info["uploads"] is False and played.status_code == 200


def test_uploads_are_taken_by_default(tiny_run, solo):
    with LiveServer(tiny_run, port=0) as server:
        taken = httpx.post(f"{server.url}api/encode", content=solo, timeout=30)
        info = httpx.get(f"{server.url}api/info", timeout=10).json()
    assert taken.status_code == 200 and taken.json()["loops"]
    assert info["uploads"] is True


def test_the_engine_refuses_an_upload_from_python_too(tiny_run, solo):
    with pytest.raises(UploadsOff, match="--no-upload"):
        Engine(tiny_run, uploads=False).encode(solo, "solo.mid")


def test_mvae_serve_no_upload_serves_without_uploads_and_says_so(tiny_run, monkeypatch):
    served: list[LiveServer] = []
    monkeypatch.setattr(LiveServer, "serve_forever", lambda self, ready=None: served.append(self))
    result = CliRunner().invoke(app, ["serve", str(tiny_run), "--port", "0", "--no-upload"])
    assert result.exit_code == 0, result.output
    assert "  MIDI files: refused (--no-upload)\n" in result.stdout
    assert served[0].engine.uploads is False
    served[0].stop()


@needs_browser
def test_the_page_hides_open_midi_and_refuses_a_dropped_file(shared_browser, tiny_run, solo):
    browser = shared_browser
    with LiveServer(tiny_run, port=0, uploads=False) as server:
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        assert browser.execute_script("return document.getElementById('open-midi').offsetParent === null")
        drop_file(browser, solo, "solo.mid")
        _wait(browser, "return document.getElementById('status').textContent.includes('--no-upload')")
        assert "This server takes no MIDI files" in browser.execute_script(
            "return document.getElementById('status').textContent"
        )
        assert browser.execute_script("return document.getElementById('drop-overlay').hidden")
    with LiveServer(tiny_run, port=0) as server:  # by default the button is there
        browser.get(server.url)
        _wait(browser, "return window.mvae && window.mvae.ready === true")
        assert browser.execute_script("return document.getElementById('open-midi').offsetParent !== null")
