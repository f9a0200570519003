"""Where the parse cache goes: ``data.cache_dir`` and ``$MVAE_CACHE_DIR``.

``data.cache_dir = ""`` was the current directory (``Path("")`` is ``.``), which then filled with parse-cache
files, and ``"  "`` a folder named with spaces; both are now errors naming the key.

``$MVAE_CACHE_DIR`` is read as ``data.cache_dir`` is: ``none`` (any case) disables the cache, a leading ``~`` is
the home folder, surrounding spaces are stripped (also in ``data.cache_dir``). Before, the variable made folders
named ``none``, ``~`` (in the working directory) and `` x `` (spaces and all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.config import DataConfig, build_config
from mvae_core.data.cache import default_cache_dir
from mvae_core.data.load import load_dataset
from mvae_core.errors import ConfigError


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_cache_dir_is_an_error_naming_the_key(value):
    with pytest.raises(ConfigError) as error:
        build_config({"data": {"cache_dir": value}})
    assert str(error.value) == (
        f"data.cache_dir = {value!r}: an empty folder name; give a folder, or 'none' to disable the cache (leave the "
        "key out for the default)"
    )


def test_folders_and_none_are_still_taken():
    assert build_config({"data": {"cache_dir": "none"}}).data.cache_dir == Path("none")
    assert build_config({"data": {"cache_dir": "~/c"}}).data.cache_dir == Path.home() / "c"
    assert build_config({"data": {"cache_dir": Path("x")}}).data.cache_dir == Path("x")


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
