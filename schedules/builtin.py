"""The built-in schedules. Each is a pure function of the epoch (a float; fractional for per-step use)."""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, PrivateAttr, field_validator

from schedules import NON_FINITE, Schedule, ScheduleError, from_spec, register, setting


def _ramp(epoch: float, delay: float, epochs: float) -> float:
    """Progress 0 → 1 of a ramp that starts at ``delay`` and lasts ``epochs``."""
    return min(1.0, max(0.0, (epoch - delay) / epochs))


def _scaled(initial: float, base: float, power: float) -> float:
    """``initial × base ** power``, ``±inf`` (``initial``'s sign) where the power is too large for a float, and 0
    where ``initial`` is 0. Python's ``float ** …`` raises ``OverflowError`` there, where ``×`` gives ``inf``: so
    every value too large for a float is an infinity, which callers refuse as not finite (``mvae schedules preview``
    exits 2; a plugin's multiplier is refused before any data is read) instead of a failure of the schedule."""
    try:
        return initial * base**power
    except OverflowError:
        return math.copysign(math.inf, initial) if initial else 0.0


@register("constant")
class Constant(Schedule):
    """Always ``value``."""

    value: float = Field(default=1.0, description="The value.")

    def __call__(self, epoch: float) -> float:
        return self.value

    def end_epoch(self) -> float:
        return 0.0


@register("linear")
class Linear(Schedule):
    """``start`` until ``delay``, then a straight line to ``end`` over ``epochs``, then ``end``."""

    start: float = Field(default=0.0, description="Value before and at the start of the ramp.")
    end: float = Field(default=1.0, description="Value once the ramp is over.")
    epochs: float = Field(default=20.0, gt=0, description="Length of the ramp in epochs.")
    delay: float = Field(default=0.0, ge=0, description="Epochs at `start` before the ramp begins.")

    def __call__(self, epoch: float) -> float:
        return self.start + (self.end - self.start) * _ramp(epoch, self.delay, self.epochs)

    def end_epoch(self) -> float:
        return self.delay + self.epochs


@register("step")
class Step(Schedule):
    """``initial × factor ** floor(epoch / every)``: multiply by ``factor`` every ``every`` epochs."""

    initial: float = Field(default=1.0, description="Value in the first `every` epochs.")
    factor: float = Field(default=0.5, gt=0, description="Multiplier applied every `every` epochs.")
    every: float = Field(default=10.0, gt=0, description="Epochs between two steps.")

    def __call__(self, epoch: float) -> float:
        return _scaled(self.initial, self.factor, math.floor(epoch / self.every))

    def end_epoch(self) -> float | None:
        """None: it changes for ever, unless ``factor`` is 1 or ``initial`` 0 (a constant: settled from the start)."""
        return 0.0 if self.factor == 1 or self.initial == 0 else None


@register("exponential")
class Exponential(Schedule):
    """``initial × rate ** epoch``, a smooth decay (rate < 1) or growth (rate > 1)."""

    initial: float = Field(default=1.0, description="Value at epoch 0.")
    rate: float = Field(default=0.95, gt=0, description="Multiplier per epoch.")

    def __call__(self, epoch: float) -> float:
        return _scaled(self.initial, self.rate, epoch)

    def end_epoch(self) -> float | None:
        """None: it changes for ever, unless ``rate`` is 1 or ``initial`` 0 (a constant: settled from the start)."""
        return 0.0 if self.rate == 1 or self.initial == 0 else None


@register("cosine")
class Cosine(Schedule):
    """Half a cosine from ``start`` to ``end`` over ``epochs`` after ``delay``, then ``end``."""

    start: float = Field(default=1.0, description="Value at the start of the ramp.")
    end: float = Field(default=0.0, description="Value once the ramp is over.")
    epochs: float = Field(default=100.0, gt=0, description="Length of the ramp in epochs.")
    delay: float = Field(default=0.0, ge=0, description="Epochs at `start` before the ramp begins.")

    def __call__(self, epoch: float) -> float:
        progress = _ramp(epoch, self.delay, self.epochs)
        return self.end + (self.start - self.end) * (1 + math.cos(math.pi * progress)) / 2

    def end_epoch(self) -> float:
        return self.delay + self.epochs


