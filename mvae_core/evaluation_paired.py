"""A paired comparison of two runs on the same loops (``mvae evaluate RUN DATA --against OTHER``, ``compare``).

Both runs are scored on the same loops (:func:`~mvae_core.evaluation.score`), each with its own generated loops
(the same latent points where the latent sizes match: the same seed draws them). The bootstrap then draws the
data's loops again **once per resample for both runs** (the same weights), and each run's generated loops again
independently (:func:`~mvae_core.pitch_structure.resample_weights` with three groups), recomputes every number of
:data:`COMPARED` for each run (:meth:`~mvae_core.evaluation.Resampling.numbers`, the formulas of
``mvae evaluate``'s own intervals; :meth:`~mvae_core.evaluation.Resampling.wasserstein` for the distance those
intervals leave out, by the formula of its point number) and takes the percentile interval of the difference A − B:
what the loops of DATA share between the two runs cancels, which two separate intervals cannot show.

Where a number has a direction (:data:`COMPARED`), the comparison says which run is better only when the interval
of the deciding difference excludes 0 (:mod:`mvae_core.goals`, the rule ``mvae ablate`` follows too): A − B for a
number where ``higher`` (or ``lower``) is better, and |A − 1| − |B − 1| for one that is best at 1 (``nearer 1``).
Where no direction is defined (notes per loop), none is claimed. Where DATA has too few loops to draw again
(:func:`~mvae_core.evaluation.measured`: one), the numbers that DATA's draw moves get no interval and no verdict.
"""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path
from typing import Any

import numpy as np

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.split import LoopSet
from mvae_core.errors import ConfigError, InputError
from mvae_core.evaluation import covers, finite_number, measured, point_number, score
from mvae_core.goals import GOALS, Goal, better, deciding
from mvae_core.models.base import MelodyModel
from mvae_core.pitch_structure import LEVEL, percentile_interval, resample_weights

Direction = Goal
"""Which way a number is better (:data:`~mvae_core.goals.Goal`)."""

COMPARED: dict[str, Direction] = GOALS
"""The numbers a comparison sets side by side and which way each is better: :data:`mvae_core.goals.GOALS`, the one
definition ``mvae ablate`` takes its columns' goals from too."""

READ_WITHOUT = ("train_fraction", "transpositions", "cache_dir")
"""The ``[data]`` settings that do not change how a run reads held-out DATA (the training split, its augmentation
and where parses are cached); every other one can change its loops (pitch rows, folding, melody, bars, tempo and
note limits), so two runs compared on DATA must agree on them."""


def reading_differences(a: DataConfig, b: DataConfig) -> list[str]:
    """``name a → b`` for each ``[data]`` setting, but :data:`READ_WITHOUT`'s, in which ``a`` and ``b`` differ."""
    return [
        f"data.{name} {getattr(a, name)!r} → {getattr(b, name)!r}"
        for name in DataConfig.model_fields
        if name not in READ_WITHOUT and getattr(a, name) != getattr(b, name)
    ]


def check_same_reading(run: str, a: DataConfig, against: str, b: DataConfig) -> None:
    """A :class:`~mvae_core.errors.ConfigError` naming both runs and every differing setting when ``run`` and
    ``against`` would read DATA into other loops (:func:`reading_differences`). It names the settings that would pair
    them, for either run trained again (:func:`pairing_overrides`: ``--set data.pitch_low=52`` on the command line,
    ``overrides=["data.pitch_low=52"]`` in Python, where the setting has a value to set), and how to compare them
    unpaired, each reading DATA its own way: ``mvae evaluate RUN DATA --against OTHER --unpaired``, in Python
    ``mvae_core.compare(run, against, data, unpaired=True)``."""
    if not (differences := reading_differences(a, b)):
        return
    said = (
        f"{run} and {against} read DATA into different loops ({'; '.join(differences)}), so a paired comparison has "
        "no loops in common"
    )
    unpaired = "or compare them unpaired, each reading DATA with its own settings"
    messages = []
    for spelled in (_python_overrides, _set_options):
        retrain = [
            f"{trained} again with {spelled(settings)}"
            for trained, settings in ((against, pairing_overrides(b, a)), (run, pairing_overrides(a, b)))
            if settings is not None
        ]
        pair = f": train {' or '.join(retrain)} to pair them, " if retrain else ": "
        messages.append(f"{said}{pair}{unpaired}")
    python, command_line = messages
    raise ConfigError(
        f"{python} (mvae_core.compare(run, against, data, unpaired=True))",
        command_line=f"{command_line} (mvae evaluate RUN DATA --against OTHER --unpaired)",
    )


