"""TrainerView: the only face of the trainer that plugins see (the ``trainer`` argument of every hook)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from mvae_core.config import MvaeConfig


@dataclass
class TrainerView:
    """Public, documented trainer state.

    Attributes plugins may read: ``epoch`` (current or last finished epoch, from 0), ``epochs`` (the run's
    maximum), ``steps_per_epoch``, ``config`` (the resolved :class:`MvaeConfig`), ``run_dir``, ``model``
    (the :class:`MelodyVAE`; e.g. to restore best weights), ``ramps_end`` (the first epoch at which every
    plugin's ramp is over, from ``mvae_ramp_end``; 0 when nothing ramps). Plugins may mutate ``optimizer.param_groups``
    (learning rate) in place. ``emit`` records a warning or note in this epoch's ``events``.
    """

    config: MvaeConfig
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    run_dir: Path | None
    epochs: int
    steps_per_epoch: int
    epoch: int = 0
    ramps_end: int = 0
    _events: list[dict[str, Any]] = field(default_factory=list, repr=False)
    _source: str = field(default="core", repr=False)

    def emit(self, message: str, level: str = "warning") -> None:
        """Record ``message`` in this epoch's ``events`` (and on the console), attributed to the caller."""
        self._events.append({"source": self._source, "level": level, "message": str(message)})

    def drain_events(self) -> list[dict[str, Any]]:
        events, self._events = self._events, []
        return events
