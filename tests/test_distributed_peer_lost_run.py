"""A process of a torchrun job that loses another mid-training says how to continue naming the run's path, as every
other stop message does: it said ``continue with the same torchrun command and train --resume RUN``."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from mvae_core.distributed import Distributed, PeerLost
from mvae_core.run import RunDir
from mvae_core.run_ending import machine_limits


def test_a_lost_process_during_training_names_the_run_to_resume(tmp_path, monkeypatch):
    run = RunDir(tmp_path / "my run")
    steps = (run.steps(python=True, world=2), run.steps(python=False, world=2))
    job = Distributed(torch.device("cpu"), rank=0, world=2)
    monkeypatch.setattr(Distributed, "_told", lambda self: None)  # no process told the job that it ran out
    no_config: Any = None  # a lost process's message reads no setting
    torch_error = RuntimeError("[../gloo/transport/tcp/pair.cc:537] Read error [127.0.0.1]:29500: Connection reset")
    training = machine_limits(run, no_config, steps, job, lambda: (2, 5), lambda: None)
    with pytest.raises(PeerLost) as caught, training, job._collective():  # a step's all-reduce, the other one killed
        raise torch_error
    said = caught.value.command_line_message()
    assert said.startswith("another process of the job stopped or cannot be reached (Read error [127.0.0.1]:29500")
    assert said.endswith(f"is kept: continue with mvae train --resume '{tmp_path}/my run' (under torchrun, as before)")
    assert str(caught.value).endswith(
        f"continue with mvae_core.train(out={str(tmp_path / 'my run')!r}, resume=True) (under torchrun, as before)"
    )
    assert caught.value.exit_code == 1 and caught.value.__cause__ is torch_error
