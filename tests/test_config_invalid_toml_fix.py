"""A config that is not valid TOML says what to do (helper-483 F10): `the run's config RUN/config.toml is not valid
TOML: Invalid value (at line 53, column 6)` named no fix. Now it says to fix it there, and for a run's config.toml,
which mvae wrote, or to restore it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app


def test_a_runs_config_says_fix_it_or_restore_it(tiny_run, tmp_path):
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    config = run / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("lr = 0.001", "lr = 0.001.5"), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "--resume", str(run)])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"error: the run's config {config} is not valid TOML: " in said
    assert said.endswith("); fix it there, or restore the file from a backup"), said


def test_a_config_file_given_says_fix_it(synth_dir, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text("[train]\nlr = \n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--config", str(config), "--out", str(tmp_path / "r")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"config file {config} is not valid TOML: " in said and said.endswith("); fix it there"), said
