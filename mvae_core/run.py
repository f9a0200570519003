"""The run directory: everything a run writes, and everything later commands read back.

``config.toml`` (resolved config + provenance), ``data_report.json``, ``split.json`` (which sources train and which
validate), ``metrics.jsonl`` (one JSON object per epoch), ``checkpoint.pt`` (last epoch, or the step reached when
interrupted, for ``--resume``, with the settings it trained with), ``model.safetensors`` (best ``val_elbo``, for
``generate``) and ``failure.json`` (why the run stopped with an error; removed when it is resumed), and ``.lock`` (held
by the process that trains the run, :meth:`RunDir.training_lock`). Non-finite floats are written as ``null`` so every
line is strict JSON.

:class:`RunDir` is made of one part per job, each in a module of its own: the folder's layout
(:mod:`~mvae_core.run_files`), the next steps messages name (:mod:`~mvae_core.run_steps`), the lock
(:mod:`~mvae_core.run_lock`), refusals of a folder that is no run (:mod:`~mvae_core.run_refusals`), ``config.toml``
(:mod:`~mvae_core.run_config`) and the versions it records (:mod:`~mvae_core.run_versions`), ``split.json`` and
``data_report.json`` (:mod:`~mvae_core.run_split`), ``metrics.jsonl`` (:mod:`~mvae_core.run_metrics`),
``failure.json`` and the run's state (:mod:`~mvae_core.run_state`), and the checkpoint and the best model's record
(:mod:`~mvae_core.run_weights`); this module joins them, and loads the best model (which takes most of them).
"""

from __future__ import annotations

import os

from mvae_core.checkpoint import CheckpointError, load_model_file, load_weights
from mvae_core.config import ConfigError, MvaeConfig
from mvae_core.models import build_model, installed_model_version
from mvae_core.models.base import MelodyModel
from mvae_core.run_files import BEST_MODEL, CHECKPOINT, CONFIG, METRICS
from mvae_core.run_split import RunSplit
from mvae_core.run_state import RunStatus
from mvae_core.run_steps import Steps
from mvae_core.run_versions import RunVersions, code_versions
from mvae_core.run_weights import RunWeights, SavedModel


class RunDir(RunStatus, RunSplit, RunVersions, RunWeights):
    """A run directory at ``path``: the one writer of its files and the one reader of them for later commands
    (nothing is created until a method writes)."""

    def trained_nothing(self) -> bool:
        """The run stopped before anything of its training was saved (a failure at its first steps, a crash, a plugin
        that raised as training started): its ``config.toml`` is here, no metrics line, no best model, and no
        checkpoint but the one written before training (:meth:`checkpoint_before_training`), if any. A new run may
        start here again in its place (:func:`~mvae_core.run_setup.refuse_existing_run`), after
        :meth:`clear_untrained`, and a resume starts it over when it has no checkpoint."""
        if not (self.path / CONFIG).is_file() or os.path.lexists(self.path / BEST_MODEL) or self.read_metrics():
            return False
        return not self.has_checkpoint() or self.checkpoint_before_training()

    def clear_untrained(self) -> bool:
        """Remove what a run that :meth:`trained_nothing` left besides its config and data files (``metrics.jsonl``
        without a line, ``failure.json``, the checkpoint written before training), for a new run that starts here in
        its place; True when it left a checkpoint. The checkpoint goes last: a stop between leaves a run that still
        trained nothing. Only for the process that holds the run's lock, once :meth:`trained_nothing` said so."""
        (self.path / METRICS).unlink(missing_ok=True)
        self.clear_failure()
        checkpointed = (self.path / CHECKPOINT).exists()
        (self.path / CHECKPOINT).unlink(missing_ok=True)
        return checkpointed

    def load_model(self) -> tuple[MelodyModel, MvaeConfig]:
        """The best model in eval mode, rebuilt from the run's config (no code is executed): :meth:`load_best`
        without the metadata."""
        model, cfg, _ = self.load_best()
        return model, cfg

    def load_best(self) -> SavedModel:
        """The best model in eval mode, rebuilt from the run's config (no code is executed), with the metadata saved
        with its weights, read from the same open of ``model.safetensors`` (a new best that a training run writes
        meanwhile is either the one loaded, or not seen at all).

        :raises InputError: the path is not a folder (:meth:`require_folder`)."""
        self.require_folder()
        cfg = self.read_config()
        try:
            model = build_model(cfg)
        except ConfigError as exc:  # e.g. a model whose package is not installed here
            message = self.with_version_hint(str(exc), installed_model_version(cfg.model.name))
            raise ConfigError(f"{self.path / CONFIG}: {message}") from None
        if not os.path.lexists(self.path / BEST_MODEL):  # something else in its place: load_model_file says what
            raise self.said_both_ways(
                CheckpointError,
                lambda steps: f"no model at {self.path / BEST_MODEL}; {self._missing_model_hint(steps)}",
            )
        state, metadata = load_model_file(self.path / BEST_MODEL)  # its errors name the file
        try:
            load_weights(model, state)
        except CheckpointError as exc:  # e.g. a new version of the model's package changed its layout
            message = self.refused_weights(exc, code_versions(cfg.model.name))
            raise CheckpointError(f"{self.path / BEST_MODEL}: {message}") from None
        return SavedModel(model.eval(), cfg, metadata)

    def _missing_model_hint(self, steps: Steps) -> str:
        """What to do about a run directory without its model file, by what else is there."""
        if self.read_metrics():
            return (
                "epochs finished but the file is gone: restore it, or train a new run (a resume writes it again only "
                "when an epoch beats the best so far)"
            )
        if self.has_checkpoint():
            if self.is_training():
                return "no epoch has finished yet: it is training now; wait for its first epoch"
            return f"no epoch has finished yet: continue with {steps.resume}"
        return f"nothing was trained here: train first ({steps.train})"
