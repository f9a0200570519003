"""A resume with another number of processes than wrote the checkpoint says it is not bit-identical."""

from __future__ import annotations

import mvae_core
from mvae_core.checkpoint import save_checkpoint
from mvae_core.run import RunDir

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


def test_a_resume_with_another_number_of_processes_says_so_once(synth_dir, tmp_path, capsys):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    payload = RunDir(run).load_checkpoint()
    state = {"torch_rng": payload["torch_rng"], "cuda_rng": []}
    save_checkpoint(run / "checkpoint.pt", payload | {"ranks": [state, state]})  # as torchrun with 2 processes writes
    mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    out = " ".join(capsys.readouterr().out.split())
    assert out.count("the checkpoint was written by 2 processes and this resume runs 1 process: the continuation") == 1
    assert "is not bit-identical to a run that kept 2 (docs/scaling.md)" in out
    mvae_core.train(out=run, resume=True, epochs=3, progress=True)  # written by this one process: no note
    assert "bit-identical" not in capsys.readouterr().out
