"""tensorboard: an mvae run as TensorBoard event files: the losses of every step and every number of every epoch.

The template for experiment-tracking loggers (MLflow, Weights & Biases, ...): open the tracker in
``mvae_train_start``, log per step in ``mvae_step_end`` and per epoch in ``mvae_epoch_end``, flush whenever mvae
writes its checkpoint (``mvae_state_dict``) and close in ``mvae_train_end``, or in ``mvae_train_interrupted`` when
the training is paused, interrupted or fails. Only a trainer with a run directory
logs (under torchrun, rank 0).

Every scalar is logged against the global step (optimiser steps since the run started), so one x axis serves all:

* ``step/<term>`` for each loss term and ``step/total`` (means over the step's batch), ``step/grad_norm`` (before
  clipping) and ``step/lr``, every ``every`` steps;
* ``epoch/<path>`` for every number of the epoch's ``metrics.jsonl`` record (``epoch/val/kl``, ``epoch/val_elbo``,
  ``epoch/weights/kl``, ``epoch/onset_f1``, ...), at the epoch's last step, and ``epoch/epoch`` (counted from 1).

On resume the writer purges events from the step the run continues at (TensorBoard's ``purge_step``), so the
steps of an epoch whose checkpoint never landed are not shown twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from torch.utils.tensorboard import SummaryWriter

from mvae_core import hookimpl
from mvae_core.plugins import MAY_CHANGE_ON_RESUME
from mvae_core.view import TrainerView, epoch_number


def scalars(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    """``(path, value)`` for every finite number in a nested record, paths joined with ``/``."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from scalars(value, f"{prefix}{key}/")
        elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            yield prefix + str(key), float(value)


class TensorBoardLogger:
    """Logs step losses, gradient norm, learning rate and every epoch metric to TensorBoard event files."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        # where and how often it logs, nothing the run computes: a resume takes an edit of them (with a warning)
        log_dir: str | None = Field(
            default=None,
            description="Event file folder; default <run directory>/tensorboard.",
            json_schema_extra=MAY_CHANGE_ON_RESUME,
        )
        every: int = Field(
            default=1,
            ge=1,
            description="Log the step scalars every N optimiser steps.",
            json_schema_extra=MAY_CHANGE_ON_RESUME,
        )

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or self.Config()
        self.writer: SummaryWriter | None = None

    @hookimpl
    def mvae_train_start(self, trainer: TrainerView) -> None:
        if trainer.run_dir is None:
            trainer.emit("no run directory: nothing is logged to TensorBoard", level="info")
            return
        log_dir = Path(self.config.log_dir) if self.config.log_dir else Path(trainer.run_dir) / "tensorboard"
        resumed = trainer.global_step > 0
        self.writer = SummaryWriter(str(log_dir), purge_step=trainer.global_step if resumed else None)

    @hookimpl
    def mvae_step_end(self, trainer: TrainerView, losses: dict[str, float], grad_norm: float) -> None:
        step = trainer.global_step
        if self.writer is None or step % self.config.every:
            return
        for term, value in losses.items():
            if value == 0 and trainer.multipliers.get(term) == 0:
                continue  # not computed this step (docs/hooks.md): a 0 here would be no measurement
            self.writer.add_scalar(f"step/{term}", value, step)
        self.writer.add_scalar("step/grad_norm", grad_norm, step)
        self.writer.add_scalar("step/lr", trainer.optimizer.param_groups[0]["lr"], step)

    @hookimpl
    def mvae_epoch_end(self, trainer: TrainerView, epoch: int, metrics: dict[str, Any]) -> None:
        if self.writer is None:
            return
        last_step = (epoch + 1) * trainer.steps_per_epoch - 1
        for path, value in scalars({k: v for k, v in metrics.items() if k != "epoch"}):
            self.writer.add_scalar(f"epoch/{path}", value, last_step)
        self.writer.add_scalar("epoch/epoch", epoch_number(epoch), last_step)
        self.writer.flush()

    @hookimpl
    def mvae_state_dict(self) -> None:
        if self.writer is not None:  # the events are on disk at least as far as the checkpoint
            self.writer.flush()

    @hookimpl
    def mvae_train_end(self) -> None:
        self._close()

    @hookimpl
    def mvae_train_interrupted(self) -> None:
        self._close()  # a pause's resume opens a writer again, which drops the events past its checkpoint

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
