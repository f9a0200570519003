"""A training that the machine fails (out of memory, in RAM or on the GPU; a full disk where mvae's own writes are not
the ones refused) ends in one line naming what ran out and what to do, with ``failure.json`` and the resume; it ended
with a raw traceback and no failure.json. Any other error is a bug: it still ends with its traceback."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable, Iterator

import pytest
import torch
from typer.testing import CliRunner

import mvae_core
import mvae_core.trainer
from mvae_core.cli import app
from mvae_core.errors import RunFailed
from mvae_core.progress import SilentReporter
from mvae_core.run import RunDir
from tests.training import TINY

runner = CliRunner()


def failing_step(monkeypatch: pytest.MonkeyPatch, epoch: int, fail: Callable[[], None]) -> None:
    """The first training step of ``epoch`` (from 0) calls ``fail`` where it computes its loss, as a step whose tensors
    do not fit would fail there."""
    real = mvae_core.trainer.weighted_total

    def weighted_total(terms, coefficients, applied):
        if torch.is_grad_enabled() and not getattr(weighted_total, "failed", False):
            weighted_total.calls = getattr(weighted_total, "calls", 0) + 1
            if weighted_total.calls > epoch * steps_per_epoch[0]:
                weighted_total.failed = True
                fail()
        return real(terms, coefficients, applied)

    steps_per_epoch = [0]
    real_init = mvae_core.trainer.Trainer.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        steps_per_epoch[0] = self.view.steps_per_epoch

    monkeypatch.setattr(mvae_core.trainer.Trainer, "__init__", init)
    monkeypatch.setattr(mvae_core.trainer, "weighted_total", weighted_total)


def allocate_too_much() -> None:
    """What a step that needs more RAM than there is meets: torch's own error for an allocation the system refuses
    (1 PiB)."""
    torch.empty(2**48)


def test_out_of_memory_in_epoch_1_is_one_line_with_failure_json_and_the_smaller_batch(monkeypatch, synth_dir, tmp_path):
    run = tmp_path / "run"
    failing_step(monkeypatch, 0, allocate_too_much)
    tiny = [f"--set={o}" for o in TINY if "batch_size" not in o]
    command = ["train", str(synth_dir), "--out", str(run), "--epochs", "1", *tiny]
    result = runner.invoke(app, [*command, "--batch-size", "16"])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert said.count("error: ") == 1  # one line, after the warnings (the schedules of the built-in plugins)
    assert (
        "error: training ran out of memory in epoch 1 (DefaultCPUAllocator: can't allocate memory: you tried to "
        f"allocate 1125899906842624 bytes. Error code 12 (Cannot allocate memory)); no epoch finished, so {run} holds "
        "no model; free memory"
    ) in said
    assert said.endswith(
        f"free memory (another program may hold it), then mvae train --resume {run} continues from its last "
        f"checkpoint; or the same mvae train command (--out {run}) with train.batch_size = 8 (now 16) starts it over "
        "in its place"
    )
    failure = RunDir(run).read_failure()
    assert failure["error"] == "out of memory" and failure["epoch"] == 0
    monkeypatch.undo()
    again = runner.invoke(app, [*command, "--batch-size", "8"])
    assert again.exit_code == 0, again.output  # what the message said: it starts over there, with a smaller batch


def test_out_of_gpu_memory_after_an_epoch_names_the_new_run_a_smaller_batch_needs(monkeypatch, synth_dir, tmp_path):
    run = tmp_path / "run"

    def cuda_out_of_memory() -> None:  # torch's own exception type and message on a GPU
        raise torch.OutOfMemoryError(
            "CUDA out of memory. Tried to allocate 20.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.2 GiB "
            "is free. Of the allocated memory 70 GiB is allocated by PyTorch. See documentation for Memory Management"
        )

    failing_step(monkeypatch, 1, cuda_out_of_memory)
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=2, progress=False)
    assert isinstance(caught.value.__cause__, torch.OutOfMemoryError)
    assert caught.value.command_line_message() == (
        "training ran out of GPU memory in epoch 2 (CUDA out of memory. Tried to allocate 20.00 GiB); the best model so "
        f"far is in {run}; free GPU memory (another process may hold it), then mvae train --resume {run} continues "
        "from its last checkpoint; or a resume keeps train.batch_size (16): to train with a smaller one (8), start a "
        f"new run from its weights (mvae train DATA --init-from {run} --out NEW_RUN) with it"
    )
    assert RunDir(run).read_failure()["error"] == "out of GPU memory"
    monkeypatch.undo()
    assert mvae_core.train(out=run, resume=True, progress=False).epochs_run == 2


class FullDiskLog(SilentReporter):
    """A reporter whose output goes to a full disk (``mvae train … > log`` on a full disk): it shows nothing and
    its display's write is refused at the end of epoch 1."""

    @contextlib.contextmanager
    def training(self, epochs: int, first_epoch: int) -> Iterator[Callable[[object], None]]:
        def show(record: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        yield show


def test_a_full_disk_under_the_output_is_a_failed_run_saying_free_space(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=2, progress=FullDiskLog())
    assert str(caught.value) == (
        f"training ran out of disk space in epoch 1 (No space left on device); the best model so far is in {run}; "
        f"free space, then mvae_core.train(out={str(run)!r}, resume=True) continues from its last checkpoint"
    )
    assert RunDir(run).read_failure()["error"] == "out of disk space"


@pytest.mark.parametrize(
    "error",
    [RuntimeError("mat1 and mat2 shapes cannot be multiplied (16x32 and 64x32)"), OSError(errno.EIO, "I/O error")],
)
def test_any_other_error_is_a_bug_shown_with_its_traceback(monkeypatch, synth_dir, tmp_path, error):
    def fail() -> None:
        raise error

    failing_step(monkeypatch, 0, fail)
    run = tmp_path / "run"
    with pytest.raises(type(error)) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert caught.value is error and RunDir(run).read_failure() is None
