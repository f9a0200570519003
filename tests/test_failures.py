"""A run that fails (non-finite loss, a plugin raising) says why, records it in failure.json, keeps the best model
and a valid checkpoint of the last finished epoch, exits 1, and can be resumed once the cause is gone."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys

import pytest
import torch
from typer.testing import CliRunner

import mvae_core
import mvae_plugins
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.errors import RunFailed, RunInterrupted
from mvae_core.run import RunDir
from tests.interrupt import assert_same_training
from tests.training import TINY, poison_timing

SETTINGS = ["--set", "model.hidden=32", "--set", "train.batch_size=16"]
ARGS = [*SETTINGS, "--epochs", "3"]
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


class EarlyFlaky:
    """Raises at step 2 of epoch 1 (counted from 1), before any epoch finished, while ``failing`` is set."""

    failing = True

    @hookimpl
    def mvae_step_end(self, epoch, step):
        if EarlyFlaky.failing and (epoch, step) == (0, 1):
            raise OSError("disk of the early plugin is full")


class BadRamp:
    """Publishes a ramp end that is not a number of epochs while ``failing`` is set: the run fails before training."""

    failing = True

    @hookimpl
    def mvae_ramp_end(self):
        return "twenty" if BadRamp.failing else None


class PoisonAtOnce:
    """Makes the timing head NaN before the first epoch: the loss is non-finite in its first step."""

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        poison_timing(trainer.model)


@pytest.fixture
def test_plugins(monkeypatch):
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "poison", "tests.training:Poison")
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "flaky", "tests.test_failures:Flaky")
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "early_flaky", "tests.test_failures:EarlyFlaky")
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "bad_ramp", "tests.test_failures:BadRamp")
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "poison_at_once", "tests.test_failures:PoisonAtOnce")
    for plugin in (Flaky, EarlyFlaky, BadRamp):
        monkeypatch.setattr(plugin, "failing", True)


def failed_training_output(*args: object) -> str:
    """The console text of an ``mvae`` command that fails with exit code 1 (a failed run), whitespace-normalised."""
    result = mvae(*args)
    assert result.exit_code == 1, result.output
    return " ".join(result.output.split())


def test_non_finite_loss_exits_1_with_the_reason_recorded_and_the_best_model_kept(synth_dir, tmp_path, test_plugins):
    run = tmp_path / "run"
    output = failed_training_output("train", synth_dir, *ARGS, "--plugins", "poison", "--out", run)
    assert "non-finite loss in epoch 2, step 1, terms timeshift, total" in output and "Traceback" not in output
    assert "so it fails there again unless mvae, torch or a plugin changed since; start a new run" in output  # next
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
    output = failed_training_output("train", synth_dir, *ARGS, "--plugins", "flaky", "--out", run)
    assert "plugin 'flaky' failed in mvae_epoch_end: OSError: disk of the flaky plugin is full" in output
    assert (
        f"the best model so far is in {run}; after a fix of the plugin, mvae train --resume {run} continues from its "
        f"last checkpoint; if a setting of the run was the cause, start a new run with it changed, in another "
        "output directory (mvae train --out)" in output
    )  # "the same mvae train command (--out RUN)" was then refused: RUN holds a run
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


def test_a_failure_before_the_first_epoch_finished_says_there_is_no_model_and_resumes(
    synth_dir, tmp_path, test_plugins
):
    run = tmp_path / "run"
    output = failed_training_output("train", synth_dir, *ARGS, "--plugins", "early_flaky", "--out", run)
    assert "plugin 'early_flaky' failed in mvae_step_end: OSError: disk of the early plugin is full" in output
    assert (
        f"no epoch finished, so {run} holds no model; after a fix of the plugin, mvae train --resume {run} continues"
        in output
    )
    assert "best model" not in output and not (run / "model.safetensors").exists()
    assert RunDir(run).load_checkpoint()["epoch"] == -1  # the checkpoint written before training

    EarlyFlaky.failing = False
    resumed = mvae("train", "--resume", run)  # what the message says works
    assert resumed.exit_code == 0, resumed.output
    assert len(RunDir(run).read_metrics()) == 3 and (run / "model.safetensors").exists()


def test_a_failure_before_training_began_says_to_start_again_and_that_works(synth_dir, tmp_path, test_plugins):
    run = tmp_path / "run"
    command = ["train", synth_dir, *ARGS, "--plugins", "bad_ramp", "--out", run]
    output = failed_training_output(*command)
    assert "plugin 'bad_ramp': mvae_ramp_end must return a whole number of epochs" in output
    assert f"no epoch finished, so {run} holds no model; nothing was checkpointed, so after a fix start it " in output
    assert f"again: the same mvae train command (--out {run})" in output
    assert "--resume" not in output and not (run / "checkpoint.pt").exists()

    BadRamp.failing = False
    again = mvae(*command)  # what the message says works
    assert again.exit_code == 0, again.output
    assert len(RunDir(run).read_metrics()) == 3 and not (run / "failure.json").exists()


def test_a_non_finite_loss_in_the_first_epoch_says_there_is_no_model(synth_dir, tmp_path, test_plugins):
    run = tmp_path / "run"
    output = failed_training_output("train", synth_dir, *ARGS, "--plugins", "poison_at_once", "--out", run)
    assert "non-finite loss in epoch 1, step 1" in output
    assert f"no epoch finished, so {run} holds no model (reason in failure.json)" in output
    assert "best model" not in output


TOO_LARGE = "File too large; the file system refuses a file this large: choose another disk"
"""How an output written past the file limit fails: the system's reason and what to do (files.WRITE_FIXES)."""


