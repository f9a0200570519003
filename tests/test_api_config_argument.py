"""``mvae_core.train(config=3)`` (or a list, a number from a loop) was ``TypeError: expected str, bytes or
os.PathLike object, not int`` from deep inside pathlib; it now says what ``config`` takes."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core.config import build_config


@pytest.mark.parametrize("source", [3, ["train.epochs=3"], b"[train]"])
def test_a_config_of_another_type_says_which_types_are_taken(source, tmp_path):
    message = r"^config = .*: give a TOML file \(a path\), a config tree \(a dict\) or an MvaeConfig, not a "
    with pytest.raises(TypeError, match=message + type(source).__name__ + "$"):
        build_config(source)
    with pytest.raises(TypeError, match=message):
        mvae_core.train(data=[tmp_path], out=tmp_path / "run", config=source)


def test_paths_and_strings_are_still_files(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[train]\nepochs = 3\n", encoding="utf-8")
    assert build_config(str(config)).train.epochs == build_config(Path(config)).train.epochs == 3
