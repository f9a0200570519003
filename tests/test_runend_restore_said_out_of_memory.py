"""A resume whose device runs out of memory while the checkpoint's optimizer state (or its random state) moves to it
ends as running out of GPU memory, however torch says it: CUDA's own ``RuntimeError: CUDA error: out of memory`` and
Apple's ``MPS backend out of memory`` were read as a checkpoint whose state cannot be used, to be put back from a
backup (exit 2), which called a good checkpoint broken. Any other error there still names the checkpoint."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

import mvae_core
import mvae_core.trainer
from mvae_core.checkpoint import CheckpointError
from mvae_core.errors import RunFailed
from mvae_core.run import RunDir
from mvae_core.trainer import Trainer

CUDA_SAID = (
    "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported at some other API call, so the "
    "stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1"
)
MPS_SAID = (
    "MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.20 GB, max allowed: 18.13 GB). Tried to "
    "allocate 256.00 MB on private pool. Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit"
)


@pytest.fixture
def run(tiny_run: Path, tmp_path: Path) -> Path:
    """A copy of the session's trained run (a resume that fails writes its failure.json there)."""
    return Path(shutil.copytree(tiny_run, tmp_path / "run"))


def raising(error: Exception) -> Callable[..., None]:
    """A method (to patch in) that raises ``error``."""

    def method(*args: object, **kwargs: object) -> None:
        raise error

    return method


CUDA_WORDS = "CUDA error: out of memory"
MPS_WORDS = (
    "MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.20 GB, max allowed: 18.13 GB). Tried to "
    "allocate 256.00 MB on private pool"
)
"""The words of each that the message and failure.json quote: up to torch's advice."""


@pytest.mark.parametrize(
    ("error", "said"),
    [(torch.AcceleratorError(CUDA_SAID), CUDA_WORDS), (RuntimeError(CUDA_SAID), CUDA_WORDS),
     (RuntimeError(MPS_SAID), MPS_WORDS)],
    ids=["cuda-accelerator-error", "cuda-runtime-error", "mps"],
)  # fmt: skip
def test_a_device_without_room_for_the_optimizer_state_is_no_broken_checkpoint(monkeypatch, run, error, said):
    checkpoint = (run / "checkpoint.pt").read_bytes()
    monkeypatch.setattr(torch.optim.Optimizer, "load_state_dict", raising(error))
    with pytest.raises(RunFailed) as caught:
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
    assert caught.value.__cause__ is error and caught.value.exit_code == 1
    assert str(caught.value).startswith(
        f"training ran out of GPU memory while moving the checkpoint to the device ({said}); the best model so far "
        f"is in {run}; free GPU memory (another process may hold it), then "
    )
    assert RunDir(run).read_failure() == {"error": "out of GPU memory", "message": said}
    assert (run / "checkpoint.pt").read_bytes() == checkpoint


def test_nor_a_device_without_room_for_the_random_state_or_a_converted_optimizer_state(monkeypatch, run):
    monkeypatch.setattr(Trainer, "_set_rng_state", raising(RuntimeError(CUDA_SAID)))
    with pytest.raises(RunFailed, match=r"^training ran out of GPU memory while moving the checkpoint"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
    monkeypatch.undo()
    layouts = iter([ValueError("loaded state dict contains a parameter group that doesn't match"),
                    RuntimeError(MPS_SAID)])  # fmt: skip

    def load_state_dict(self: torch.optim.Optimizer, state: dict) -> None:
        raise next(layouts)  # an older layout of the layers, then no room for its converted state

    monkeypatch.setattr(torch.optim.Optimizer, "load_state_dict", load_state_dict)
    monkeypatch.setattr(mvae_core.trainer, "relaid_optimizer_state", lambda model, weights, state: state)
    with pytest.raises(RunFailed, match=r"^training ran out of GPU memory while moving the checkpoint"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)


def test_any_other_runtime_error_there_still_names_the_checkpoint(monkeypatch, run):
    error = RuntimeError("Expected state_steps to be a tensor, got int")
    monkeypatch.setattr(torch.optim.Optimizer, "load_state_dict", raising(error))
    with pytest.raises(CheckpointError, match=r"its optimizer state cannot be used \(Expected state_steps"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
