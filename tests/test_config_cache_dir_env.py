"""``$MVAE_CACHE_DIR`` is read as ``data.cache_dir`` is: ``none`` (any case) disables the cache, a leading ``~`` is
the home folder, surrounding spaces are stripped (also in ``data.cache_dir``). Before, the variable made folders
named ``none``, ``~`` (in the working directory) and `` x `` (spaces and all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.cache import default_cache_dir
from mvae_core.data.load import load_dataset


@pytest.mark.parametrize("value", ["none", "None", " NONE "])
def test_none_disables_the_cache(monkeypatch, tmp_path: Path, synth_dir: Path, value: str) -> None:
    monkeypatch.setenv("MVAE_CACHE_DIR", value)
    monkeypatch.chdir(tmp_path)
    assert default_cache_dir() is None
    load_dataset([str(synth_dir)], DataConfig(), jobs=1)
    assert list(tmp_path.iterdir()) == []  # before: a folder named none, filled with entries


def test_a_leading_tilde_is_the_home_folder_and_spaces_are_stripped(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MVAE_CACHE_DIR", " ~/mvae-cache ")
    assert default_cache_dir() == tmp_path / "home" / "mvae-cache"
    monkeypatch.setenv("MVAE_CACHE_DIR", "  ")  # blank: unset, as an empty variable is
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "mvae"


def test_the_setting_strips_spaces_as_the_variable_does() -> None:
    assert DataConfig(cache_dir=" none ").cache_dir == Path("none")  # read as 'none': the cache is off
    assert DataConfig(cache_dir=" /tmp/x ").cache_dir == Path("/tmp/x")
