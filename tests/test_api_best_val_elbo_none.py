"""RunResult.best_val_elbo is documented as NaN when no epoch had a finite ``val_elbo``; a run whose validation
was never finite reported ``inf`` (the trainer's "none yet"), which reads as a real, terrible score."""

from __future__ import annotations

import math

import pytest

import mvae_core
from mvae_core import trainer
from tests.training import TINY


def test_no_finite_val_elbo_is_reported_as_nan(synth_dir, tmp_path, monkeypatch: pytest.MonkeyPatch):
    scored = trainer.validate

    def never_finite(*args, **kwargs):
        return scored(*args, **kwargs) | {"val_elbo": float("nan")}

    monkeypatch.setattr(trainer, "validate", never_finite)
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, plugins=[], progress=False)
    assert math.isnan(result.best_val_elbo)
    again = mvae_core.train(out=tmp_path / "run", resume=True, progress=False)
    assert (again.outcome, math.isnan(again.best_val_elbo)) == ("already finished", True)
