"""The browser tests' headless Chromium leaves nothing behind in the temporary folder.

Chromium makes a singleton socket folder (``org.chromium.Chromium.XXXXXX``) in ``$TMPDIR`` and leaves it there even
on a clean quit; the suite used to leave one in /tmp per browser it started."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.conftest import _chromium, needs_browser


@needs_browser
def test_chromium_leaves_nothing_in_the_temporary_folder(monkeypatch):
    # A short folder of the test's own: Chromium's socket path must fit a Unix socket's 108 bytes (tmp_path may not).
    with tempfile.TemporaryDirectory(prefix="mvae-t-") as name:
        _check_leaves_nothing(Path(name), monkeypatch)


def _check_leaves_nothing(outer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(outer))  # what Chromium would inherit
    monkeypatch.setattr(tempfile, "tempdir", str(outer))  # where Python's temporary folders go
    with _chromium() as driver:
        driver.get("about:blank")
        made = [p.name for p in outer.rglob("org.chromium.Chromium.*")]
        assert made, "Chromium made no folder under the temporary folder: this test no longer sees what it checks"
    assert list(outer.iterdir()) == []
