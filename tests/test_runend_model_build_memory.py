"""Memory running out as a training builds its model the first time, to check its settings before any data is read
(:func:`~mvae_core.run_plugins.resolved_model_and_plugins`): one line, exit 1, nothing written (no folder for a new
run, a resumed run as it was), advising to free memory or, where the run may change its model, a smaller one. It
ended with a raw ``MemoryError`` traceback; and where the model's own code ran out, as torch's allocator says it
(``DefaultCPUAllocator: can't allocate memory``) or as Python's ``MemoryError``, with ``model '…' failed to start``,
exit 2, as if the model had a bug."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

import mvae_core
import mvae_core.models.encoder
import mvae_core.run_plugins
from mvae_core.cli import app
from mvae_core.errors import RunFailed
from tests.test_runend_set_up_memory import out_of_memory
from tests.training import TINY


def test_a_new_run_whose_model_does_not_fit_in_memory_says_so_in_one_line_and_writes_nothing(
    monkeypatch, synth_dir, tmp_path
):
    monkeypatch.setattr(mvae_core.run_plugins, "build_model", out_of_memory)
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert isinstance(caught.value.__cause__, MemoryError)
    assert str(caught.value) == (
        "training ran out of memory as its model was built, before any data was read (MemoryError); nothing was "
        f"written; free memory (another program may hold it), then the same mvae_core.train call (out={str(run)!r}) "
        "starts it; or a smaller model (a training step's batch takes no memory yet): the same mvae_core.train call "
        f"(out={str(run)!r}) with model.hidden = 16 (now 32) starts it"
    )
    assert not run.exists()

    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1", "--out", str(run)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert " ".join(result.stderr.split()) == (
        "error: training ran out of memory as its model was built, before any data was read (MemoryError); nothing "
        f"was written; free memory (another program may hold it), then the same mvae train command (--out {run}) "
        "starts it; or a smaller model (a training step's batch takes no memory yet): the same mvae train command "
        f"(--out {run}) with model.hidden = 256 (now 512) starts it"
    )
    assert not run.exists()


def test_a_resume_whose_model_does_not_fit_in_memory_leaves_the_run_as_it_was(monkeypatch, tiny_run, tmp_path):
    """A resume keeps the model: no smaller one is advised, and none of the run's files changes."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    before = {path.name: path.read_bytes() for path in run.iterdir()}
    monkeypatch.setattr(mvae_core.run_plugins, "build_model", out_of_memory)
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert " ".join(result.stderr.split()) == (
        "error: training ran out of memory as its model was built, before any data was read (MemoryError); "
        f"{run} is as it was; free memory (another program may hold it), then mvae train --resume {run} continues "
        "from its last checkpoint"
    )
    assert {path.name: path.read_bytes() for path in run.iterdir()} == before  # no failure.json, epochs as they were


def refused_by_torch() -> None:
    """torch's allocator refusing (a real refusal, of 1 PiB: nothing is allocated)."""
    torch.empty(2**50, dtype=torch.uint8)


@pytest.mark.parametrize(
    ("runs_out", "said"),
    [
        (refused_by_torch, "DefaultCPUAllocator: can't allocate memory: you tried to allocate 1125899906842624 bytes"),
        (out_of_memory, "MemoryError"),
    ],
)
def test_a_model_whose_own_code_runs_out_of_memory_is_not_called_broken(
    runs_out, said, monkeypatch, synth_dir, tmp_path: Path
):
    """The model's ``__init__`` runs under model_code, which names the model in a ModelError for a bug of its own:
    the machine running out is none."""
    encoder_init = mvae_core.models.encoder.Encoder.__init__

    def runs_out_in_init(self: object, *args: object) -> None:
        encoder_init(self, *args)
        runs_out()

    monkeypatch.setattr(mvae_core.models.encoder.Encoder, "__init__", runs_out_in_init)
    run = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1", "--out", str(run)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert " ".join(result.stderr.split()).startswith(
        f"error: training ran out of memory as its model was built, before any data was read ({said}"
    )
    assert "failed to start" not in result.stderr and not run.exists()
