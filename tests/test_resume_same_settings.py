"""A resume given the run's own settings again (the notebook cell that started the run, run again with
``resume=True``; the same ``mvae train`` command with ``--resume RUN``) was refused with "overrides cannot change it"
(``--set cannot change it``), naming no setting, though nothing would change (helper-462 finding 3). Each setting given
to a resume is now compared with the run's ``config.toml``, read as a new run reads it (``"32"`` from ``--set``,
numpy numbers, a plugin's table given in part, ``all`` for the plugins, ``"auto"`` pitch rows): one equal to the
run's passes in silence; one that differs is refused naming it with both values, and only it."""

from __future__ import annotations

import shlex
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.errors import ResumeRefused
from mvae_core.run_setup import refuse_other_settings, resume_setup
from tests.training import TINY

TINY_OPTIONS = [arg for setting in TINY for arg in ("--set", setting)]


def _said(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture
def run(tiny_run: Path, tmp_path: Path) -> Path:
    """A copy of the tiny run (3 epochs, TINY, every built-in plugin, seed 0) to resume."""
    return Path(shutil.copytree(tiny_run, tmp_path / "run"))


def test_the_call_that_started_the_run_resumes_with_resume_true(run, synth_dir):
    result = mvae_core.train([synth_dir], run, overrides=TINY, epochs=4, resume=True, progress=False)
    assert result.outcome == "trained" and result.epochs_run == 4


def test_the_command_that_started_the_run_resumes_with_resume_added(run, synth_dir):
    before = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    options = ["--batch-size", "16", "--seed", "0", "--plugins", "all", "--melody", "auto", "--device", "auto"]
    result = CliRunner().invoke(
        app,
        ["train", str(synth_dir), *TINY_OPTIONS, *options, "--out", str(run), "--resume", str(run), "--epochs", "4"],
    )
    assert result.exit_code == 0, result.output
    assert "was edited" not in _said(result)  # nothing changed: no note of it
    after = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    assert after["train"].pop("epochs") == 4 and before["train"].pop("epochs") == 3
    assert after == before


def test_values_are_compared_as_a_new_run_reads_them(tiny_run):
    numpy = {"model.hidden": np.int64(32), "train.lr": np.float64(1e-3), "data.transpositions": np.array([-5, 5])}
    assert refuse_other_settings(tiny_run, None, numpy) == {}
    assert refuse_other_settings(tiny_run, None, ['model.hidden="32"', "train.lr=1e-3", "model.dropout=0.2"]) == {}
    assert refuse_other_settings(tiny_run, tiny_run / "config.toml", None) == {}  # the run's own config again
    assert refuse_other_settings(tiny_run, {"train": {"lr": 0.001}}, None) == {}
    schedule = ['plugins.kl_anneal.schedule={name="linear", epochs=20}']  # the rest of the table as defaults
    assert refuse_other_settings(tiny_run, None, schedule) == {}
    assert refuse_other_settings(tiny_run, None, None, [("--out", str(tiny_run)), ("--seed", 0)]) == {}
    builtins = "kl_anneal,ts_ramp,lr_step_decay,early_stopping,ts_variance_monitor"
    for plugins in ("all", builtins, ",".join(reversed(builtins.split(",")))):  # the run keeps its order
        assert refuse_other_settings(tiny_run, None, None, [("--plugins", plugins)]) == {}
    resume_setup(tiny_run, None, None, None, ["all"], None)  # Python's plugins= reads all alike


def test_pitch_rows_auto_are_those_a_run_given_auto_chose(run):
    with pytest.raises(ResumeRefused, match=r'cannot change it \(data.pitch_low 48 → "auto"\)'):
        refuse_other_settings(run, None, {"data.pitch_low": "auto"})  # this run was given 48, not auto
    text = (run / "config.toml").read_text(encoding="utf-8")
    (run / "config.toml").write_text(text.replace("[provenance]\n", '[provenance]\npitch_low = "auto"\n'), "utf-8")
    assert refuse_other_settings(run, None, {"data.pitch_low": "auto"}) == {}


def test_only_the_settings_that_differ_are_refused_each_with_both_values(tiny_run):
    config = tiny_run / "config.toml"
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=tiny_run, resume=True, overrides=[*TINY, "train.lr=0.01"], epochs=4, progress=False)
    assert str(refused.value) == (
        f"a resume continues {tiny_run} with its saved config; overrides cannot change it (train.lr 0.001 → 0.01); "
        "to train with other settings, start a new run from its config and trained weights (mvae_core.train(data, "
        f"config={str(config)!r}, overrides={{'train.lr': 0.01}}, init_from={str(tiny_run)!r}, out=...))"
    )
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--resume",
            str(tiny_run),
            *TINY_OPTIONS,
            "--set",
            "train.lr=0.01",
            "--batch-size",
            "16",
            "--seed",
            "2",
        ],
    )
    assert result.exit_code == 2, result.output
    assert _said(result) == (
        "error: --resume continues a run with its saved config; --set train.lr=0.01, --seed cannot change it "
        "(train.lr 0.001 → 0.01, train.seed 0 → 2); to train with other settings, start a new run from its config "
        f"and trained weights (mvae train DATA --config {config} --set train.lr=0.01 --seed 2 --init-from {tiny_run} "
        "--out NEW_RUN)"
    )


def test_a_typo_in_a_setting_given_is_named_as_for_a_new_run(tiny_run):
    with pytest.raises(ConfigError, match=r"did you mean model\.hidden"):
        refuse_other_settings(tiny_run, None, ["model.hiden=32"])


def test_the_new_run_named_for_a_model_setting_runs_as_shown(tiny_run, synth_dir, tmp_path):
    """It named ``--init-from RUN``, which a new run refuses for another model size (the weights do not fit)."""
    result = CliRunner().invoke(app, ["train", "--resume", str(tiny_run), "--set", "model.hidden=16"])
    assert result.exit_code == 2, result.output
    command = _said(result).split("start a new run from its config (", 1)[1].rsplit(")", 1)[0]
    args = [{"DATA": str(synth_dir), "NEW_RUN": str(tmp_path / "new")}.get(a, a) for a in shlex.split(command)]
    assert args[:2] == ["mvae", "train"] and "--init-from" not in args
    trained = CliRunner().invoke(app, [*args[1:], "--epochs", "1"])
    assert trained.exit_code == 0, trained.output
    assert tomllib.loads((tmp_path / "new" / "config.toml").read_text(encoding="utf-8"))["model"]["hidden"] == 16
