"""A run's weights: ``checkpoint.pt`` (the training state a resume continues, with the settings it trained with) and
``model.safetensors`` (the best model, with its epoch and ``val_elbo``), through :mod:`mvae_core.checkpoint`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import torch

from mvae_core.checkpoint import (
    UNUSABLE,
    CheckpointError,
    load_checkpoint,
    model_metadata,
    save_checkpoint,
    save_model,
)
from mvae_core.config import MvaeConfig
from mvae_core.models.base import MelodyModel
from mvae_core.run_files import BEST_MODEL, CHECKPOINT, RunFiles
from mvae_core.view import epoch_number

_RESUME_KEYS = ("epoch", "model", "optimizer", "torch_rng", "best_val_elbo")
"""What a checkpoint holds for a resume to continue from it (:meth:`RunWeights.load_checkpoint` refuses one without)."""


class RunWeights(RunFiles):
    """The part of :class:`~mvae_core.run.RunDir` that writes and reads the run's checkpoint and its best model's
    record."""

    def save_checkpoint(self, payload: dict[str, Any]) -> None:
        """``checkpoint.pt``: the trainer's ``payload`` (:data:`_RESUME_KEYS` and more), written whole or not at all."""
        save_checkpoint(self.path / CHECKPOINT, payload)

    def checkpoint_before_training(self) -> bool:
        """``checkpoint.pt`` is the one the trainer writes before its first step (epoch -1, no step of epoch 1 in it),
        read without loading its tensors: it holds nothing the run trained. False when there is none, or one that
        cannot be read (which is not taken for one that can be written over)."""
        try:
            payload = load_checkpoint(self.path / CHECKPOINT, mapped=True)
        except CheckpointError:
            return False
        return payload.get("epoch") == -1 and payload.get("progress") is None

    def load_checkpoint(self) -> dict[str, Any]:
        """The resume checkpoint; :class:`CheckpointError` naming the file if it is unreadable or incomplete."""
        path = self.path / CHECKPOINT
        payload = load_checkpoint(path)
        missing = [key for key in _RESUME_KEYS if key not in payload]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}; {UNUSABLE}")
        return payload

    def save_best(self, weights: dict[str, torch.Tensor], epoch: int, val_elbo: float) -> None:
        """``model.safetensors``: the model ``weights`` (a ``state_dict``) of ``epoch`` (counted from 0), with it and
        ``val_elbo`` as metadata."""
        save_model(self.path / BEST_MODEL, weights, {"epoch": str(epoch), "val_elbo": repr(val_elbo)})

    def best_saved(self) -> tuple[int, float] | None:
        """The epoch (counted from 1) and ``val_elbo`` of the run's best model, as ``model.safetensors`` recorded them
        (:func:`saved_epoch`): the model ``generate`` reads. None when the run has no model file, or one without that
        record or unreadable."""
        try:
            return saved_epoch(model_metadata(self.path / BEST_MODEL))
        except CheckpointError:
            return None


class SavedModel(NamedTuple):
    """A run's best model as :meth:`RunDir.load_best` read it."""

    model: MelodyModel  # in eval mode
    config: MvaeConfig  # the run's resolved config
    metadata: dict[str, str]  # saved with the weights (:meth:`RunDir.save_best`; :func:`saved_epoch` reads it)


def settings_record(cfg: MvaeConfig) -> dict[str, Any]:
    """The settings of ``cfg`` as a checkpoint records them: every setting, those not set (None) too, so that a
    setting given a value since (``train.clip_grad_norm``) is told from one that the installed code added."""
    return cfg.model_dump(mode="json")


def saved_epoch(metadata: Mapping[str, str]) -> tuple[int, float] | None:
    """The epoch (counted from 1, as the console counts) of a model file's ``metadata`` and its val_elbo, as
    :meth:`RunDir.save_best` recorded them; None for a file without that record (not written by mvae), or with one
    mvae never writes (an epoch below 0, a val_elbo that is not finite: a best epoch always has a finite one)."""
    try:
        epoch, val_elbo = int(metadata["epoch"]), float(metadata["val_elbo"])
    except (KeyError, ValueError):
        return None
    return (epoch_number(epoch), val_elbo) if epoch >= 0 and math.isfinite(val_elbo) else None
