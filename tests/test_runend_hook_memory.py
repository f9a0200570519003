"""A plugin's hook in which the machine runs out of memory (a big extra term in ``mvae_loss``, an average of the
weights in ``mvae_validation_start``) ends the training as memory running out anywhere in it does: one line naming
what ran out and where (the plugin and its hook), ``failure.json`` saying ``out of memory``, and the memory's advice.
It ended as ``plugin 'x' failed in mvae_loss: MemoryError``, the plugin's bug (``plugin failed``); and a plugin's own
error still does. And a process of a job that is lost is no longer said to have run out of memory."""

from __future__ import annotations

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.distributed import Distributed, PeerLost
from mvae_core.errors import RunFailed
from mvae_core.run import RunDir
from tests.training import TINY


class BigTerm:
    """A plugin whose extra term does not fit: its ``mvae_loss`` raises what it is given (``error``)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    @hookimpl
    def mvae_loss(self, trainer, batch, output, terms, split):
        raise self.error


class Averaged:
    """A plugin whose copy of the weights does not fit in the GPU: its ``mvae_validation_start`` runs out."""

    @hookimpl
    def mvae_validation_start(self, trainer, epoch):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity")


def test_a_plugin_term_that_runs_out_of_memory_ends_as_memory_running_out_naming_the_plugin(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[BigTerm(MemoryError())], progress=False)
    said = str(caught.value)
    assert said.startswith("training ran out of memory in epoch 1 (MemoryError in mvae_loss of plugin 'big_term'); ")
    assert (
        "free memory (another program may hold it), then mvae_core.train(out=" in said and "continues from its" in said
    )
    assert "failed in" not in said
    assert isinstance(caught.value.__cause__.__cause__, MemoryError)
    failure = RunDir(run).read_failure()
    assert failure["error"] == "out of memory" and failure["message"] == "MemoryError in mvae_loss of plugin 'big_term'"


def test_a_plugin_running_out_of_gpu_memory_as_validation_starts_says_gpu_memory(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[Averaged()], progress=False)
    assert caught.value.command_line_message().startswith(
        "training ran out of GPU memory in epoch 1 (CUDA out of memory. Tried to allocate 2.00 GiB in "
        "mvae_validation_start of plugin 'averaged'); "
    )
    assert "free GPU memory (another process may hold it)" in str(caught.value)
    assert RunDir(run).read_failure()["error"] == "out of GPU memory"


def test_a_plugin_own_error_in_its_hook_is_still_the_plugin_failing(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[BigTerm(ValueError("bad term"))],
                        progress=False)  # fmt: skip
    assert "plugin 'big_term' failed in mvae_loss: ValueError: bad term" in str(caught.value)
    assert RunDir(run).read_failure()["error"] == "plugin failed"


def test_a_lost_process_is_not_said_to_have_run_out_of_memory(monkeypatch):
    """A collective that fails because another process ended (``PeerLost``) said ``exitcode -9: killed, e.g. out of
    memory`` whatever ended it: this process does not know why; torchrun's report says which and how."""
    job = Distributed(torch.device("cpu"), rank=0, world=2)
    monkeypatch.setattr(Distributed, "_told", lambda self: None)  # no process told the job that it ran out
    with pytest.raises(PeerLost) as caught, job._collective():
        raise RuntimeError("[../gloo/transport/tcp/pair.cc:537] Read error [127.0.0.1]:29500: Connection reset by peer")
    assert str(caught.value) == (
        "another process of the job stopped or cannot be reached (Read error [127.0.0.1]:29500: Connection reset by "
        "peer); torchrun's report names which ended first and how (its exitcode: -9 means killed, as by the "
        "out-of-memory killer or a kill -9). The run's last checkpoint, if it has one, is kept: continue with the same "
        "torchrun command and train --resume RUN"
    )