def _mvae_with_file_limit(limit: int, *args: object) -> subprocess.CompletedProcess[str]:
    """``mvae ARGS`` in a process that may write no file larger than ``limit`` bytes: a write past it fails with
    EFBIG ('File too large'), as a full disk fails with ENOSPC, through the same code."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "mvae_core.cli", *map(str, args)]
    env = os.environ | {"OMP_NUM_THREADS": "1"}  # as the test process trains: a resume under another count warns
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, preexec_fn=limit_files, check=False, env=env
    )


def test_a_checkpoint_the_disk_refuses_fails_in_one_line_and_the_run_resumes_unharmed(synth_dir, tmp_path):
    """A full disk while the checkpoint is written exits 1 naming the file and the reason, keeps the last checkpoint,
    and the run resumes to the same weights as one never stopped (it ended in torch's 'enforce fail at
    inline_container.cc' traceback)."""
    run, reference = tmp_path / "run", tmp_path / "reference"
    args = ["train", synth_dir, *SETTINGS, "--plugins", "none"]  # each command gives its --epochs
    assert mvae(*args, "--epochs", "1", "--out", run).exit_code == 0
    checkpoint = (run / "checkpoint.pt").stat().st_size
    assert checkpoint > (run / "model.safetensors").stat().st_size  # the limit lets the model through, not it

    result = _mvae_with_file_limit(checkpoint - 1, "train", "--resume", run, "--epochs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write {run / 'checkpoint.pt'}: File too large; the best model so far is in {run}; free space "
        f"(or fix the folder), then mvae train --resume {run} continues from its last checkpoint"
    ]
    assert torch.load(run / "checkpoint.pt", weights_only=True)["epoch"] == 0
    assert json.loads((run / "failure.json").read_text())["error"] == "write failed"
    assert not [p.name for p in run.iterdir() if p.name.endswith(".tmp")]

    assert mvae("train", "--resume", run, "--epochs", "2").exit_code == 0
    assert mvae(*args, "--epochs", "2", "--out", reference).exit_code == 0
    assert_same_training(reference, run)


def test_outputs_the_disk_refuses_end_in_one_line(tiny_run, tmp_path):
    """generate, map, export and bend into a full disk say so in one line (they ended in a traceback naming no file,
    and bend named the temporary folder it builds in); bend leaves nothing behind."""
    result = _mvae_with_file_limit(64, "generate", tiny_run, "--random", "1", "--out", tmp_path / "loop.mid")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"error: cannot write {tmp_path / 'loop.mid'}: {TOO_LARGE}"]
    bent = tmp_path / "bent"
    result = _mvae_with_file_limit(64, "bend", tiny_run, "--sigma", "0.1", "--out", bent)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"error: cannot write {bent} (nothing was written): {TOO_LARGE}"]
    assert not bent.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".bent")]


