"""Latent points → notes, and the note-choice rules of the ``seed`` model's per-cell heads.

A model turns latent points into notes (:meth:`~mvae_core.models.base.MelodyModel.decode_notes`) with the options of
:class:`DecodeOptions`; the ``melody_rnn`` model's rules are in :mod:`mvae_core.models.melody_rnn`. For the per-cell
probabilities of the ``seed`` model, which notes sound:

* default, **density-aware monophonic**: a step's expected number of note starts is ``e_step = min(1, Σ_rows p)``;
  the loop's expected note count is ``Σ e_step``. With ``temperature > 0`` (default 1) each step sounds with
  probability ``min(1, density · e_step)`` and its row is drawn with probabilities ∝ ``p_rows^(1/temperature)``.
  With ``temperature = 0`` the ``round(density · Σ e_step)`` steps with the highest ``e_step`` sound, each with its
  most probable row — the most likely loop, but a mode-seeking one (on WJD it repeats 4–5 pitches where the data
  has 8: taking the most probable row of every step over-uses the most common pitches).
  (For monophonic training data ``Σ e_step`` is exactly the expected note count of a calibrated model.) Per-cell
  probabilities on real data are small (hundreds of cells, ~10–30 notes a loop), so the ancestor's fixed cell
  threshold writes near-empty loops; this rule keeps the training data's density.
* ``poly``: any number of notes per step. Deterministic: the ``round(density · Σ p)`` most probable cells; with
  ``temperature > 0`` each cell sounds with probability ``min(1, density · p)``.
* with ``threshold_min``/``threshold_max`` (the ancestor's rule): a cell is a candidate when its probability lies
  within ``[threshold_min, threshold_max]``; monophonic keeps the most probable candidate per step, ``poly`` all.

Velocity and duration come from their heads. The offset is a draw from the timing head's distribution at
``timing_temperature``, one per sounding step, shared by the step's notes (0 = its mean; the ``mse`` head has only
its point estimate). Every random choice of pattern ``i`` comes from one generator seeded by ``(seed, i)``
(:func:`pattern_rng`): notes first, then offsets. :class:`mvae_core.models.seed_player.SeedPlayer` makes the same choices for one
point at a time, faster. In a file (:mod:`mvae_core.loop_file`) a note starts at
``(step + timeshift · grid_offset / 2) · seconds_per_step`` (0 = quantized, 1 = learned, 2 = exaggerated), kept
inside the loop; a start less than 20 ms after the onset before it starts with it when both are of one step (a chord),
else 20 ms after it (no clicks, no dyads in a melody: :mod:`mvae_core.loop_file` states the rules), and a note ends at
the latest when a later one starts.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch

from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.decode_options import TEMPO_RANGE as TEMPO_RANGE  # re-exported: generation's options live there
from mvae_core.decode_options import WALK
from mvae_core.decode_options import DecodeOptions as DecodeOptions
from mvae_core.decode_options import real_number as real_number
from mvae_core.decode_options import whole_number as whole_number
from mvae_core.errors import OptionError, WalkWithOneLoop, callers_level
from mvae_core.timing import TimingBins
from mvae_core.wording import counted

if TYPE_CHECKING:
    from mvae_core.models.base import Decoded, MelodyModel


# the random streams of generate's points, their noise and their walks; pattern i's notes use [seed, i] (pattern_rng)
_POINTS, _NOISE, _WALK = (2**40 + k for k in range(3))

# coordinates a file name shows (point_name): 48 coordinates made names too long to write
NAMED_DIMENSIONS = 8

# the largest coordinate a latent point may have: the model computes in 32-bit floats, where a larger one is infinite
LATENT_MAX = float(np.finfo(np.float32).max)

# loops one command decodes at most (points × bars): all are decoded in one batch, and 10,000 files is a library
MAX_LOOPS = 10_000


class Note(NamedTuple):
    """One generated note on the loop grid (the same quantities as a training cell); a tuple, cheap to build."""

    step: int
    row: int
    velocity: float  # 0..1
    duration: float  # 0..1 of max_duration_steps
    timeshift: float  # -1..1 half-steps


def to_heads(out: Decoded) -> dict[str, np.ndarray]:
    """Numpy heads of a decoder output: ``onset`` probabilities, ``velocity`` and ``duration`` ``[N, pitch_classes,
    32]``, and the timing: ``timing_logits [N, 32, classes]`` for the categorical head (offsets are drawn when notes
    are chosen, only at their steps), ``timeshift [N, pitch_classes, 32]`` for ``mse``."""
    heads = {"onset": torch.sigmoid(out.onset_logits), "velocity": out.velocity, "duration": out.duration}
    if out.timing_logits is None:
        heads["timeshift"] = out.timeshift
    else:
        heads["timing_logits"] = out.timing_logits
    return {name: value.detach().cpu().numpy() for name, value in heads.items()}


def select_notes(
    heads: dict[str, np.ndarray], i: int, options: DecodeOptions, rng: np.random.Generator | None = None
) -> list[Note]:
    """The notes of pattern ``i`` of decoded ``heads`` (rules: the module docstring). Every random choice comes from
    ``rng``, by default :func:`pattern_rng` — so a pattern's notes depend on its point, ``options.seed`` and ``i``,
    not on the other patterns of the batch."""
    rng = rng if rng is not None else pattern_rng(options, i)
    rows, steps = choose_cells(heads["onset"][i], options, rng)
    if "timing_logits" in heads:
        timeshift = offsets_by_step(steps, lambda at: heads["timing_logits"][i, at], options, rng)
    else:
        timeshift = heads["timeshift"][i, rows, steps]
    return make_notes(rows, steps, heads["velocity"][i, rows, steps], heads["duration"][i, rows, steps], timeshift)


def pattern_rng(options: DecodeOptions, i: int) -> np.random.Generator:
    """The random source of pattern ``i``: seeded by ``(options.seed, i)``. :class:`OptionError` naming ``index``
    (a live player's argument, which gives ``i``) unless ``i`` is a whole number >= 0."""
    if whole_number("index", i) < 0:  # numpy's refusal named neither the argument nor the fix
        raise OptionError("index", f"is the pattern's place in a batch, a whole number >= 0, got {i}")
    return np.random.default_rng([options.seed, i])


def choose_cells(onset: np.ndarray, options: DecodeOptions, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, steps)`` of the cells that sound, ordered by step then row, from one pattern's onset probabilities
    ``[pitch_classes, 32]`` (rules: the module docstring). Draws from ``rng`` only when ``options.temperature > 0``
    and no thresholds are given."""
    p = onset.astype(np.float64)
    if options.threshold_min is not None or options.threshold_max is not None:
        low = options.threshold_min if options.threshold_min is not None else 0.0
        high = options.threshold_max if options.threshold_max is not None else 1.0
        candidate = (p >= low) & (p <= high)
        if not options.poly:  # the most probable candidate of each step
            masked = np.where(candidate, p, -1.0)
            sounding = np.flatnonzero(masked.max(axis=0) >= 0)
            candidate = np.zeros_like(candidate)
            candidate[masked[:, sounding].argmax(axis=0), sounding] = True
    elif options.poly:
        candidate = _poly_cells(p, options, rng)
    else:
        return _mono_cells(p, options, rng)
    rows, steps = np.nonzero(candidate)
    order = np.lexsort((rows, steps))
    return rows[order], steps[order]


def offsets_by_step(
    steps: np.ndarray,
    logits_at: Callable[[np.ndarray], np.ndarray],
    options: DecodeOptions,
    rng: np.random.Generator,
) -> np.ndarray:
    """One offset per note at the ordered ``steps``, drawn once per step at ``options.timing_temperature`` and shared
    by the step's notes. ``logits_at(distinct steps)`` gives their timing logits ``[k, classes]``: only the steps
    that sound are ever computed or drawn."""
    first = np.ones(len(steps), dtype=bool)
    first[1:] = steps[1:] != steps[:-1]
    logits = logits_at(steps[first])
    drawn = _timing_bins(logits.shape[-1] - 1).sample(logits, options.timing_temperature, rng)
    return drawn[np.cumsum(first) - 1]


def make_notes(
    rows: np.ndarray, steps: np.ndarray, velocity: np.ndarray, duration: np.ndarray, timeshift: np.ndarray
) -> list[Note]:
    """Notes from parallel arrays (one entry per note)."""
    columns = (steps.tolist(), rows.tolist(), velocity.tolist(), duration.tolist(), timeshift.tolist())
    return list(map(Note._make, zip(*columns, strict=True)))


@functools.cache
def _timing_bins(n_bins: int) -> TimingBins:
    return TimingBins(n_bins)


def decode_loops(model: MelodyModel, z: torch.Tensor, options: DecodeOptions) -> list[list[Note]]:
    """One loop of notes per latent point of ``z [N, latent_dim]``
    (:meth:`~mvae_core.models.base.MelodyModel.decode_notes`, the model put in eval mode, without
    gradients). Notes that break the
    contract (:func:`~mvae_core.models.check_notes`: one list of notes per point, each field in its range and below
    the model's pitch rows) are a :class:`~mvae_core.models.ModelError` naming the model."""
    from mvae_core.models import check_notes

    with torch.inference_mode():  # generate, interpolate and map call it with gradients on
        loops = model.eval().decode_notes(z, options)
    check_notes(model.cfg.name, loops, len(z), rows=model.pitch_classes)
    return loops


def render_loops(
    model: MelodyModel, z: torch.Tensor, options: DecodeOptions, per_file: int = 1
) -> list[list[list[Note]]]:
    """:func:`decode_loops` of ``z [N·per_file, latent_dim]`` as ``N`` files of ``per_file`` consecutive loops."""
    loops = decode_loops(model, z, options)
    return [loops[k : k + per_file] for k in range(0, len(loops), per_file)]


def _mono_cells(p: np.ndarray, options: DecodeOptions, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, steps)``, ordered by step: at most one cell per step, at the loop's expected density."""
    expected = np.minimum(1.0, p.sum(axis=0))
    if options.temperature > 0:
        steps = np.flatnonzero(rng.random(STEPS_PER_LOOP) < np.minimum(1.0, options.density * expected))
        sounding = p[:, steps]  # a step sounds only with some p > 0, so its largest p is above 0
        weights = (sounding / sounding.max(axis=0)) ** (1.0 / options.temperature)  # the likeliest row's weight is 1
        cumulative = np.cumsum(weights, axis=0)  # one inverse-CDF draw per step
        below = (cumulative < rng.random(len(steps)) * cumulative[-1]).sum(axis=0)
        return np.minimum(below, p.shape[0] - 1), steps
    count = _note_count(options.density * float(expected.sum()), STEPS_PER_LOOP)
    steps = np.sort(np.argsort(-expected, kind="stable")[:count])
    return p[:, steps].argmax(axis=0), steps


def _note_count(expected: float, most: int) -> int:
    """The deterministic rules' note count: ``round(expected)``, at most ``most``. ``expected`` is ``density · Σ`` in
    Python floats, which overflow to infinity without a warning (``--density 1e308``): that is ``most`` too."""
    return round(min(expected, most))


def _poly_cells(p: np.ndarray, options: DecodeOptions, rng: np.random.Generator) -> np.ndarray:
    """Any cells, at the loop's expected note count."""
    if options.temperature > 0:
        return rng.random(p.shape) < np.minimum(1.0, options.density * p)
    count = _note_count(options.density * float(p.sum()), p.size)
    cells = np.zeros(p.size, dtype=bool)
    cells[np.argsort(-p, axis=None, kind="stable")[:count]] = True
    return cells.reshape(p.shape)


def latent_points(
    n_random: int | None, z: list[float] | None, noise: float, latent_dim: int, seed: int
) -> torch.Tensor:
    """``[N, latent_dim]``: the given point, or ``n_random`` draws from the prior, plus optional noise. Point ``i`` and
    its noise depend on ``seed`` and ``i`` only, not on ``N``: asking for more points keeps the first ones. Every
    coordinate lies within ±:data:`LATENT_MAX` (:class:`OptionError` naming ``z`` or ``noise`` otherwise), and
    ``n_random`` is 1 to :data:`MAX_LOOPS` (None: one point)."""
    if not math.isfinite(noise) or noise < 0:
        raise OptionError("noise", f"must be a finite number >= 0, got {noise}")
    if n_random is not None and n_random < 1:
        raise OptionError("random", f"must be at least 1, got {n_random}")
    if n_random is not None and n_random > MAX_LOOPS:
        raise OptionError("random", f"must be at most {MAX_LOOPS} (give another seed for more points), got {n_random}")
    if z is not None:
        if len(z) != latent_dim:
            raise OptionError("z", f"needs {latent_dim} numbers (the model's latent_dim), got {len(z)}")
        if not all(abs(v) <= LATENT_MAX for v in z):
            raise OptionError("z", f"needs finite numbers (within ±{LATENT_MAX:.2g}), got {','.join(map(str, z))}")
        points = np.array([z], dtype=np.float64)
    else:
        points = np.random.default_rng([seed, _POINTS]).standard_normal((n_random or 1, latent_dim))
    if noise:
        with np.errstate(over="ignore"):  # a huge noise overflows to infinity, refused just below
            points = points + noise * np.random.default_rng([seed, _NOISE]).standard_normal(points.shape)
        if not (np.abs(points) <= LATENT_MAX).all():
            raise OptionError("noise", f"moves the points beyond ±{LATENT_MAX:.2g} (32-bit floats), got {noise}")
    return torch.from_numpy(points.astype(np.float32))


def point_name(point: torch.Tensor) -> str:
    """``z_+0.50_-1.00``: the point's first :data:`NAMED_DIMENSIONS` coordinates, 2 decimals each (exponent form
    from 1000 on), then ``_and<N>more`` for the rest, so that a file name stays far below the 255 bytes systems
    allow whatever the model's ``latent_dim``."""
    values = point.tolist()
    shown = "_".join(f"{v:+.2f}" if abs(v) < 1000 else f"{v:+.2e}" for v in values[:NAMED_DIMENSIONS])
    hidden = len(values) - NAMED_DIMENSIONS
    return f"z_{shown}" + (f"_and{hidden}more" if hidden > 0 else "")


def latent_walk(starts: torch.Tensor, loops: int, step: float, seed: int) -> torch.Tensor:
    """``[N, loops, latent_dim]``: from each start point, ``loops - 1`` moves of length ``step`` in random directions
    (a path through the latent space, one loop per point; ``step = 0`` stays at the point). Path ``i``'s directions
    depend on ``seed`` and ``i`` only. :class:`OptionError` names ``walk`` when a path leaves 32-bit floats, and
    ``loops`` when ``N · loops`` is above :data:`MAX_LOOPS`. A ``step`` other than :data:`WALK` with one loop per
    point moves nothing: a :class:`~mvae_core.errors.WalkWithOneLoop` warning says so, attributed to the caller's
    line."""
    if not math.isfinite(step) or step < 0:
        raise OptionError("walk", f"must be a finite number >= 0, got {step}")
    if loops < 1:
        raise OptionError("loops", f"must be at least 1, got {loops}")
    if starts.shape[0] * loops > MAX_LOOPS:
        raise OptionError(
            "loops", f"{loops} × {counted(starts.shape[0], 'point')} is more than {MAX_LOOPS} loops in all"
        )
    if loops == 1 and step != WALK:  # not an error: a script may pass walk with every loops
        warnings.warn(WalkWithOneLoop(), stacklevel=callers_level())
    shape = (starts.shape[0], loops - 1, starts.shape[1])
    directions = torch.from_numpy(np.random.default_rng([seed, _WALK]).standard_normal(shape).astype(np.float32))
    moves = step * directions / directions.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    paths = torch.cat([starts[:, None], starts[:, None] + moves.cumsum(dim=1)], dim=1)
    if not torch.isfinite(paths).all():
        raise OptionError("walk", f"moves the points beyond ±{LATENT_MAX:.2g} (32-bit floats), got {step}")
    return paths
