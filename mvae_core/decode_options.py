"""How latent points become notes (:class:`DecodeOptions`), and the type checks of every numeric argument.

A module without torch, so that the ``mvae`` command's options can take their defaults from here at start-up (the
rules the options steer are in :mod:`mvae_core.generation`, which re-exports these names).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from mvae_core.errors import OptionError
from mvae_core.instruments import PIANO, program_number

WALK = 0.3
"""The latent distance between consecutive loops of a file (``generate``'s ``walk``, ``mvae generate --walk``)."""

EVALUATION_SAMPLES = 1024
"""The latent points from the prior whose decoded loops ``evaluate`` scores against the data (``samples``,
``mvae evaluate --samples``); they are decoded at :class:`DecodeOptions`' defaults, their seed and temperature too."""
EVALUATION_RESAMPLES = 1000
"""Bootstrap resamples behind every interval of ``evaluate`` (``resamples``, ``mvae evaluate --resamples``), at most
:data:`MAX_RESAMPLES`."""
MAX_RESAMPLES = 100_000

# bpm a written loop may have: a MIDI tempo event holds at most 16,777,215 µs per beat (3.58 bpm)
TEMPO_RANGE = (4.0, 1000.0)


@dataclass(frozen=True)
class DecodeOptions:
    """How latent points become notes; every model's ``decode_notes`` and live player take these. Construction checks
    every field (:class:`~mvae_core.errors.OptionError` names the first one out of range)."""

    density: float = 1.0
    temperature: float = 1.0  # note choice: 0 = deterministic, 1 = the model's probabilities
    timing_temperature: float = 1.0  # offset draw: 0 = the distribution's mean
    poly: bool = False
    threshold_min: float | None = None
    threshold_max: float | None = None
    grid_offset: float = 1.0
    tempo: float = 120.0
    seed: int = 0  # for every random choice (notes and offsets)
    program: int | str = PIANO  # the written file's General MIDI instrument, 1-128 or its name (kept as its number)

    def __post_init__(self) -> None:
        object.__setattr__(self, "program", program_number(self.program))
        for name in ("density", "temperature", "timing_temperature", "grid_offset", "tempo"):
            real_number(name, getattr(self, name))
        if not isinstance(self.poly, bool | np.bool_):
            raise OptionError("poly", f"must be True or False, got {self.poly!r}")
        whole_number("seed", self.seed)
        for name in ("density", "temperature", "timing_temperature", "grid_offset"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise OptionError(name, f"must be a finite number >= 0, got {value}")
        low, high = TEMPO_RANGE
        if not low <= self.tempo <= high:
            raise OptionError("tempo", f"must be between {low:g} and {high:g} bpm, got {self.tempo}")
        for name in ("threshold_min", "threshold_max"):
            value = getattr(self, name)
            if value is not None and not 0 <= real_number(name, value) <= 1:
                raise OptionError(name, f"is an onset probability between 0 and 1, got {value}")
        if (
            self.threshold_min is not None
            and self.threshold_max is not None
            and self.threshold_min > self.threshold_max
        ):
            raise OptionError(
                "threshold_min",
                f"must not be above {{threshold_max}} ({self.threshold_max}), got {self.threshold_min}",
                others=("threshold_max",),
            )
        if self.seed < 0:
            raise OptionError("seed", f"must be >= 0, got {self.seed}")


def given_options(options: object) -> DecodeOptions:
    """``options`` as a call that takes a :class:`DecodeOptions` or None gets them (None: the defaults);
    :class:`OptionError` naming the fix for anything else (a dict of them: ``DecodeOptions(**{...})``)."""
    if options is None:
        return DecodeOptions()
    if not isinstance(options, DecodeOptions):
        fix = f"mvae_core.DecodeOptions(**{options!r})" if isinstance(options, dict) else "mvae_core.DecodeOptions(…)"
        raise OptionError("options", f"is a DecodeOptions ({fix}), got {options!r}")
    return options


def real_number(option: str, value: object) -> float:
    """``value`` as a float when it is a real number (numpy's too; ``True`` is not a number here), else
    :class:`OptionError` naming ``option``: the type check of every numeric argument of ``generate`` and
    ``evaluate``, before a range check compares it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionError(option, f"must be a number, got {value!r}")
    return float(value)


def whole_number(option: str, value: object) -> int:
    """``value`` as an int when it is a whole number (numpy's too, which torch's seeds refuse; not ``True`` nor
    ``2.0``), else :class:`OptionError` naming ``option``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OptionError(option, f"must be a whole number, got {value!r}")
    return int(value)
