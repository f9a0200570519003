"""A resume of a run a plugin stopped returns the run's numbers: its RunResult had best_val_elbo = nan, though the
run has a best model and metrics.jsonl holds every val_elbo (a notebook comparing runs got nan for stopped ones)."""

from __future__ import annotations

import mvae_core
from mvae_core import hookimpl
from tests.training import TINY


class StopAfterTwo:
    """Requests a stop at the end of epoch 2, as early stopping would."""

    @hookimpl
    def mvae_epoch_end(self, trainer):
        return "enough" if trainer.epoch == 1 else None


def test_resuming_a_stopped_run_returns_its_best_val_elbo(synth_dir, tmp_path):
    plugin = StopAfterTwo()
    trained = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[plugin], epochs=4,
                              progress=False)  # fmt: skip
    assert (trained.epochs_run, trained.stop_reasons) == (2, ["stop_after_two: enough"])
    again = mvae_core.train(out=tmp_path / "run", resume=True, plugins=[plugin], progress=False)
    assert (again.outcome, again.epochs_run, again.stop_reasons) == ("already stopped", 2, trained.stop_reasons)
    assert again.best_val_elbo == trained.best_val_elbo
