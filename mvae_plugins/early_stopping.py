"""Early stopping on a stationary objective, gated on the end of every ramp; optionally restores the best weights.

The ancestor (seed lineage D8) stopped on a validation loss whose KL and timeshift weights were still ramping, from one
noisy batch. Here the default monitor ``val_elbo`` (whole validation set, base coefficients, KL weight 1) is not
changed by any plugin, and epochs before ``trainer.ramps_end`` (the latest ramp end any plugin publishes through
``mvae_ramp_end``) are ignored. The run stops where the monitor has not improved by more than ``min_delta`` for
``patience`` epochs since its best; the reason lands in that epoch's ``events``. With ``restore_best`` the best
epoch's weights are loaded into ``trainer.model`` at train end (after the last checkpoint: resuming is unaffected).

Hooks: ``mvae_watched_entries`` (the monitor, so that a term of ``train``, ``val`` or ``weights`` that the run does
not have, or an entry ``timing_std`` does not have, is refused before training), ``mvae_train_start`` (warns when it can never stop), ``mvae_epoch_end`` (decides), ``mvae_train_end`` (restores),
``mvae_state_dict``/``mvae_load_state_dict`` (best, best_epoch, wait, stopped and the best weights: a resumed run stops
at the same epoch and restores the same weights; the checkpoint grows by one copy of the weights).
Config (``[plugins.early_stopping]``): monitor, mode, patience, min_delta, restore_best (see :class:`Config`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, ClassVar, Literal, TypeAlias

import torch
from pydantic import BaseModel, ConfigDict, Field, field_validator

from mvae_core import hookimpl
from mvae_core.metrics_record import RECORD_NUMBERS, RECORD_TABLES
from mvae_core.suggest import did_you_mean
from mvae_core.view import TrainerView, epoch_number


class Config(BaseModel):
    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    monitor: str = Field(
        default="val_elbo", description="Metric of the epoch record to watch; a dotted path like val.onset."
    )
    mode: Literal["min", "max"] = Field(default="min", description="min: lower is better; max: higher is better.")
    patience: int = Field(
        default=25, ge=1, description="Epochs without improvement (after the ramps end) before stopping."
    )
    min_delta: float = Field(default=0.0, ge=0, description="An improvement must beat the best by more than this.")
    restore_best: bool = Field(
        default=True, description="Load the best epoch's weights into the model when training ends."
    )

    @field_validator("monitor")
    @classmethod
    def _in_the_record_plugins_see(cls, monitor: str) -> str:
        """Plugins' recorded numbers join the epoch's record only after every ``mvae_epoch_end`` ran."""
        first, *rest = monitor.split(".")
        if first == "plugins":
            raise ValueError(
                "the numbers plugins record join the epoch's record after every plugin's mvae_epoch_end, so early "
                "stopping cannot watch them; watch a field of the record (val_elbo, val.<term>, onset_f1, …), or let "
                "that plugin return a stop reason from its mvae_epoch_end (docs/hooks.md)"
            )
        watchable = f"watch one of {', '.join(RECORD_NUMBERS)}, or a number in {', '.join(RECORD_TABLES)} (val.<term>)"
        if first not in (*RECORD_NUMBERS, *RECORD_TABLES):  # checked before training, not after its first epoch
            hint = did_you_mean(monitor, [*RECORD_NUMBERS, *(f"{table}." for table in RECORD_TABLES)], "")
            raise ValueError(f"not a number of the epoch's record{hint} ({watchable})")
        if (first in RECORD_NUMBERS) == bool(rest) or not all(rest):
            kind = "a number, not a table" if first in RECORD_NUMBERS else "a table: name a number in it"
            raise ValueError(f"{first} is {kind} ({watchable})")
        return monitor


class Decision(StrEnum):
    """What :func:`decide` made of one epoch's value."""

    WARMING_UP = "warming_up"  # before trainer.ramps_end: not compared, not counted
    IMPROVED = "improved"
    WAITING = "waiting"
    STOP = "stop"


@dataclass(frozen=True)
class Tracker:
    """The state :func:`decide` carries from epoch to epoch (saved in the checkpoint): the best value and its epoch,
    the epochs waited since, and the epoch of the stop request."""

    best: float | None = None
    best_epoch: int | None = None
    wait: int = 0
    stopped: int | None = None  # the epoch of the stop request