def pairing_overrides(trained: DataConfig, target: DataConfig) -> list[tuple[str, Any]] | None:
    """The ``[data]`` settings (``data.<name>``, value) with which a run trained like ``trained`` would read DATA as
    a run of ``target`` does: each of :func:`reading_differences` at ``target``'s value; ``None`` where one of them
    has no value to set (an optional setting unset in ``target``)."""
    settings = [
        (f"data.{name}", getattr(target, name))
        for name in DataConfig.model_fields
        if name not in READ_WITHOUT and getattr(trained, name) != getattr(target, name)
    ]
    return None if any(value is None for _, value in settings) else settings


def _set_options(settings: list[tuple[str, Any]]) -> str:
    """``--set data.pitch_low=52`` for each setting, the value as TOML writes it (JSON's spelling of a number, string,
    list or boolean), quoted for a shell where it needs it."""
    return " ".join(f"--set {shlex.quote(_assignment(setting))}" for setting in settings)


def _python_overrides(settings: list[tuple[str, Any]]) -> str:
    """``overrides=['data.pitch_low=52']``: the settings of :func:`_set_options` as ``mvae_core.train`` takes them."""
    return f"overrides={[_assignment(setting) for setting in settings]!r}"


def _assignment(setting: tuple[str, Any]) -> str:
    """``data.pitch_low=52``: a setting and its value as a TOML value."""
    name, value = setting
    return f"{name}={json.dumps(value, default=str)}"


PAIR = " for these two trained models"
"""What a comparison's intervals are over, after ``the draw of the loops`` (:func:`~mvae_core.evaluation.covers`)."""

COVERS = covers(PAIR)
"""What a comparison's intervals and verdicts are over, and what not: its ``covers``."""


def compare_runs(
    a: tuple[MelodyModel, MvaeConfig],
    b: tuple[MelodyModel, MvaeConfig],
    data: LoopSet,
    samples: int,
    seed: int,
    temperature: float,
    resamples: int,
) -> dict[str, Any]:
    """Score run ``a`` and run ``b`` (model and config each) on the same ``data`` and compare them over
    ``resamples`` paired bootstrap resamples (seeded by ``seed``; the module docstring). Returns ``points`` (each
    run's :func:`~mvae_core.evaluation.score` result), ``resamples``, ``level`` and ``numbers``: per key of
    :data:`COMPARED`, :func:`compared`'s entry."""
    point_a, resampling_a = score(*a, data, samples, seed, temperature)
    point_b, resampling_b = score(*b, data, samples, seed, temperature)
    runs = {"a": resampling_a, "b": resampling_b}
    sizes = (len(data), resampling_a.sizes[1], resampling_b.sizes[1])
    collected: dict[str, dict[str, list[np.ndarray]]] = {run: {key: [] for key in COMPARED} for run in runs}
    cells = sum(resampling.cells + resampling.note_cells for resampling in runs.values())
    for data_weights, *generated_weights in resample_weights(sizes, resamples, seed, cells):
        for (run, resampling), weights in zip(runs.items(), generated_weights, strict=True):
            numbers, pitch = resampling.numbers(data_weights, weights)  # the same data_weights for both runs
            flat = numbers | {f"pitch.{feature}.gap_closed": parts["gap_closed"] for feature, parts in pitch.items()}
            flat["timing.wasserstein1"] = resampling.wasserstein(data_weights, weights)
            for key in COMPARED:
                collected[run][key].append(flat[key])
    numbers = {
        key: compared(
            point_number(point_a, key),
            point_number(point_b, key),
            np.concatenate(collected["a"][key]),
            np.concatenate(collected["b"][key]),
            direction,
            measurable=measured(key, len(data)),
        )
        for key, direction in COMPARED.items()
    }
    return {"points": {"a": point_a, "b": point_b}, "resamples": resamples, "level": LEVEL, "numbers": numbers}


def compared(
    a: Any, b: Any, resampled_a: np.ndarray, resampled_b: np.ndarray, direction: Direction, measurable: bool = True
) -> dict[str, Any]:
    """One number of two runs: ``a``, ``b``, ``difference`` (A − B) and its paired ``interval``
    (:func:`paired_interval`) with ``excludes_zero``; ``better_is`` (the ``direction``), the interval of the deciding
    difference (``deciding_interval``, :func:`~mvae_core.goals.deciding`: A − B for ``higher`` and ``lower``,
    |A − 1| − |B − 1| for ``nearer 1``) and ``better`` (:func:`~mvae_core.goals.better`): ``"a"`` or ``"b"`` where
    that interval excludes 0, ``"neither"`` where it holds 0, ``None`` where no direction is defined or there is no
    interval. Undefined numbers are ``None``; so are the intervals, and ``better``, where
    the resamples cannot measure them (``measurable`` false: :func:`~mvae_core.evaluation.measured`)."""
    defined = finite_number(a) and finite_number(b)
    with np.errstate(invalid="ignore"):  # inf − inf in a resample: undefined there, as paired_interval counts it
        differences = resampled_a - resampled_b
        distances = deciding(resampled_a, direction) - deciding(resampled_b, direction)
    difference = a - b if defined else None
    resampled = defined and measurable
    interval = paired_interval(differences) if resampled else None
    result: dict[str, Any] = {
        "a": a if finite_number(a) else None,
        "b": b if finite_number(b) else None,
        "difference": difference,
        "interval": interval,
        "excludes_zero": None if interval is None else not interval[0] <= 0 <= interval[1],
        "better_is": direction,
    }
    deciding_interval = paired_interval(distances) if resampled and direction is not None else None
    return result | {"deciding_interval": deciding_interval, "better": better(deciding_interval, direction)}


