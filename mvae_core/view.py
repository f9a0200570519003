"""TrainerView: the only face of the trainer that plugins see (the ``trainer`` argument of every hook)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mvae_core.config import MvaeConfig
from mvae_core.metrics_record import step_line
from mvae_core.registry import suggested_path_part

if TYPE_CHECKING:  # torch is not imported here: the command line imports epoch_number at start-up
    import torch

    from mvae_core.models.base import MelodyModel


def epoch_number(epoch: int) -> int:
    """The epoch as people count it (from 1) for the trainer's 0-based ``epoch``: every console line, warning and
    plot says "epoch N" with this number; files (``metrics.jsonl``, checkpoints) keep counting from 0."""
    return epoch + 1


EMIT_LEVELS = ("warning", "info")
"""The levels of :meth:`TrainerView.emit`. Level ``stop`` is the core's: it marks a stop request, which a resume and
``mvae ablate`` read back from ``metrics.jsonl``, so a plugin may not write it (it stops a run through
``mvae_epoch_end``)."""


STEP_HOOKS = ("mvae_step_start", 'mvae_loss (split="train")', "mvae_before_optimizer_step", "mvae_step_end")
"""The hooks of a training step, where :meth:`TrainerView.record_step` records (as its error names them)."""


READ_ONLY = frozenset(
    {"run_dir", "epochs", "steps_per_epoch", "epoch", "step", "global_step", "ramps_end", "multipliers", "plugin_name",
     "rank", "world_size"}
)  # fmt: skip
"""What plugins may read of :class:`TrainerView` but not assign: where training is, which the trainer reads back."""


ClosedStep = tuple[tuple[int, int, int], dict[str, dict[str, Any]], dict[str, float] | None]
"""A training step closed and waiting for :meth:`PluginOutbox.drain_steps`: its place
(:data:`~mvae_core.metrics_record.STEP_PLACE`), what plugins recorded in it, and the core's losses (None: not
recorded in this step)."""


@dataclass
class PluginOutbox:
    """What plugins emitted (``events``) and recorded (``metrics`` per epoch, by plugin; ``steps`` per training step,
    with the core's losses of every ``losses_every``-th step: ``train.step_records``, 0 = none) and not yet taken by
    the core; ``speaker`` is the plugin whose hook runs now and ``hook`` that hook (both set by the plugin host), to
    whom ``emit``/``record``/``record_step`` attribute; ``step`` is what the training step in progress recorded (None
    outside one: the trainer opens and closes it); ``steps_per_epoch`` is the run's, which every ``steps.jsonl`` line
    carries (the :class:`TrainerView` that holds the outbox sets it). Held by the core: plugins reach it only through
    the :class:`TrainerView` methods."""

    events: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    speaker: str = "core"
    hook: str = ""
    step: dict[str, dict[str, Any]] | None = None
    steps: list[ClosedStep] = field(default_factory=list)
    steps_per_epoch: int | None = None
    losses_every: int = 0

    def pending_events(self) -> list[dict[str, Any]]:
        """The events emitted since the last :meth:`drain_events`, still pending (the same dicts, in order)."""
        return list(self.events)

    def drain_events(self) -> list[dict[str, Any]]:
        """The pending events, in order; none are pending afterwards."""
        events, self.events = self.events, []
        return events

    def drain_metrics(self) -> dict[str, dict[str, Any]]:
        """The recorded numbers by plugin and key; none are pending afterwards."""
        metrics, self.metrics = self.metrics, {}
        return metrics

    def open_step(self) -> None:
        """A training step begins: :meth:`TrainerView.record_step` records into it until :meth:`close_step`."""
        self.step = {}

    def close_step(self, epoch: int, step: int, global_step: int, losses: Mapping[str, float] | None = None) -> None:
        """The training step ends; what plugins recorded, if anything, and its ``losses`` (the step's Python floats,
        per term and ``total``, as the step computed them: ``mvae_step_end`` got a copy) when ``global_step`` is a
        multiple of :attr:`losses_every` (never when that is 0) wait for :meth:`drain_steps` (placed by ``epoch``,
        ``step`` and ``global_step``, :data:`~mvae_core.metrics_record.STEP_PLACE`)."""
        train = None
        if losses is not None and self.losses_every and global_step % self.losses_every == 0:
            train = dict(losses)
        if self.step or train is not None:
            self.steps.append(((epoch, step, global_step), self.step or {}, train))
        self.step = None

    def drain_steps(self) -> list[dict[str, Any]]:
        """The steps closed since the last drain as ``steps.jsonl`` lines
        (:func:`~mvae_core.metrics_record.step_line`), their tensors as Python numbers: each key's tensors stacked and
        read at once (one device sync per key, not one per step); none are pending afterwards."""
        steps, self.steps = self.steps, []
        tensors: dict[tuple[str, str], list[tuple[dict[str, Any], Any]]] = {}
        for _, recorded, _ in steps:
            for name, values in recorded.items():
                for key, value in values.items():
                    if not isinstance(value, int | float):
                        tensors.setdefault((name, key), []).append((values, value))
        if tensors:
            import torch  # recorded tensors mean a training in this process: torch is imported already

            for (_, key), held in tensors.items():
                device = held[0][1].device
                read = torch.stack([value.to(device) for _, value in held]).tolist()
                for (values, _), number in zip(held, read, strict=True):
                    values[key] = number
        return [step_line(*place, self.steps_per_epoch, recorded, train) for place, recorded, train in steps]


@dataclass(init=False, repr=False)
class TrainerView:
    """Public, documented trainer state.

    Attributes plugins may read: ``epoch`` (current or last finished epoch, from 0), ``step`` (the step within the
    epoch, from 0; set before the per-step hooks), ``global_step`` (steps over the run), ``epochs`` (the run's
    maximum), ``steps_per_epoch``, ``config`` (the resolved :class:`MvaeConfig`; the trainer's copy is another, so
    changing this one changes nothing), ``run_dir``, ``model`` (the :class:`~mvae_core.models.base.MelodyModel`;
    e.g. to restore best weights), ``ramps_end`` (the first epoch at which every plugin's ramp is over, from
    ``mvae_ramp_end``; 0 when nothing ramps), ``multipliers`` (the latest training step's multiplier per loss term).
    Where training is (``epoch``, ``step``, ``ramps_end``, ``epochs``, ``steps_per_epoch``, ``run_dir``) and
    ``multipliers`` are read-only: the trainer sets them and reads them back, so assigning one raises
    ``AttributeError`` naming it. Plugins may mutate ``optimizer.param_groups`` (learning rate) in place. ``emit``
    records a message in this epoch's ``events``; ``record`` a number in its ``plugins`` section; ``record_step`` a
    number in the training step's line of ``steps.jsonl``.
    """

    config: MvaeConfig = field(repr=False)  # printing a hook's trainer shows where training is, not every setting
    model: MelodyModel = field(repr=False)
    optimizer: torch.optim.Adam = field(repr=False)  # the run's one optimiser (trainer.py builds it)
    _run_dir: Path | None
    _epochs: int
    _steps_per_epoch: int
    _epoch: int
    _step: int
    _ramps_end: int
    _rank: int
    _world_size: int
    _outbox: PluginOutbox
    _scored: dict[str, torch.Tensor] | None  # set by the trainer, see scored_weights
    _multipliers: Mapping[str, float]  # set by the trainer, see multipliers

    def __init__(
        self, config: MvaeConfig, model: MelodyModel, optimizer: torch.optim.Adam, run_dir: Path | None, epochs: int,
        steps_per_epoch: int, _outbox: PluginOutbox | None = None, rank: int = 0, world_size: int = 1,
    ) -> None:  # fmt: skip
        """The view of a trainer at epoch 0, step 0, nothing ramping, in process ``rank`` of ``world_size``; the
        trainer moves it on (its ``_epoch``, ``_step``, ``_ramps_end``), plugins only read it."""
        self.config, self.model, self.optimizer = config, model, optimizer
        self._run_dir, self._epochs, self._steps_per_epoch = run_dir, epochs, steps_per_epoch
        self._rank, self._world_size = rank, world_size
        self._epoch = self._step = self._ramps_end = 0
        self._outbox = _outbox if _outbox is not None else PluginOutbox()
        self._outbox.steps_per_epoch = steps_per_epoch  # the epoch's length, in every line of steps.jsonl
        self._scored = None
        self._multipliers = MappingProxyType({})

    def __setattr__(self, name: str, value: Any) -> None:
        if name in READ_ONLY:  # a property has no setter: say why, and what to do instead
            raise AttributeError(
                f"trainer.{name} is read-only: the trainer sets it and reads it back, so a plugin that changed it "
                "would change the run's record and other plugins' view; keep a value of your own in an attribute of "
                "your plugin (docs/hooks.md)",
                name=name,
                obj=self,
            )
        super().__setattr__(name, value)

    def __repr__(self) -> str:  # where training is, not every setting and layer
        shown = ("run_dir", "epochs", "steps_per_epoch", "epoch", "step", "ramps_end")
        return f"TrainerView({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    @property
    def run_dir(self) -> Path | None:
        """The run directory; None where the trainer writes nothing (tests, and under torchrun ranks > 0)."""
        return self._run_dir

    @property
    def epochs(self) -> int:
        """The run's maximum number of epochs (``train.epochs``, or a new budget on resume)."""
        return self._epochs

    @property
    def steps_per_epoch(self) -> int:
        """Optimiser steps per epoch."""
        return self._steps_per_epoch

    @property
    def epoch(self) -> int:
        """The current epoch (from 0); in ``mvae_train_start`` the first about to run, in ``mvae_train_end`` the last
        that ran."""
        return self._epoch

    @property
    def step(self) -> int:
        """The step within the epoch (from 0), set before the per-step hooks (docs/hooks.md)."""
        return self._step

    @property
    def rank(self) -> int:
        """This process's rank under torchrun (0 in a training of one process): only rank 0's stop requests, emitted
        messages and recorded numbers are kept, and only it saves plugin state, which every process loads on
        resume."""
        return self._rank

    @property
    def world_size(self) -> int:
        """How many processes train together (torchrun's ``--nproc-per-node`` × nodes; 1 without torchrun): above 1,
        a plugin that keeps per-process numbers reduces them across processes (``torch.distributed``) before it
        decides, saves or records."""
        return self._world_size

    @property
    def ramps_end(self) -> int:
        """The first epoch from which no plugin's loss weights change (the latest ``mvae_ramp_end``; 0: none ramps);
        set before ``mvae_train_start``."""
        return self._ramps_end

    @property
    def multipliers(self) -> Mapping[str, float]:
        """The loss-weight multipliers of the latest training step, per term: a read-only mapping (assigning to it, or
        to this attribute, raises; ``dict(trainer.multipliers)`` keeps a copy). Each is the product of what every
        plugin returned for the term from ``mvae_loss_weights`` (the epoch's) and ``mvae_step_start`` (the step's);
        the core's coefficients (``loss.coefficients``) are not in it. What it holds, hook by hook:

        - in a training step's ``mvae_loss`` (``split="train"``): that step's, for the terms plugins set a multiplier
          for (a term not in it has multiplier 1): a plugin may skip computing a term whose multiplier is 0;
        - from that step's ``mvae_before_optimizer_step`` on (``mvae_step_end``, and after the step): every term of
          the step (the core's and those plugins added), 1 where none was set: the multipliers its ``total`` used;
        - in validation (``mvae_validation_start``, ``mvae_loss`` with ``split="val"``, ``mvae_validation_batch``,
          ``mvae_validation_end``), ``mvae_epoch_end``, ``mvae_state_dict`` and ``mvae_train_end``: those of the
          epoch's last step, which validation weights its ``total`` with and ``metrics.jsonl`` records as the epoch's
          ``weights``;
        - in ``mvae_epoch_start``, ``mvae_loss_weights`` and ``mvae_step_start``, before a step's multipliers are
          collected: still the previous step's; empty before the first step this training (or resume) runs.
        """
        return self._multipliers

    @property
    def plugin_name(self) -> str:
        """The name the plugin whose hook is running has in this run: its entry point's (or a built-in's) name, or the
        name a Python caller gave its object. Its settings are ``plugins.<plugin_name>.<setting>``, and ``emit`` and
        ``record`` attribute to it. A plugin may run under any name, so it asks here rather than writing one."""
        return self._outbox.speaker

    @property
    def global_step(self) -> int:
        """The current step counted over the run from 0: ``epoch × steps_per_epoch + step``."""
        return self.epoch * self.steps_per_epoch + self.step

    def scored_weights(self) -> dict[str, torch.Tensor]:
        """The weights this epoch's validation scored, as a state dict: in ``mvae_epoch_end``, what the epoch's
        ``val_elbo`` and metrics measured, so a plugin that keeps the best epoch's weights keeps those. They are the
        model's own (its ``state_dict``, whose tensors training goes on to change: copy what you keep) unless a
        plugin swapped other weights in for validation (``mvae_validation_start``, e.g. a moving average), then a
        copy of those; outside ``mvae_epoch_end``, the model's own."""
        return self.model.state_dict() if self._scored is None else self._scored

    def emit(self, message: str, level: str = "warning") -> None:
        """Record ``message`` in this epoch's ``events`` (and on the console), attributed to the caller. ``level`` is
        one of :data:`EMIT_LEVELS`; any other (``"stop"`` is the core's, for stop requests) raises ``ValueError``. A
        ``message`` that is not a string raises ``TypeError`` (a number belongs in :meth:`record`)."""
        if not isinstance(message, str):
            raise TypeError(
                f"emit() takes the message as a string, got {type(message).__name__} {message!r}"
                + ("; to keep a number in metrics.jsonl, use trainer.record(key, value)" if _is_number(message) else "")
            )
        if level not in EMIT_LEVELS:
            raise ValueError(
                f"emit(..., level={level!r}): the level is {' or '.join(map(repr, EMIT_LEVELS))}"
                + ("; to stop the run, return the reason from mvae_epoch_end" if level == "stop" else "")
            )
        self._outbox.events.append({"source": self._outbox.speaker, "level": level, "message": message})

    def record(self, key: str, value: Any) -> None:
        """Record a number (or a list of numbers) under ``plugins.<caller>.<key>`` of this epoch's ``metrics.jsonl``
        line; recording a key again in the same epoch replaces the value. Accepts Python and numpy numbers, lists of
        them and tensors (written as a number or nested lists); NaN and infinities are written as ``null``. Raises
        ``TypeError`` for anything else, and ``ValueError`` for a key with a dot or surrounding spaces (the parts of
        a number's path, ``mvae plot --metric plugins.<name>.<key>``, are split at dots)."""
        _check_key("record", key)
        self._outbox.metrics.setdefault(self._outbox.speaker, {})[key] = _number_or_numbers(value, key)

    def record_step(self, key: str, value: Any) -> None:
        """Record a number under ``plugins.<caller>.<key>`` of this training step's line in ``steps.jsonl`` (one line
        per step that recorded something, written with the epoch's metrics line; ``mvae plot --metric
        steps.plugins.<caller>.<key>``); recording a key again in the same step replaces the value. Only in the
        hooks of a training step (:data:`STEP_HOOKS`); anywhere else it raises ``ValueError`` (a number per epoch
        belongs in :meth:`record`). Takes a Python or numpy number, or a tensor of one number (a 0-d tensor, kept
        detached on its device and read once per key when the lines are written: no device sync per step); NaN and
        infinities are written as ``null``. Raises ``TypeError`` for anything else (a list: record one key per
        number), and ``ValueError`` for a key with a dot or surrounding spaces, as :meth:`record` does. A plugin
        that wants fewer lines records in fewer steps (``if trainer.global_step % 10: return``)."""
        _check_key("record_step", key)
        if self._outbox.step is None:
            where = f" in {self._outbox.hook}" if self._outbox.hook else ""
            raise ValueError(
                f"record_step({key!r}, ...){where}: record_step records in a training step's hooks "
                f"({', '.join(STEP_HOOKS)}); to record a number in the epoch's line, use trainer.record(key, value)"
            )
        self._outbox.step.setdefault(self._outbox.speaker, {})[key] = _step_number(value, key)


def _check_key(method: str, key: Any) -> None:
    """``TypeError`` or ``ValueError`` naming ``method`` when ``key`` is not a key a recorded number may have."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"{method}() needs a non-empty string key, got {key!r}")
    if (fitted := suggested_path_part(key)) is not None:
        raise ValueError(
            f"{method}() key {key!r}: a key has no dot or surrounding spaces, since a number's path "
            f"(plugins.<name>.<key>, as mvae plot --metric and summary.csv name it) is split at dots; e.g. {fitted!r}"
        )


def _is_number(value: Any) -> bool:
    """A Python or numpy number, or a tensor or array (what :meth:`TrainerView.record` takes), not a boolean."""
    return (isinstance(value, numbers.Number) and not isinstance(value, bool)) or callable(
        getattr(value, "tolist", None)
    )


def _number_or_numbers(value: Any, key: str) -> float | int | list[Any]:
    if not isinstance(value, numbers.Number) and callable(getattr(value, "tolist", None)):  # a tensor or an array
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_number_or_numbers(v, key) for v in value]
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)  # NaN and infinities are written as null (RunDir.append_metrics)
    flag = f" (a flag: record int({value!r}))" if isinstance(value, bool) else ""
    raise TypeError(
        f"record({key!r}, ...) takes a number or a list of numbers, got {type(value).__name__} {value!r}{flag}"
    )


def _step_number(value: Any, key: str) -> Any:
    """``value`` as :meth:`TrainerView.record_step` keeps it: a Python number, or a detached copy of a tensor of one
    real number (a copy: a number indexed out of a larger tensor would keep all of it alive until written)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _number_or_numbers(value, key)
    import torch  # a tensor comes from a training in this process: torch is imported already

    if isinstance(value, torch.Tensor) and value.dim() == 0 and not value.is_complex() and value.dtype != torch.bool:
        return value.detach().clone()
    shape = f" of shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else ""
    flag = f" (a flag: record_step int({value!r}))" if isinstance(value, bool) else ""
    raise TypeError(
        f"record_step({key!r}, ...) takes a number or a tensor of one number (0-d), got {type(value).__name__}"
        f"{shape} {value!r}{flag}"
    )