def decide(t: Tracker, epoch: int, value: float, ramps_end: int, cfg: Config) -> tuple[Tracker, Decision, str]:
    """The next state, the decision and its reason for ``value`` of ``cfg.monitor`` at ``epoch``; NaN never improves."""
    if epoch < ramps_end:
        return (
            t,
            Decision.WARMING_UP,
            f"epoch {epoch_number(epoch)} is before the ramps end (epoch {epoch_number(ramps_end)})",
        )
    sign = 1.0 if cfg.mode == "min" else -1.0
    if math.isfinite(value) and (t.best is None or sign * (t.best - value) > cfg.min_delta):
        return Tracker(value, epoch, 0), Decision.IMPROVED, f"{cfg.monitor} improved to {value:.6g}"
    t = replace(t, wait=t.wait + 1)
    if t.wait < cfg.patience:
        return t, Decision.WAITING, f"{cfg.monitor} did not improve ({t.wait}/{cfg.patience})"
    since = (
        f"epoch {epoch_number(t.best_epoch)} (best {t.best:.6g})"
        if t.best is not None and t.best_epoch is not None
        else f"epoch {epoch_number(ramps_end)} (no finite value)"
    )
    better = "decrease" if cfg.mode == "min" else "increase"
    waited = f"{t.wait} epoch{'s' * (t.wait != 1)}"
    reason = f"{cfg.monitor} did not {better} by more than {cfg.min_delta:g} for {waited} since {since}"
    return replace(t, stopped=epoch), Decision.STOP, reason


def monitored_value(metrics: dict[str, Any], path: str) -> float:
    """``metrics[a][b]`` for ``path = "a.b"``; an error listing every numeric path when it is missing or not a number."""
    node: Any = metrics
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, bool) or not isinstance(node, int | float):
        available = list(_numeric_paths(metrics))
        raise ValueError(f"monitor {path!r} is not a numeric metric{did_you_mean(path, available, ';')} available: "
                         f"{', '.join(available)}")  # fmt: skip
    return float(node)


def _numeric_paths(tree: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _numeric_paths(value, f"{prefix}{key}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield prefix + key


class EarlyStopping:
    """Stops when the monitored metric has not improved for ``patience`` epochs after the ramps end."""

    Config: TypeAlias = Config  # what the host builds from the config section; an alias, so that a type
    # checker reads Config in this class's hints as the class, not as a variable
    config: Config
    tracker: Tracker

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.tracker = Tracker()
        self.best_weights: dict[str, torch.Tensor] | None = None

    @hookimpl
    def mvae_watched_entries(self) -> dict[str, str]:
        return {"monitor": self.config.monitor}  # val.<term> checked against the run's terms before training

    @hookimpl
    def mvae_train_start(self, trainer: TrainerView) -> None:
        cfg, start = self.config, trainer.ramps_end
        if self.tracker.stopped is not None:
            trainer.emit(
                f"this run stopped early after epoch {epoch_number(self.tracker.stopped)}; resumed, it stops again after "
                "the next epoch "
                f"unless {cfg.monitor} improves on its best"
            )
        elif start + cfg.patience >= trainer.epochs:
            trainer.emit(
                f"can never stop: patience counts from epoch {epoch_number(start)}{' (the ramps end)' * (start > 0)}, "
                f"so the earliest stop is after epoch {epoch_number(start + cfg.patience)}, but the run ends with epoch "
                f"{trainer.epochs}"
            )

    @hookimpl
    def mvae_epoch_end(self, trainer: TrainerView, epoch: int, metrics: dict[str, Any]) -> str | None:
        value = monitored_value(metrics, self.config.monitor)
        self.tracker, decision, reason = decide(self.tracker, epoch, value, trainer.ramps_end, self.config)
        if decision is Decision.IMPROVED and self.config.restore_best:
            scored = trainer.scored_weights()  # what the monitor measured: a moving average a plugin swapped in too
            self.best_weights = {k: v.detach().to("cpu", copy=True) for k, v in scored.items()}
        return reason if decision is Decision.STOP else None

    @hookimpl
    def mvae_train_end(self, trainer: TrainerView) -> None:
        if self.config.restore_best and self.best_weights is not None:
            best = f"{self.config.monitor} {self.tracker.best:.6g}"
            epoch = epoch_number(self.tracker.best_epoch)
            held = trainer.model.state_dict()
            if self.tracker.wait == 0 and all(
                torch.equal(held[k], v.to(held[k].device)) for k, v in self.best_weights.items()
            ):
                trainer.emit(f"kept the weights of the last epoch, {epoch}, the best ({best})", level="info")
                return  # no epoch after the best, and it scored the model's own weights: they are there already
            trainer.model.load_state_dict(self.best_weights)
            trainer.emit(f"restored the weights of epoch {epoch} ({best})", level="info")

    @hookimpl
    def mvae_state_dict(self) -> dict[str, Any]:
        return asdict(self.tracker) | {"best_weights": self.best_weights}

    @hookimpl
    def mvae_load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_weights = state.get("best_weights")
        self.tracker = Tracker(**{k: v for k, v in state.items() if k != "best_weights"})
