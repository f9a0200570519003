"""Running out of memory, GPU memory or disk space while a training is set up (its trainer built: the model and the
notes moved to the device, where a GPU's memory runs out first; the temporaries of killed writes removed) ends as
running out in training does: one line naming what ran out and what to do, exit 1, ``failure.json``. It ended with a
raw traceback. As the model or the notes move to the device, what to do is not a smaller batch (which shrinks
neither) but what keeps them off it. Any other error there is a bug: it still propagates, with its traceback."""

from __future__ import annotations

import errno

import pytest
import torch
from typer.testing import CliRunner

import mvae_core
import mvae_core.data.batches
import mvae_core.models.base
import mvae_core.trainer
from mvae_core.cli import app
from mvae_core.errors import RunFailed
from mvae_core.progress import SilentReporter
from mvae_core.run import RunDir
from tests.training import TINY

runner = CliRunner()


OUT_OF_GPU_MEMORY = (
    "CUDA out of memory. Tried to allocate 40.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.2 GiB is free. "
    "Of the allocated memory 70 GiB is allocated by PyTorch. See documentation for Memory Management"
)
"""torch's own message for an allocation a GPU refuses."""


class NotesDoNotFit:
    """:class:`~mvae_core.data.batches.DeviceLoops` on a GPU without room for the training notes: their copy fails
    with torch's own exception."""

    def __init__(self, *args: object) -> None:
        raise torch.OutOfMemoryError(OUT_OF_GPU_MEMORY)


def test_gpu_memory_running_out_as_the_notes_move_to_the_device_says_to_keep_them_on_the_host(
    monkeypatch, synth_dir, tmp_path
):
    """A smaller batch does not shrink the notes (it was the advice): train.table_on_device = "off" keeps them off the
    device, and a resume may change it; following the message trains the run, though the notes still do not fit."""
    monkeypatch.setattr(mvae_core.data.batches, "DeviceLoops", NotesDoNotFit)
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=[*TINY, "train.table_on_device=on"], epochs=1, progress=False)
    assert isinstance(caught.value.__cause__, torch.OutOfMemoryError)
    resume = f"mvae_core.train(out={str(run)!r}, resume=True)"
    assert str(caught.value) == (
        "training ran out of GPU memory while moving the training notes to the device (CUDA out of memory. Tried to "
        f"allocate 40.00 GiB); no epoch finished, so {run} holds no model; free GPU memory (another process may hold "
        f"it), then {resume} starts it over; or build each batch on the host instead: set train.table_on_device = "
        f'"off" in {run / "config.toml"} (a resume may change it), then {resume} starts it over'
    )
    assert RunDir(run).read_failure() == {
        "error": "out of GPU memory",
        "message": "CUDA out of memory. Tried to allocate 40.00 GiB",
    }
    config = run / "config.toml"
    config.write_text(config.read_text().replace('table_on_device = "on"', 'table_on_device = "off"'))
    assert mvae_core.train(out=run, resume=True, progress=False).epochs_run == 1  # what the message said


def test_gpu_memory_running_out_as_the_model_moves_to_the_device_names_no_smaller_batch(
    monkeypatch, synth_dir, tmp_path
):
    """A smaller batch does not shrink the model either: the message says to free the GPU's memory or train on the
    CPU (train.device, which a resume may change), and the command line names the command."""

    def to(self: torch.nn.Module, *args: object, **kwargs: object) -> torch.nn.Module:
        raise torch.OutOfMemoryError(OUT_OF_GPU_MEMORY)

    monkeypatch.setattr(mvae_core.models.base.MelodyModel, "to", to)
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert caught.value.command_line_message() == (
        "training ran out of GPU memory while moving the model to the device (CUDA out of memory. Tried to allocate "
        f"40.00 GiB); no epoch finished, so {run} holds no model; free GPU memory (another process may hold it), then "
        f'mvae train --resume {run} starts it over; or train on the CPU: set train.device = "cpu" in '
        f"{run / 'config.toml'} (a resume may change it), then mvae train --resume {run} starts it over"
    )
    monkeypatch.undo()
    assert mvae_core.train(out=run, resume=True, progress=False).epochs_run == 1


def test_memory_running_out_as_the_trainer_is_built_ends_the_command_in_one_line(monkeypatch, synth_dir, tmp_path):
    def out_of_memory(self: object, *args: object, **kwargs: object) -> None:
        raise MemoryError()

    monkeypatch.setattr(mvae_core.trainer.Trainer, "__init__", out_of_memory)
    run = tmp_path / "run"
    tiny = [f"--set={o}" for o in TINY]
    result = runner.invoke(app, ["train", str(synth_dir), "--out", str(run), "--epochs", "1", *tiny])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # mvae's own exit
    assert "Traceback" not in result.output
    assert said.count("error: ") == 1  # one line, after the warnings (the schedules of the built-in plugins)
    assert said.endswith(
        f"error: training ran out of memory as it was set up (MemoryError); no epoch finished, so {run} holds no "
        f"model; free memory (another program may hold it), then mvae train --resume {run} starts it over; or a "
        f"smaller model (a training step's batch takes no memory yet): the same mvae train command (--out {run}) with "
        "model.hidden = 16 (now 32) starts it over in its place"
    )
    assert RunDir(run).read_failure() == {"error": "out of memory", "message": "MemoryError"}


class FullDiskNotes(SilentReporter):
    """A reporter whose notes go to a full disk (``mvae train … > log`` on a full disk)."""

    def note(self, message: object, level: str = "info") -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_under_the_note_of_removed_temporaries_is_a_failed_run(synth_dir, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / ".checkpoint.k9x2q1.tmp.pt").write_bytes(b"half a checkpoint")  # a write killed midway left it
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=FullDiskNotes())
    assert str(caught.value) == (
        f"training ran out of disk space as it was set up (No space left on device); no epoch finished, so {run} "
        f"holds no model; free space, then mvae_core.train(out={str(run)!r}, resume=True) starts it over"
    )
    assert RunDir(run).read_failure()["error"] == "out of disk space"


@pytest.mark.parametrize(
    "error",
    [RuntimeError("mat1 and mat2 shapes cannot be multiplied (16x32 and 64x32)"), OSError(errno.EIO, "I/O error")],
)
def test_any_other_error_as_the_trainer_is_built_is_a_bug_shown_with_its_traceback(
    monkeypatch, synth_dir, tmp_path, error
):
    def bug(self: object, *args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(mvae_core.trainer.Trainer, "__init__", bug)
    run = tmp_path / "run"
    with pytest.raises(type(error)) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert caught.value is error and RunDir(run).read_failure() is None
    tiny = [f"--set={o}" for o in TINY]
    result = runner.invoke(app, ["train", str(synth_dir), "--out", str(tmp_path / "cli"), "--epochs", "1", *tiny])
    assert result.exception is error  # the command does not catch it: Python prints its traceback
