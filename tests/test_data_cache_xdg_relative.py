"""``$XDG_CACHE_HOME`` holding a relative path or only spaces is ignored, as the XDG Base Directory specification asks
(the parse cache goes to ``~/.cache/mvae``): mvae made ``./relative/mvae`` or a folder named with spaces inside
whatever folder it was started from, and filled it with parse-cache entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.data.cache import default_cache_dir


@pytest.mark.parametrize("value", ["cache", "./cache", "  "])
def test_a_relative_or_blank_xdg_cache_home_is_ignored(monkeypatch, tmp_path: Path, value: str) -> None:
    monkeypatch.delenv("MVAE_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", value)
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "mvae"


def test_an_absolute_xdg_cache_home_is_taken(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MVAE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "mvae"
