"""The mvae version a resume records in ``config.toml`` and the one its errors name as installed here come from one
place, :data:`mvae_core.run_versions.VERSION` (through ``code_versions`` and ``training_versions``). Before, session,
run_plugins, run and starting_weights each wrote ``{"mvae": VERSION, ...}`` of their own, so a change to one (or a test
patching ``session.VERSION``) left the hints comparing another version than the one recorded."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

import mvae_core
import mvae_core.run_versions
from mvae_core.run import RunDir
from mvae_core.run_plugins import installed_versions


def test_the_version_a_resume_records_is_the_one_its_hints_name(
    tiny_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    monkeypatch.setattr(mvae_core.run_versions, "VERSION", "9.9.9", raising=False)
    mvae_core.train(out=run, resume=True, epochs=4, progress=False)
    resumed = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]["resumed"]
    # mvae.commit may have changed too, when a commit landed in the checkout since tiny_run trained
    assert [(entry["from_epoch"], entry["versions"].get("mvae")) for entry in resumed] == [(4, "9.9.9")]
    assert installed_versions(RunDir(run).read_config())["mvae"] == "9.9.9"
