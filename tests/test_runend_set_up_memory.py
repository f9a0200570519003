"""Memory running out as a training is set up (its trainer built) or as the model or the notes move to the device:
what helps is what is allocated then, never a smaller batch (no training step has run; the batch's size shrinks
nothing of it), which the set-up advised. The host's memory as the model moves (it is built in memory already) was
told to train on the CPU, where the model already is and the training needs more of the host's memory; the host's
memory as the notes move (on the CPU the device's copy of them is the host's) is told to keep no copy of them."""

from __future__ import annotations

import shutil

import pytest
import torch

import mvae_core
import mvae_core.data.batches
import mvae_core.models.base
import mvae_core.trainer
from mvae_core.errors import RunFailed
from mvae_core.run import RunDir
from tests.training import TINY

OUT_OF_GPU_MEMORY = "CUDA out of memory. Tried to allocate 64.00 MiB. GPU 0 has a total capacity of 79.19 GiB"


def out_of_memory(*args: object, **kwargs: object) -> None:
    """Where the host's memory runs out: Python's own error."""
    raise MemoryError()


def test_memory_running_out_as_the_model_is_built_names_a_smaller_model_not_a_smaller_batch(
    monkeypatch, synth_dir, tmp_path
):
    monkeypatch.setattr(mvae_core.trainer, "build_model", out_of_memory)
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert caught.value.command_line_message() == (
        f"training ran out of memory as it was set up (MemoryError); no epoch finished, so {run} holds no model; free "
        f"memory (another program may hold it), then mvae train --resume {run} starts it over; or a smaller model (a "
        f"training step's batch takes no memory yet): the same mvae train command (--out {run}) with model.hidden = 16 "
        "(now 32) starts it over in its place"
    )
    assert RunDir(run).read_failure() == {"error": "out of memory", "message": "MemoryError"}


def test_a_resume_whose_memory_runs_out_as_it_is_set_up_is_told_to_free_memory(monkeypatch, tiny_run, tmp_path):
    """Its model is the run's (a resume keeps model.hidden, and the batch's size changes nothing there)."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    monkeypatch.setattr(mvae_core.trainer, "build_model", out_of_memory)
    with pytest.raises(RunFailed) as caught:
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
    assert caught.value.command_line_message() == (
        f"training ran out of memory as it was set up (MemoryError); the best model so far is in {run}; free memory "
        f"(another program may hold it), then mvae train --resume {run} continues from its last checkpoint"
    )


def test_host_memory_running_out_as_the_model_moves_names_no_setting_of_the_device(monkeypatch, synth_dir, tmp_path):
    monkeypatch.setattr(mvae_core.models.base.MelodyModel, "to", out_of_memory)
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert str(caught.value) == (
        f"training ran out of memory while moving the model to the device (MemoryError); no epoch finished, so {run} "
        f"holds no model; free memory (another program may hold it), then mvae_core.train(out={str(run)!r}, "
        "resume=True) starts it over"
    )


class NotesDoNotFitOnTheHost:
    """:class:`~mvae_core.data.batches.DeviceLoops` on the CPU: its copy of the notes is refused by torch's allocator
    (a real refusal, of 1 PiB)."""

    def __init__(self, *args: object) -> None:
        torch.empty(2**50, dtype=torch.uint8)


def test_host_memory_running_out_as_the_notes_are_copied_says_to_keep_no_copy(monkeypatch, synth_dir, tmp_path):
    monkeypatch.setattr(mvae_core.data.batches, "DeviceLoops", NotesDoNotFitOnTheHost)
    run = tmp_path / "run"
    overrides = [*TINY, "train.device=cpu", "train.table_on_device=on"]
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=overrides, epochs=1, progress=False)
    said = caught.value.command_line_message()
    assert said.startswith(
        "training ran out of memory while moving the training notes to the device (DefaultCPUAllocator: can't "
        "allocate memory: you tried to allocate 1125899906842624 bytes"
    )
    assert said.endswith(
        f"free memory (another program may hold it), then mvae train --resume {run} starts it over; or keep no copy "
        f'of the notes: set train.table_on_device = "off" in {run / "config.toml"} (a resume may change it), then mvae '
        f"train --resume {run} starts it over"
    )
    config = run / "config.toml"
    config.write_text(config.read_text().replace('table_on_device = "on"', 'table_on_device = "off"'))
    assert mvae_core.train(out=run, resume=True, progress=False).epochs_run == 1  # what the message said


def test_gpu_memory_running_out_as_the_trainer_is_set_up_names_the_cpu_not_a_smaller_batch(
    monkeypatch, synth_dir, tmp_path
):
    def gpu_full(*args: object) -> None:
        raise torch.OutOfMemoryError(OUT_OF_GPU_MEMORY)

    monkeypatch.setattr(mvae_core.trainer, "PluginRandom", gpu_full)  # its generator lives on the device
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert caught.value.command_line_message().endswith(
        f"free GPU memory (another process may hold it), then mvae train --resume {run} starts it over; or train on "
        f'the CPU: set train.device = "cpu" in {run / "config.toml"} (a resume may change it), then mvae train '
        f"--resume {run} starts it over"
    )
