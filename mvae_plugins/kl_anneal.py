"""kl_anneal: the KL term's weight follows a schedule (KL annealing, "β warm-up").

What it fixes: the ancestor annealed β = min(1, epoch / 20) (olsgo ``ce0153c``), then in ``700b268`` logged one KL
weight (epoch / 60) while applying another ((epoch − 30) / 60), and its last commit dropped annealing altogether.
Here the multiplier is a named, validated schedule, and the value the core applies is the value it logs
(``weights.kl`` in ``metrics.jsonl``). Multipliers of several plugins for the KL term multiply.

Hooks: ``mvae_ramp_end`` (the first epoch at which the schedule is final, so early stopping can wait for it),
``mvae_train_start`` (warns when the run ends before the schedule does, or the schedule never settles),
``mvae_loss_weights`` once per epoch, or ``mvae_step_start`` before every step with ``per_step`` (``{"kl": schedule(epoch)}``).

Config (``[plugins.kl_anneal]``):
    schedule: a schedule table ``{name = ..., <params>}`` (see ``mvae schedules``) or a bare schedule name for its
        defaults. Default ``{name = "linear", start = 0, end = 1, epochs = 20}``, the seed's min(1, epoch / 20).
    per_step: evaluate the schedule before every step at ``epoch + step / steps_per_epoch`` (default false: once
        per epoch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from mvae_plugins.scheduled import ScheduledConfig, ScheduledWeight, ScheduleSetting, ScheduleSpec


class Config(ScheduledConfig):
    schedule: ScheduleSpec = Field(
        default_factory=lambda: {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 20.0},
        validate_default=True,
        description="KL multiplier per epoch: a schedule table {name, params} or a schedule name (mvae schedules).",
    )

    if TYPE_CHECKING:  # what a caller may pass (a bare name too); validation stores the table (ScheduleSpec)

        def __init__(self, *, per_step: bool = ..., schedule: ScheduleSetting = ...) -> None: ...


class KlAnneal(ScheduledWeight[Config]):
    """KL annealing: the KL term's multiplier follows a schedule (default linear 0 → 1 over 20 epochs)."""

    term = "kl"
    Config = Config
