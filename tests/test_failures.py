"""A run that fails (non-finite loss, a plugin raising) says why, records it in failure.json, keeps the best model
and a valid checkpoint of the last finished epoch, exits 1, and can be resumed once the cause is gone."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

import mvae_plugins
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.run import RunDir
from tests.interrupt import assert_same_training

ARGS = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--epochs", "3"]
runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


class Flaky:
    """Raises in mvae_epoch_end of epoch 1 while ``failing`` is set; otherwise a plain stateful plugin."""

    failing = True

    def __init__(self, config=None):
        self.seen = 0

    @hookimpl
    def mvae_epoch_end(self, epoch):
        if Flaky.failing and epoch == 1:
            raise OSError("disk of the flaky plugin is full")
        self.seen += 1

    @hookimpl
    def mvae_state_dict(self):
        return {"seen": self.seen}

    @hookimpl
    def mvae_load_state_dict(self, state):
        self.seen = state["seen"]


@pytest.fixture
def test_plugins(monkeypatch):
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "poison", "tests.training:Poison")
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "flaky", "tests.test_failures:Flaky")
    monkeypatch.setattr(Flaky, "failing", True)


def test_non_finite_loss_exits_1_with_the_reason_recorded_and_the_best_model_kept(synth_dir, tmp_path, test_plugins):
    run = tmp_path / "run"
    result = mvae("train", synth_dir, *ARGS, "--plugins", "poison", "--out", run)
    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert "non-finite loss in epoch 2, step 1, term(s) timeshift, total" in output and "Traceback" not in output
    assert f"the best model so far is in {run}" in output
    failure = json.loads((run / "failure.json").read_text())
    assert failure["error"] == "non-finite loss"
    assert (failure["epoch"], failure["step"], failure["terms"]) == (1, 0, ["timeshift", "total"])
    model, _ = RunDir(run).load_model()  # the best model (epoch 0) is kept and finite
    assert all(torch.isfinite(t).all() for t in model.state_dict().values() if t.is_floating_point())
    assert RunDir(run).load_checkpoint()["epoch"] == 0
    assert [json.loads(line)["epoch"] for line in (run / "metrics.jsonl").read_text().splitlines()] == [0]


def test_a_raising_plugin_is_named_with_its_hook_and_the_run_resumes(synth_dir, tmp_path, test_plugins):
    run = tmp_path / "run"
    result = mvae("train", synth_dir, *ARGS, "--plugins", "flaky", "--out", run)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "plugin 'flaky' failed in mvae_epoch_end: OSError: disk of the flaky plugin is full" in output
    assert f"mvae train --resume {run} continues from the last finished epoch" in output
    assert json.loads((run / "failure.json").read_text())["error"] == "plugin failed"
    checkpoint = RunDir(run).load_checkpoint()  # written after epoch 0, untouched by the failure in epoch 1
    assert checkpoint["epoch"] == 0 and checkpoint["plugins"] == {"flaky": {"seen": 1}}

    Flaky.failing = False  # the plugin was fixed
    resumed = mvae("train", "--resume", run)
    assert resumed.exit_code == 0, resumed.output
    assert not (run / "failure.json").exists()
    reference = tmp_path / "reference"
    assert mvae("train", synth_dir, *ARGS, "--plugins", "flaky", "--out", reference).exit_code == 0
    assert_same_training(reference, run)