@pytest.mark.parametrize(
    ("command", "output", "limit"),
    [
        (["generate", "--random", "1", "--overwrite", "--out"], "loop.mid", 64),
        (
            ["generate", "--random", "1", "--audio", "loop.wav", "--renderer", "builtin", "--overwrite", "--out"],
            "loop.mid",
            4096,
        ),
        (["interpolate", "--from", "0,0", "--to", "1,1", "--steps", "2", "--overwrite", "--out"], "walk", 64),
        (["map", "--out"], "map.png", 1024),
        (["plot", "--out"], "curves.png", 1024),
        (["export", "--overwrite", "--onnx"], "decoder.onnx", 1024),
    ],
    ids=["midi", "wav", "interpolate", "map", "plot", "onnx"],
)
def test_an_output_the_disk_refuses_leaves_the_old_file_whole(tiny_run, tmp_path, monkeypatch, command, output, limit):
    """An output written over a file of the same name (a musician's earlier loop, say) is written whole or not at
    all: a full disk used to leave the old file cut to the bytes that fit, and the message named no file."""
    monkeypatch.chdir(tmp_path)  # --audio loop.wav lands here (undone after the test)
    old = b"an earlier take, not to be lost" * 100
    target = tmp_path / output
    kept = target / "000_z_+0.00_+0.00.mid" if command[0] == "interpolate" else target
    kept = tmp_path / "loop.wav" if "--audio" in command else kept
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(old)
    result = _mvae_with_file_limit(limit, command[0], tiny_run, *command[1:], target)
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    written = f"; written before it: the MIDI file ({target}), no WAV file" if "--audio" in command else ""
    assert line.startswith("error: cannot write ") and line.endswith(f": {TOO_LARGE}{written}"), line
    assert kept.read_bytes() == old
    assert not [p.name for p in tmp_path.rglob("*") if ".tmp" in p.name]


def test_a_schedule_plot_the_disk_refuses_is_named_once_and_the_old_one_kept(tmp_path):
    plot = tmp_path / "ramp.png"
    plot.write_bytes(b"an earlier plot" * 100)
    result = _mvae_with_file_limit(1024, "schedules", "preview", "linear", "--plot", plot)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"error: cannot write {plot}: {TOO_LARGE}"]
    assert plot.read_bytes() == b"an earlier plot" * 100


def test_a_run_that_lands_in_out_while_a_new_run_starts_is_not_written_over(synth_dir, tmp_path, monkeypatch):
    """Two mvae train into one --out: the second checked for a run before it took the lock, so a first run that
    finished in between was written over (data report, split, metrics appended to its metrics.jsonl)."""
    from mvae_core import session
    from mvae_core.errors import RunExists

    out = tmp_path / "run"
    build = session.PluginHost.from_config

    def other_run_finishes_meanwhile(*args, **kwargs):  # after the first check, before the lock
        out.mkdir()
        (out / "metrics.jsonl").write_text('{"epoch": 0}\n')
        return build(*args, **kwargs)

    monkeypatch.setattr(session.PluginHost, "from_config", other_run_finishes_meanwhile)
    with pytest.raises(RunExists, match="already holds a run"):
        mvae_core.train([synth_dir], out, overrides=TINY, plugins=[], epochs=1, progress=False)
    assert sorted(p.name for p in out.iterdir()) == [".lock", "metrics.jsonl"]
    assert (out / "metrics.jsonl").read_text() == '{"epoch": 0}\n'


# --- what the error tells a Python caller; what failure.json keeps of a plugin that raised ---------------------


class FailsInEpoch2:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        if trainer.epoch == 1:
            raise OSError("disk full")


class StopsInEpoch2:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        if trainer.epoch == 1:
            raise KeyboardInterrupt


class Fixed:
    """The plugin after its fix: a hook that does no harm (an object without one is refused as no plugin)."""

    @hookimpl
    def mvae_epoch_end(self, trainer):
        return None


@pytest.mark.parametrize(("plugin", "error"), [(FailsInEpoch2(), RunFailed), (StopsInEpoch2(), RunInterrupted)])
def test_python_callers_get_the_python_call_and_the_command_line_the_command(synth_dir, tmp_path, plugin, error):
    run = tmp_path / "run"
    with pytest.raises(error) as caught:
        mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[plugin], epochs=3, progress=False)
    name = type(plugin).__name__.replace("InEpoch", "_in_epoch").lower()
    python = f"mvae_core.train(out={str(run)!r}, resume=True, plugins=[({name!r}, <the plugin object>)])"
    assert python in str(caught.value) and "mvae train --resume" not in str(caught.value)
    assert f"mvae train --resume {run}" in caught.value.command_line_message()
    result = mvae_core.train(out=run, resume=True, plugins=[(name, Fixed())], progress=False)  # what it says works
    assert result.outcome == "trained" and result.epochs_run == 3


class Typo:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        return {"totl": 1}["total"]


def test_failure_json_keeps_the_traceback_of_a_plugin_that_raised(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed, match=r"plugin 'typo' failed in mvae_epoch_end: KeyError: 'total'"):
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[Typo()], epochs=1, progress=False)
    trace = json.loads((run / "failure.json").read_text())["traceback"]
    assert f'File "{__file__}", line ' in trace and "in mvae_epoch_end" in trace
    assert trace.rstrip().endswith("KeyError: 'total'")
