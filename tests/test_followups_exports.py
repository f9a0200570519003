"""Every typed error a Python caller may catch is importable from mvae_core."""

from __future__ import annotations

import mvae_core
import mvae_core.models
import mvae_core.trainer


def test_training_in_progress_and_model_error_are_exported():
    from mvae_core import ModelError, TrainingInProgress

    assert TrainingInProgress is mvae_core.trainer.TrainingInProgress
    assert ModelError is mvae_core.models.ModelError
    assert {"TrainingInProgress", "ModelError"} <= set(mvae_core.__all__)
    assert issubclass(TrainingInProgress, mvae_core.MvaeError) and issubclass(ModelError, mvae_core.MvaeError)
