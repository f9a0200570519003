"""``data.cache_dir = ""`` was the current directory (``Path("")`` is ``.``), which then filled with parse-cache
files, and ``"  "`` a folder named with spaces; both are now errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.config import build_config
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
