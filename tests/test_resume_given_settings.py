"""A resume given settings that a resume may change (``RESUME_WARNED``: ``--device``, ``--set train.step_records=…``,
``overrides=`` from Python) writes them into ``RUN/config.toml`` and continues with the warning an edit of that file
gets (helper-435 F4: ``mvae train --resume RUN --device cpu`` was refused, though the out-of-memory advice says to
move to the CPU and resume, losing the run's epochs and optimizer state to a new run). Any other setting is refused
as before, naming it; given with a setting a resume may change, that one is named as what a resume alone takes."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import ResumeRefused


def _said(result) -> str:
    return " ".join(result.output.split())


def _config(run):
    return tomllib.loads((run / "config.toml").read_text())


def test_device_cpu_on_resume_is_written_into_config_toml_and_warned(tiny_run, tmp_path):
    run = tmp_path / "r"
    shutil.copytree(tiny_run, run)
    before = _config(run)
    assert before["train"]["device"] != "cpu"
    result = CliRunner().invoke(
        app, ["train", "--resume", str(run), "--device", "cpu", "--set", "train.step_records=2", "--epochs", "4"]
    )
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {run / 'config.toml'} was edited since the run's last checkpoint (train.device "
        f'"{before["train"]["device"]}" → "cpu", train.step_records {before["train"]["step_records"]} → 2)'
        in _said(result)
    )
    after = _config(run)
    assert after["train"]["device"] == "cpu" and after["train"]["step_records"] == 2 and after["train"]["epochs"] == 4
    assert after["provenance"]["versions"] == before["provenance"]["versions"]  # [provenance] kept
    assert after["provenance"]["data"] == before["provenance"]["data"]
    assert after["model"] == before["model"]
    again = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "5"])  # recorded: no warning now
    assert again.exit_code == 0 and "was edited" not in _said(again), again.output


def test_python_overrides_of_a_resume_are_written_too(tiny_run, tmp_path):
    run = tmp_path / "r"
    shutil.copytree(tiny_run, run)
    result = mvae_core.train(out=run, resume=True, overrides={"train.device": "cpu"}, epochs=4, progress=False)
    assert result.outcome == "trained"
    assert _config(run)["train"]["device"] == "cpu"


def test_another_setting_is_still_refused_and_nothing_is_written(tiny_run, tmp_path):
    run = tmp_path / "r"
    shutil.copytree(tiny_run, run)
    text = (run / "config.toml").read_text()
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--set", "model.hidden=8"])
    assert result.exit_code == 2, result.output
    assert _said(result).startswith(  # a setting of the model: the new run trains from scratch (the weights won't fit)
        "error: --resume continues a run with its saved config; --set cannot change it (model.hidden 32 → 8); to "
        f"train with other settings, start a new run from its config (mvae train DATA --config {run / 'config.toml'} "
        "--set model.hidden=8 --out NEW_RUN)"
    )
    mixed = CliRunner().invoke(
        app,
        ["train", "--resume", str(run), "--set", "model.hidden=8", "--set", "train.step_records=10", "--device", "cpu"],
    )
    assert mixed.exit_code == 2, mixed.output
    assert "--set model.hidden=8 cannot change it" in _said(mixed)
    assert _said(mixed).endswith(
        "a resume may change train.step_records, train.device (where and how the run computes or what it records): "
        f"given without the others (mvae train --resume {run} --set train.step_records=10 --device cpu), it sets them "
        f"in {run / 'config.toml'} and continues (with a warning)"
    )
    seed = CliRunner().invoke(app, ["train", "--resume", str(run), "--device", "cpu", "--seed", "3"])
    assert seed.exit_code == 2 and "saved config; --seed cannot change it" in _said(seed), seed.output
    with pytest.raises(ResumeRefused, match=r"overrides cannot change it.*given without the others \(mvae_core\.train"):
        mvae_core.train(out=run, resume=True, overrides={"train.device": "cpu", "train.lr": 0.1}, progress=False)
    assert (run / "config.toml").read_text() == text
