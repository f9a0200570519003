"""Timeshift collapse monitor: decoded timing variance at the true notes against the data's own; never stops training.

The ancestor's monitor (seed lineage D5, D6) crashed after epoch 1, and had it run it would have measured the variance
over all cells, silent ones included (≈ onset density × variance, so even a perfect model looked "collapsed"), against
a fixed 0.01 that means nothing for quantized music. Here, from epoch ``trainer.ramps_end`` on, every epoch compares
``ratio = (timing_std.recon / timing_std.data)²`` from the record: the variance of the timeshift decoded from the
posterior mean at the validation set's true note cells over the variance of the true timeshift there. When the ratio is
below ``threshold`` it warns (console and ``events``): when the state turns collapsed, and again every ``repeat_every``
epochs while it stays so; it notes the recovery. When the data's own std is below ``quantized_std`` half-steps (or
undefined) the data is quantized: it says so once, and judges nothing.

Hooks: ``mvae_train_start`` (warns when it would never check), ``mvae_epoch_end``, ``mvae_state_dict`` and
``mvae_load_state_dict`` (status and the epoch of the last warning, so a resumed run does not repeat itself).
Config (``[plugins.ts_variance_monitor]``): threshold, quantized_std, repeat_every (see :class:`Config`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from mvae_core import hookimpl
from mvae_core.plugins import MAY_CHANGE_ON_RESUME
from mvae_core.report import QUANTIZED_STD
from mvae_core.view import TrainerView, epoch_number

Status = Literal["unchecked", "ok", "collapsed", "quantized"]


class Config(BaseModel):
    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    # they decide when it warns, nothing the run computes: a resume takes an edit of them (with a warning)
    threshold: float = Field(
        default=0.1,
        gt=0,
        description="Warn when decoded/data timeshift variance is below this.",
        json_schema_extra=MAY_CHANGE_ON_RESUME,
    )
    quantized_std: float = Field(
        default=QUANTIZED_STD,
        ge=0,
        description="Data timeshift std (half-steps) below which the data counts as quantized.",
        json_schema_extra=MAY_CHANGE_ON_RESUME,
    )
    repeat_every: int = Field(
        default=10,
        ge=0,
        description="Repeat the warning every N epochs while collapsed; 0 = once.",
        json_schema_extra=MAY_CHANGE_ON_RESUME,
    )


Event = tuple[str, str] | None  # (level, message)


def decide(
    status: Status, last_warning: int | None, epoch: int, ramps_end: int, data_std: float, recon_std: float, cfg: Config
) -> tuple[Status, Event]:
    """The new status and the event to emit, if any; NaN data std (fewer than two notes) counts as quantized."""
    if epoch < ramps_end:
        return status, None
    if not data_std >= cfg.quantized_std:  # also NaN
        message = (
            f"the validation data is quantized (timeshift std {data_std:.3g} < {cfg.quantized_std:g} half-steps at "
            "its notes): there is no timing spread to reproduce, so timeshift collapse cannot be judged"
        )
        return "quantized", (None if status == "quantized" else ("info", message))
    ratio = (recon_std / data_std) ** 2
    numbers = f"variance ratio {ratio:.3g} (decoded std {recon_std:.3g}, data std {data_std:.3g} half-steps)"
    if ratio >= cfg.threshold:
        return "ok", (("info", f"timeshift recovered: {numbers}") if status == "collapsed" else None)
    repeat = bool(cfg.repeat_every) and last_warning is not None and epoch - last_warning >= cfg.repeat_every
    if status == "collapsed" and not repeat:
        return status, None
    message = f"timeshift collapse: decoded timing at the validation notes has {numbers}, below {cfg.threshold:g}"
    return "collapsed", ("warning", message)


class TsVarianceMonitor:
    """Warns when the decoded timeshift variance at the validation notes falls below ``threshold`` × the data's."""

    Config: TypeAlias = Config  # what the host builds from the config section; an alias, so that a type
    # checker reads Config in this class's hints as the class, not as a variable
    config: Config

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.status: Status = "unchecked"
        self.last_warning: int | None = None

    @hookimpl
    def mvae_train_start(self, trainer: TrainerView) -> None:
        if trainer.ramps_end >= trainer.epochs:
            trainer.emit(
                f"never checks: the ramps end in epoch {epoch_number(trainer.ramps_end)}, after the run's last epoch "
                f"({trainer.epochs})"
            )

    @hookimpl
    def mvae_epoch_end(self, trainer: TrainerView, epoch: int, metrics: dict[str, Any]) -> None:
        std = metrics["timing_std"]
        self.status, event = decide(
            self.status, self.last_warning, epoch, trainer.ramps_end, std["data"], std["recon"], self.config
        )
        if event:
            trainer.emit(event[1], level=event[0])
            self.last_warning = epoch if event[0] == "warning" else self.last_warning

    @hookimpl
    def mvae_state_dict(self) -> dict[str, Any]:
        return {"status": self.status, "last_warning": self.last_warning}

    @hookimpl
    def mvae_load_state_dict(self, state: dict[str, Any]) -> None:
        self.status, self.last_warning = state["status"], state["last_warning"]
