"""A run folder whose ``config.toml`` holds a setting this mvae does not know, written by a newer mvae, says which
version trained it: the error named the setting alone, and told a user who had downgraded to delete a "setting"
rather than to upgrade (the unknown-model and unknown-plugin paths already gave the version hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core
from mvae_core.config import ConfigError, MvaeConfig
from mvae_core.run import RunDir
from mvae_core.version import VERSION

NEWER = "99.0.0"


def _run_with_a_future_setting(folder: Path, trained_with: str) -> RunDir:
    """A run folder whose ``config.toml`` (written by mvae ``trained_with``) has ``[train] future_setting``."""
    run = RunDir(folder)
    folder.mkdir()
    run.write_config(MvaeConfig(), {"mvae": trained_with}, ["some/data"])
    config = folder / "config.toml"
    config.write_text(config.read_text().replace("[train]\n", "[train]\nfuture_setting = 3\n", 1))
    return run


def test_a_setting_of_a_newer_mvae_names_the_version_that_trained_the_run(tmp_path):
    run = _run_with_a_future_setting(tmp_path / "newer", NEWER)
    hint = f"; {run.path} was trained with mvae {NEWER} (installed: {VERSION})"
    with pytest.raises(ConfigError, match=r"train\.future_setting = 3: unknown setting") as refused:
        run.read_config()
    assert str(refused.value).startswith(f"{run.path / 'config.toml'}: train.future_setting = 3: unknown setting")
    assert str(refused.value).endswith(hint)
    with pytest.raises(ConfigError) as loaded:
        mvae_core.load(run.path)
    assert str(loaded.value).endswith(hint) and str(loaded.value).count(" was trained with ") == 1


def test_the_same_version_gives_no_hint(tmp_path):
    run = _run_with_a_future_setting(tmp_path / "same", VERSION)
    with pytest.raises(ConfigError) as refused:
        run.read_config()
    assert "was trained with" not in str(refused.value)
