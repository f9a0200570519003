"""ts_ramp: the timeshift term's weight ramps up following a schedule.

What it fixes: the ancestor (olsgo ``ce0153c``) described its timeshift ramp as "0 → 2.0 over 15 epochs" and applied
min(1, (epoch + 1) / 15) to the coefficient 2.0; ``700b268`` computed a ramp it never used, and the last commit
dropped it. Here the ramp is a named, validated schedule whose value is what the core applies and logs
(``weights.timeshift`` in ``metrics.jsonl``, a multiplier of ``loss.coefficients.timeshift``).

Hooks: ``mvae_ramp_end`` (the first epoch at which the schedule is final, so early stopping can wait for it),
``mvae_train_start`` (warns when the run ends before the schedule does, or the schedule never settles),
``mvae_loss_weights`` once per epoch, or ``mvae_step_start`` before every step with ``per_step`` (``{"timeshift": schedule(epoch)}``).

Config (``[plugins.ts_ramp]``):
    schedule: a schedule table ``{name = ..., <params>}`` (see ``mvae schedules``) or a bare schedule name for its
        defaults. Default ``{name = "linear", start = 1/15, end = 1, epochs = 14}``: the seed's min(1, (epoch + 1) / 15),
        1/15 at epoch 0 and 1 from epoch 14 on.
    per_step: evaluate the schedule before every step at ``epoch + step / steps_per_epoch`` (default false: once
        per epoch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from mvae_plugins.scheduled import ScheduledConfig, ScheduledWeight, ScheduleSetting, ScheduleSpec


class Config(ScheduledConfig):
    schedule: ScheduleSpec = Field(
        default_factory=lambda: {"name": "linear", "start": 1 / 15, "end": 1.0, "epochs": 14.0},
        validate_default=True,
        description="Timeshift multiplier per epoch: a schedule table {name, params} or a schedule name.",
    )

    if TYPE_CHECKING:  # what a caller may pass (a bare name too); validation stores the table (ScheduleSpec)

        def __init__(self, *, per_step: bool = ..., schedule: ScheduleSetting = ...) -> None: ...


class TsRamp(ScheduledWeight[Config]):
    """Timeshift ramp: the timeshift term's multiplier follows a schedule (default min(1, (epoch + 1) / 15))."""

    term = "timeshift"
    Config = Config
