"""A resume whose GPU runs out of memory while its checkpoint is restored (the optimizer's state moves to the device)
says so, and what helps: free the GPU's memory, or train on the CPU (``train.device``, which a resume may change). It
said "in epoch 1" and advised a smaller batch, which shrinks nothing of a checkpoint. Memory (the host's) running out
there is told to be freed, nothing else; neither records an epoch in ``failure.json``, and the checkpoint stays what a
resume continues."""

from __future__ import annotations

import pytest
import torch

import mvae_core
from mvae_core.errors import RunFailed
from mvae_core.run import RunDir
from mvae_core.trainer import Trainer
from tests.training import TINY

OUT_OF_GPU_MEMORY = (
    "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.2 GiB is free. "
    "Of the allocated memory 70 GiB is allocated by PyTorch. See documentation for Memory Management"
)
"""torch's own message for an allocation a GPU refuses."""


def test_running_out_while_a_checkpoint_is_restored_names_the_restore_and_what_helps(monkeypatch, synth_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    checkpoint = (run / "checkpoint.pt").read_bytes()
    resume, config = f"mvae_core.train(out={str(run)!r}, resume=True)", run / "config.toml"
    said = f"the best model so far is in {run}; free"

    def gpu_full(self: Trainer, payload: dict) -> None:
        raise torch.OutOfMemoryError(OUT_OF_GPU_MEMORY)

    monkeypatch.setattr(Trainer, "restore", gpu_full)
    with pytest.raises(RunFailed) as caught:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert isinstance(caught.value.__cause__, torch.OutOfMemoryError)
    assert str(caught.value) == (
        "training ran out of GPU memory while moving the checkpoint to the device (CUDA out of memory. Tried to "
        f"allocate 2.00 GiB); {said} GPU memory (another process may hold it), then {resume} continues from its last "
        f'checkpoint; or train on the CPU: set train.device = "cpu" in {config} (a resume may change it), then '
        f"{resume} continues from its last checkpoint"
    )
    assert RunDir(run).read_failure() == {"error": "out of GPU memory", "message": "CUDA out of memory. Tried to "
                                          "allocate 2.00 GiB"}  # fmt: skip

    def memory_full(self: Trainer, payload: dict) -> None:
        raise MemoryError()

    monkeypatch.setattr(Trainer, "restore", memory_full)
    with pytest.raises(RunFailed) as caught:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(caught.value) == (
        "training ran out of memory while moving the checkpoint to the device (MemoryError); "
        f"{said} memory (another program may hold it), then {resume} continues from its last checkpoint"
    )
    assert (run / "checkpoint.pt").read_bytes() == checkpoint
    monkeypatch.undo()
    result = mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert result.epochs_run == 2 and RunDir(run).read_failure() is None


def test_a_gpu_without_room_for_the_optimizer_state_is_no_unusable_checkpoint(monkeypatch, synth_dir, tmp_path):
    """The optimizer's state, cast to the device as it loads, is where a restore asks the GPU for memory: torch's
    error there (a RuntimeError) was read as a checkpoint whose optimizer state cannot be used, to be restored from a
    backup."""
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)

    def gpu_full(self: torch.optim.Optimizer, state: dict) -> None:
        raise torch.OutOfMemoryError(OUT_OF_GPU_MEMORY)

    monkeypatch.setattr(torch.optim.Optimizer, "load_state_dict", gpu_full)
    with pytest.raises(RunFailed) as caught:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(caught.value).startswith(
        "training ran out of GPU memory while moving the checkpoint to the device (CUDA out of memory. Tried to "
        "allocate 2.00 GiB); "
    )