def paired_interval(differences: np.ndarray) -> list[float] | None:
    """The :data:`~mvae_core.pitch_structure.LEVEL` percentile interval of the resampled ``differences``; ``None``
    where fewer than :data:`~mvae_core.pitch_structure.LEVEL` of the resamples define them (one run's number
    undefined in more resamples than an interval may leave out, as a gap closed that too many resamples do not score
    has no interval in ``mvae evaluate``)."""
    defined = ~np.isnan(differences)
    if not len(differences) or defined.mean() < LEVEL:
        return None
    interval = percentile_interval(differences)
    return None if interval is None or not all(map(math.isfinite, interval)) else interval


UNPAIRED = (
    "unpaired: each run read DATA with its own [data] settings, so their numbers are over other loops, and each "
    "interval is that run's own, over the draw of its loops and its generated loops, not over training seeds; no "
    "difference or better run is claimed: intervals that do not overlap say the runs differ by more than the draw of "
    "the loops, ones that overlap do not say they are the same"
)
"""What an unpaired side-by-side (:func:`side_by_side`) is over, and what it does not claim: its ``covers``."""


def refuse_self_comparison(run: Path, against: Path) -> None:
    """An :class:`~mvae_core.errors.InputError` where ``run`` and ``against`` are one run folder (a comparison of
    :func:`~mvae_core.compare` or :func:`side_by_side`)."""
    if run.resolve() == against.resolve():
        raise InputError(f"{run} is compared against itself: give another run to compare it with")


def side_by_side(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two evaluations set side by side without pairing: ``a`` and ``b`` are ``mvae_core.evaluate`` results of two
    runs, each on DATA read with its own settings (``mvae evaluate RUN DATA --against OTHER --unpaired``), as for two
    runs whose ``[data]`` reading differs (:func:`check_same_reading`). Returns ``run``, ``against``, ``data`` (``a``'s
    DATA), ``unpaired`` (true), ``level``, ``covers`` (:data:`UNPAIRED`), ``numbers``: per key of :data:`COMPARED`,
    ``a`` and ``b`` (``None`` where not a finite number), ``a_interval`` and ``b_interval`` (each run's own interval,
    ``None`` where it has none: ``wasserstein1`` never has one) and ``better_is``; and ``runs``: per run (``a``,
    ``b``) its ``run``, ``model``, ``loops``, ``notes``, ``evaluated``, ``versions`` and ``trained_on``. No difference,
    no paired interval and no verdict: the two runs' loops are not the same. An
    :class:`~mvae_core.errors.InputError` where both results are of the same run folder."""
    refuse_self_comparison(Path(a["run"]), Path(b["run"]))
    numbers = {}
    for key, direction in COMPARED.items():
        values = {side: point_number(result, key) for side, result in (("a", a), ("b", b))}
        numbers[key] = {
            **{side: value if finite_number(value) else None for side, value in values.items()},
            **{f"{side}_interval": own_interval(result, key) for side, result in (("a", a), ("b", b))},
            "better_is": direction,
        }
    runs = {
        side: {
            name: result.get(name) for name in ("run", "model", "loops", "notes", "evaluated", "versions", "trained_on")
        }
        for side, result in (("a", a), ("b", b))
    }
    level = a["intervals"]["level"]
    return {"run": a["run"], "against": b["run"], "data": a["data"], "unpaired": True, "level": level,
            "covers": UNPAIRED, "numbers": numbers, "runs": runs}  # fmt: skip


def own_interval(result: dict[str, Any], key: str) -> list[float] | None:
    """The interval of the number at the dotted ``key`` in one ``mvae_core.evaluate`` ``result`` (its ``intervals``
    group, keyed alike; a gap closed under ``pitch.<feature>.gap_closed``); ``None`` where it has none."""
    value: Any = result["intervals"]
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
