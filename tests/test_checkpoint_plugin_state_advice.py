"""A checkpoint refused because a plugin's saved state holds a type a ``weights_only`` load refuses (written by an mvae
older than the save-time check) is told what can be done: the refusal named the plugin, then ended in the advice of
any unusable checkpoint, "restore the file from a backup, or start a new run", which cannot help (every checkpoint of
the run holds the plugin's state, and a fix of the plugin does not change the file). It now says to go on in a new run
from the run's best model (model.safetensors holds no plugin state), naming that step as the caller takes it, and
that step trains."""

from __future__ import annotations

import collections

import pytest
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core.checkpoint import CheckpointError
from mvae_core.cli import app
from tests.training import TINY


@pytest.fixture
def run_with_bad_plugin_state(synth_dir, tmp_path):
    """A run of one epoch whose checkpoint holds plugin 'hist''s state with a defaultdict, as an older mvae saved it."""
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=[*TINY, "plugins.enabled=[]"], epochs=1, progress=False)
    path = run / "checkpoint.pt"
    payload = torch.load(path, weights_only=True)
    payload["plugins"] = {"fine": {"n": 1}, "hist": {"h": collections.defaultdict(list, {"a": [1]})}}
    torch.save(payload, path)
    return run


def test_the_cli_resume_says_to_go_on_from_the_best_model_and_that_step_trains(run_with_bad_plugin_state, synth_dir):
    run = run_with_bad_plugin_state
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"error: {run / 'checkpoint.pt'} holds objects that are not plain data" in said
    assert "it is in the state that plugin 'hist' saved (mvae_state_dict)" in said and "'fine'" not in said
    assert "A fix of the plugin does not change this file" in said and "the run cannot be resumed" in said
    step = f"mvae train DATA --init-from {run} --out NEW_RUN"
    assert f"go on in a new run from its best model (model.safetensors, which holds no plugin state: {step})" in said
    assert "with a version of the plugin whose mvae_state_dict returns plain data" in said
    assert "backup" not in said and "Traceback" not in said
    new = run.parent / "new"
    taken = step.replace("DATA", str(synth_dir)).replace("NEW_RUN", str(new)).split()[1:]
    result = CliRunner().invoke(app, [*taken, "--epochs", "1"])
    assert result.exit_code == 0, result.output
    assert (new / "model.safetensors").is_file()


def test_a_python_resume_names_the_call(run_with_bad_plugin_state):
    run = run_with_bad_plugin_state
    with pytest.raises(CheckpointError) as error:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    said = str(error.value)
    assert f"mvae_core.train(data=DATA, init_from={str(run)!r}, out=NEW_RUN)" in said and "backup" not in said


def test_init_from_the_checkpoint_gets_the_same_advice(run_with_bad_plugin_state, synth_dir, tmp_path):
    run = run_with_bad_plugin_state
    source = run / "checkpoint.pt"
    result = CliRunner().invoke(
        app, ["train", str(synth_dir), "--init-from", str(source), "--out", str(tmp_path / "n")]
    )
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"--init-from {source}: {source} holds objects that are not plain data" in said
    assert f"(model.safetensors, which holds no plugin state: mvae train DATA --init-from {run} --out NEW_RUN)" in said
    assert "restore the file" not in said
