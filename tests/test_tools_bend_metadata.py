"""``mvae bend`` on a run that is still training: the bent copy's ``model.safetensors`` keeps the epoch and val_elbo of
the weights it bent, even when training writes a new best between the load of the weights and the read of its
metadata (bend read the file twice, so the copy could name the new best's epoch beside the old weights)."""

from __future__ import annotations

import shutil

from mvae_core.checkpoint import model_metadata
from mvae_core.run import RunDir
from mvae_core.run_files import BEST_MODEL
from mvae_core.tools.bend import bend_run


def test_a_new_best_written_while_bending_does_not_change_the_copys_epoch(tiny_run, tmp_path, monkeypatch):
    source = tmp_path / "run"
    shutil.copytree(tiny_run, source)
    loaded = model_metadata(source / BEST_MODEL)
    load_best = RunDir.load_best

    def then_a_new_best(run: RunDir):
        result = load_best(run)
        model = result[0]
        RunDir(source).save_best(model.state_dict(), epoch=99, val_elbo=1.0)  # training's next best, just after
        return result

    monkeypatch.setattr(RunDir, "load_best", then_a_new_best)
    bend_run(source, tmp_path / "bent", sigma=0.1, seed=0, layers="decoder")
    bent = model_metadata(tmp_path / "bent" / BEST_MODEL)
    assert (bent["epoch"], bent["val_elbo"]) == (loaded["epoch"], loaded["val_elbo"])