@register("cyclical")
class Cyclical(Schedule):
    """Fu et al. (2019): ``cycles`` cycles of ``period`` epochs; in each, rise linearly from ``low`` to ``high``
    over the first ``ratio`` of the cycle, then hold ``high``. After the last cycle: ``high``."""

    low: float = Field(default=0.0, description="Value at the start of each cycle.")
    high: float = Field(default=1.0, description="Value reached after `ratio` of each cycle.")
    period: float = Field(default=25.0, gt=0, description="Length of one cycle in epochs.")
    cycles: int = Field(default=4, ge=1, description="Number of cycles (M).")
    ratio: float = Field(default=0.5, gt=0, le=1, description="Share of a cycle spent rising (R).")

    def __call__(self, epoch: float) -> float:
        if epoch >= self.end_epoch():
            return self.high
        within = (max(epoch, 0.0) % self.period) / self.period
        return self.low + (self.high - self.low) * min(1.0, within / self.ratio)

    def end_epoch(self) -> float:
        return self.period * self.cycles


@register("chain")
class Chain(Schedule):
    """Schedules one after another. ``parts`` is a list of ``{"epochs": N, "schedule": {name, params}}`` (or a bare
    name for that schedule's defaults); each part sees its own epoch count from 0; the last part's ``epochs`` may be
    omitted (it runs on for ever); when given, the chain holds the last part's value at its end from then on."""

    parts: list[dict[str, Any]] = Field(min_length=1, description="[{epochs, schedule}], in order.")
    _built: list[Schedule] = PrivateAttr(default_factory=list)

    @field_validator("parts")
    @classmethod
    def _check_parts(cls, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        checked = []
        for i, part in enumerate(parts):
            unknown = set(part) - {"epochs", "schedule"}
            if unknown or "schedule" not in part:
                raise ValueError(f"part {i} needs a 'schedule' (and 'epochs'), got keys {sorted(part)}")
            if "epochs" not in part and i < len(parts) - 1:
                raise ValueError(f"part {i} needs 'epochs' (only the last part may run on for ever)")
            if "epochs" in part:
                epochs = part["epochs"]
                if isinstance(epochs, bool) or not isinstance(epochs, int | float) or not epochs > 0:
                    raise ValueError(f"part {i}: epochs must be a number > 0, got {epochs!r}")
                if epochs == math.inf:  # a part that never ends: leave out its epochs (the last part), or end it
                    raise ValueError(f"part {i}: epochs = {epochs!r}: {NON_FINITE}")
            try:
                spec = from_spec(setting(part["schedule"])).spec()
            except ScheduleError as exc:  # "parts: schedule 'linear': …" would not say which part
                raise ValueError(f"part {i}: {exc}") from None
            checked.append({**part, "schedule": spec})
        return checked

    def model_post_init(self, context: Any) -> None:
        # Built once: from_spec looks the name up among the entry points, far too slow for every step.
        self._built = [from_spec(part["schedule"]) for part in self.parts]

    def __call__(self, epoch: float) -> float:
        start = 0.0
        for part, schedule in zip(self.parts[:-1], self._built[:-1], strict=True):
            if epoch < start + part["epochs"]:
                return schedule(epoch - start)
            start += part["epochs"]
        # the last part; after its epochs (when given), it holds its final value
        return self._built[-1](min(epoch - start, self.parts[-1].get("epochs", math.inf)))

    def end_epoch(self) -> float | None:
        before_last = sum(part["epochs"] for part in self.parts[:-1])
        last_end = self._built[-1].end_epoch()
        end = min(math.inf if last_end is None else last_end, self.parts[-1].get("epochs", math.inf))
        return None if end == math.inf else before_last + end
