"""``mvae evaluate``: how well a trained model reconstructs given loops, and how its generated loops compare to them.

Every number is defined in docs/evaluation.md. In short:

* **reconstruction** decodes each loop's posterior mean with the model's deterministic decoding (temperature 0:
  the most likely loop) and scores the written notes against the loop's true notes: ``onset_f1`` (same pitch row
  and step), ``rhythm_f1`` (same step); ``origin_*`` score the decoding of the latent origin ``z = 0`` against every
  loop — what the decoder knows without the latent. Velocity MAE (MIDI units) and timing MAE (half-steps and ms)
  compare the model's point estimates with the truth at the true note cells
  (:meth:`~mvae_core.models.base.MelodyModel.predict_cells`); ``timing_mae_vs_feel_oracle`` is the timing MAE over
  that of a predictor that knows each loop's own mean offset.
* **timing**: offsets of the data's notes, of reconstructions (a draw from the timing distribution at the true
  note cells) and of generated notes (``samples`` random latent points from the prior, decoded with generate's
  defaults at note ``temperature``, default 1); spread
  ratio = generated std / data std; Wasserstein-1 between generated and data offsets; share within ±0.05.
* **latent**: active units (``None`` for a single loop: nothing varies), the mean KL(q(z|x) ‖ N(0, I)) per loop and
  per dimension, and how much the decoded loops differ across the latent plane against how much the data's do
  (``plane_distance``, ``data_distance``, ``plane_vs_data``).
* **generated**: notes per loop against the data's, and the total-variation distance between pitch-class
  histograms.
* **pitch**: the pitch structure of the generated loops against the data's and against random notes in the
  data's key (:mod:`mvae_core.pitch_structure`): in-key ratio, mean interval, stepwise share, pitch-class entropy
  and notes per loop, with the share of the gap closed and the histogram overlap of each.
* **evaluated** and **versions** say what was scored (digests of the weights, the model settings and the loops) and
  by what (mvae, its commit, a third-party model's package, torch, its thread count and device), keyed as a run's
  ``[provenance.versions]``, so two evaluations can be told apart (:func:`evaluated`).
* **intervals**: bootstrap percentile intervals of the main numbers (:func:`intervals`): the data's loops and the
  generated loops drawn again with replacement, independently, ``resamples`` times (seeded by ``seed``): how much
  each number owes to the draw of the loops; the point numbers are the ones above, unchanged. :class:`Resampling`
  recomputes them per resample, for these intervals and for a paired comparison of two runs on the same loops
  (:mod:`mvae_core.evaluation_paired`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
from typing import Any

import numpy as np
import torch

from mvae_core import metrics
from mvae_core.config import MvaeConfig
from mvae_core.data.batches import batch_indices, densify
from mvae_core.data.load import CONTENT_CHARS
from mvae_core.data.loops import MAX_VELOCITY
from mvae_core.data.split import LoopSet
from mvae_core.data.table import NoteTable
from mvae_core.decode_options import EVALUATION_RESAMPLES, EVALUATION_SAMPLES
from mvae_core.generation import DecodeOptions, Note, decode_loops
from mvae_core.losses import kl_per_dimension
from mvae_core.models import check_cells, model_code, model_versions, resolve_model
from mvae_core.models.base import MelodyModel
from mvae_core.pitch_structure import (
    FEATURES,
    LEVEL,
    LoopNotes,
    PitchResampling,
    compare,
    percentile_interval,
    pitch_intervals,
    resample_weights,
    too_few_to_resample,
    weighted_means,
)
from mvae_core.report import has_timing_spread, within, within_count
from mvae_core.session import numerics
from mvae_core.validation import RECONSTRUCTION, SCORING_BATCH
from mvae_core.version import VERSION

PLANE_GRID = 5
PLANE_EXTENT = 2.0
PLANE_DATA_LOOPS = 200


def all_loops(table: NoteTable) -> LoopSet:
    """Every loop of ``table``, untransposed."""
    return LoopSet(table, np.arange(table.n_loops), np.zeros(table.n_loops, dtype=np.int64))


def wasserstein1(a: np.ndarray, b: np.ndarray) -> float:
    """Exact 1-D Wasserstein-1 distance between the empirical distributions of ``a`` and ``b``: ∫ |F_a − F_b|
    (:func:`weighted_wasserstein1` with each value counted once)."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(weighted_wasserstein1(a, b, np.ones((1, len(a))), np.ones((1, len(b))))[0])


def weighted_wasserstein1(a: np.ndarray, b: np.ndarray, weights_a: np.ndarray, weights_b: np.ndarray) -> np.ndarray:
    """Per line of ``weights_a`` (``[k, len(a)]``) and ``weights_b`` (``[k, len(b)]``): the Wasserstein-1 distance
    ∫ |F_a − F_b| between ``a`` and ``b`` with each value counted as often as its weight, summed over the steps
    between the sorted joint values (tied values span no step); nan where a side weighs nothing."""
    values = np.concatenate([a, b]).astype(np.float64)
    order = np.argsort(values, kind="stable")
    k = len(weights_a)
    on_a = np.concatenate([weights_a, np.zeros((k, len(b)))], axis=1)[:, order]
    on_b = np.concatenate([np.zeros((k, len(a))), weights_b], axis=1)[:, order]
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf_a = np.cumsum(on_a, axis=1)[:, :-1] / on_a.sum(axis=1, keepdims=True)
        cdf_b = np.cumsum(on_b, axis=1)[:, :-1] / on_b.sum(axis=1, keepdims=True)
    return np.sum(np.abs(cdf_a - cdf_b) * np.diff(values[order]), axis=1)


def pitch_class_histogram(rows: np.ndarray, pitch_low: int) -> np.ndarray:
    """The share of the notes at pitch rows ``rows`` in each of the 12 pitch classes (zeros without notes)."""
    counts = np.bincount((rows.astype(np.int64) + pitch_low) % 12, minlength=12).astype(np.float64)
    return counts / max(1.0, counts.sum())


@torch.no_grad()
def evaluate(
    model: MelodyModel,
    cfg: MvaeConfig,
    data: LoopSet,
    samples: int = EVALUATION_SAMPLES,
    seed: int = DecodeOptions.seed,
    temperature: float = DecodeOptions.temperature,
    resamples: int = EVALUATION_RESAMPLES,
) -> dict[str, Any]:
    """All the numbers of ``mvae evaluate`` for ``data`` (see the module docstring); ``temperature`` is the note
    temperature of the generated loops (``mvae generate --temperature``); ``resamples`` (at least 1) the bootstrap
    resamples of ``intervals`` (:func:`intervals`). Beside the numbers, the result names what they depend on: ``model`` (``[model] name``), ``seed``, in ``generated`` the ``samples`` and ``temperature``,
    and in ``evaluated`` and ``versions`` what was scored and by what (:func:`evaluated`). A model whose
    ``predict_cells`` or ``decode_notes`` breaks the contract is a :class:`~mvae_core.models.ModelError` naming it
    (:func:`~mvae_core.models.check_cells`, :func:`~mvae_core.generation.decode_loops`)."""
    point, resampling = score(model, cfg, data, samples, seed, temperature)
    return point | {"intervals": intervals(point, resampling, resamples, seed)}


@torch.no_grad()
def score(
    model: MelodyModel, cfg: MvaeConfig, data: LoopSet, samples: int, seed: int, temperature: float
) -> tuple[dict[str, Any], Resampling]:
    """:func:`evaluate`'s numbers without ``intervals``, and what its bootstrap draws again (:class:`Resampling`):
    the one pass over ``data`` and the generated loops that :func:`evaluate` and a paired comparison of two runs
    (:mod:`mvae_core.evaluation_paired`) both score."""
    model.eval()
    options = dataclasses.replace(RECONSTRUCTION, seed=seed)
    passed = reconstruct(model, cfg, data, options, seed)
    data_notes = data.table.note_index(data.loops)[0]
    data_ts = data.table.timeshift[data_notes]
    generated = generate_loops(model, cfg, samples, seed, temperature)
    gen_ts = np.array([n.timeshift for loop in generated for n in loop], dtype=np.float64)
    data_std, gen_std = metrics.timing_std(data_ts), metrics.timing_std(gen_ts)
    data_pitch, generated_pitch = LoopNotes.from_table(data.table, data.loops), LoopNotes.from_notes(generated)
    result = {
        "loops": len(data),
        "notes": len(data_ts),
        "model": cfg.model.name,
        "seed": seed,
        "reconstruction": passed.numbers,
        "timing": {
            "data_std": data_std,
            "recon_std": metrics.timing_std(passed.offsets),
            "generated_std": gen_std,
            "spread_ratio": _evaluated_spread_ratio(gen_std, data_std, _within(data_ts)),
            "wasserstein1": wasserstein1(gen_ts, data_ts),
            "data_within_0.05": _within(data_ts),
            "generated_within_0.05": _within(gen_ts),
        },
        "latent": {
            "latent_dim": cfg.model.latent_dim,
            "active_units": metrics.active_units(passed.mu) if len(data) > 1 else None,  # one μ does not vary
            "mean_kl": float(passed.kl.sum(dim=1).mean()),
            "kl_per_dimension": passed.kl.mean(dim=0).tolist(),
            **plane_variation(model, data, options),
        },
        "generated": generated_numbers(generated, data, cfg.data.pitch_low, temperature),
        "pitch": compare(data_pitch, generated_pitch, cfg.data.pitch_low, seed),
        "evaluated": evaluated(model, cfg, data),
        "versions": {"mvae": VERSION, **model_versions(cfg), **numerics(next(model.parameters()).device)},
    }
    pitch = PitchResampling(data_pitch, generated_pitch, cfg.data.pitch_low, seed)
    return result, Resampling.of(passed, data, generated, pitch)


@dataclasses.dataclass
class Reconstruction:
    """What one pass over the data's loops gives :func:`evaluate`: the ``reconstruction`` group (``numbers``), the
    offsets drawn at the true notes (``offsets``, for ``recon_std``), and each loop's posterior mean ``mu`` and KL per
    latent dimension ``kl`` (``[loops, latent_dim]``), and each loop's note matches (``matches``, ``[loops, 2, 3]``:
    at its posterior mean and at the origin, the true positives, written and true cells of ``onset_f1``), and each
    loop's reconstruction errors (``errors``, ``[loops, 5]``: the summed absolute error at its true notes of each of
    :data:`ERRORS`, then its note count; :func:`mean_errors`)."""

    numbers: dict[str, float]
    offsets: np.ndarray
    mu: torch.Tensor
    kl: torch.Tensor
    matches: np.ndarray
    errors: np.ndarray


def reconstruct(
    model: MelodyModel, cfg: MvaeConfig, data: LoopSet, options: DecodeOptions, seed: int
) -> Reconstruction:
    """Encode every loop of ``data`` to its posterior mean, decode it with ``options`` (deterministic) and score it
    against the loop's notes, as the origin's loop is too; the timing offsets at the true notes are drawn with a
    generator seeded by ``seed`` (model in eval mode, without gradients)."""
    (origin_notes,) = decode_loops(model, torch.zeros(1, cfg.model.latent_dim), options)
    timing_rng = np.random.default_rng(seed)
    recon, at_origin = metrics.NoteMatches(), metrics.NoteMatches()
    errors, recon_ts, mus, kls, matches = [], [], [], [], []
    for index in batch_indices(len(data), SCORING_BATCH, rng=None):
        x = densify(data, index, cfg.data.pitch_classes)
        mu, logvar = model.encode(x)
        out = model.predict_cells(x, mu)
        check_cells(cfg.model.name, out, x)
        for j, notes in enumerate(decode_loops(model, mu, options)):
            loop = [metrics.NoteMatches(), metrics.NoteMatches()]  # this loop's, at μ and at the origin
            for one, total, written in zip(loop, (recon, at_origin), (notes, origin_notes), strict=True):
                one.add(written, x[j, 0].numpy())
                total.cells += one.cells
                total.steps += one.steps
            matches.append([one.cells for one in loop])
        notes = x[:, 0] > 0.5
        velocity_error = (out.velocity - x[:, 1])[notes].abs() * MAX_VELOCITY
        error = (out.timeshift - x[:, 3])[notes].abs()
        feel = (x[:, 3] * notes).sum(dim=(1, 2)) / notes.sum(dim=(1, 2)).clamp(min=1)  # each loop's mean offset
        oracle_error = (feel.view(-1, 1, 1).expand_as(notes) - x[:, 3])[notes].abs()
        seconds = torch.from_numpy(data.table.seconds_per_step[data.loops[index]]).view(-1, 1, 1).expand_as(notes)
        timing_ms = error * seconds[notes] / 2 * 1000  # 1 half-step = half a 16th step
        owner = notes.nonzero()[:, 0].numpy()  # the loop of each true note, in the order [notes] picks them
        errors.append(_error_sums(owner, len(index), velocity_error, error, oracle_error, timing_ms))
        recon_ts.append(out.sample_timeshift(1.0, timing_rng)[notes].numpy())
        mus.append(mu)
        kls.append(kl_per_dimension(mu, logvar))
    onset_f1, origin_f1 = recon.onset_f1(), at_origin.onset_f1()
    numbers = {
        "onset_f1": onset_f1,
        "rhythm_f1": recon.rhythm_f1(),
        "origin_onset_f1": origin_f1,
        "origin_rhythm_f1": at_origin.rhythm_f1(),
        "onset_f1_vs_origin": ratio(onset_f1, origin_f1),
    }
    per_loop_errors = np.concatenate(errors)
    everyone = np.ones((1, len(per_loop_errors)))  # every loop once: the point numbers, by the resamples' formula
    numbers |= {name: float(values[0]) for name, values in mean_errors(per_loop_errors, everyone).items()}
    cells = np.array(matches, dtype=np.float64).reshape(-1, 2, 3)
    return Reconstruction(numbers, np.concatenate(recon_ts), torch.cat(mus), torch.cat(kls), cells, per_loop_errors)


ERRORS = ("velocity_mae", "timing_mae_half_steps", "feel_oracle_mae_half_steps", "timing_mae_ms")
"""The mean absolute errors of the ``reconstruction`` group, in the order of :attr:`Reconstruction.errors`' columns
(each loop's summed absolute error of each, then its note count)."""
TIMING_VS_ORACLE = "timing_mae_vs_feel_oracle"
"""The ``reconstruction`` number ``timing_mae_half_steps / feel_oracle_mae_half_steps`` (:func:`mean_errors`): below 1,
the timing head predicts more of the offsets than each loop's own mean offset does."""
MEAN_ERRORS = (*ERRORS, TIMING_VS_ORACLE)
"""Every number :func:`mean_errors` gives, in its order."""


def _error_sums(owner: np.ndarray, loops: int, *errors: torch.Tensor) -> np.ndarray:
    """``[loops, len(errors) + 1]``: per loop, the sum of each of ``errors`` (one absolute error per true note,
    ``owner`` the loop of each) in float64, then the loop's note count."""
    sums = [np.bincount(owner, error.numpy().astype(np.float64), loops) for error in errors]
    return np.stack([*sums, np.bincount(owner, minlength=loops).astype(np.float64)], axis=1)


def mean_errors(per_loop: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Per line of ``weights`` (``[k, loops]``, how often each loop is drawn), the numbers of :data:`MEAN_ERRORS`:
    each error of :data:`ERRORS`, the weighted sum of the loops' summed errors over their weighted note count
    (``per_loop``: :attr:`Reconstruction.errors`), nan where the weights draw no note; and :data:`TIMING_VS_ORACLE`,
    the timing error's :func:`ratio` to the feel oracle's (inf where only the oracle's is 0). The one formula of
    these numbers: every loop drawn once gives :func:`reconstruct`'s point numbers, as
    :meth:`Resampling.reconstruction_errors` a resample's."""
    *sums, notes = (weights @ per_loop).T
    with np.errstate(invalid="ignore", divide="ignore"):
        means = {name: np.where(notes > 0, total / notes, np.nan) for name, total in zip(ERRORS, sums, strict=True)}
    pairs = zip(means["timing_mae_half_steps"], means["feel_oracle_mae_half_steps"], strict=True)
    return means | {TIMING_VS_ORACLE: np.array([ratio(timing, oracle) for timing, oracle in pairs], dtype=np.float64)}


@dataclasses.dataclass(frozen=True)
class Resampling:
    """What the bootstrap of one evaluation draws again, per loop: each of the data's loops' note ``matches``
    (:attr:`Reconstruction.matches`) and ``data_offsets``, each generated loop's ``generated_offsets``
    (:func:`_per_loop`'s sums), the ``pitch`` numbers (:class:`~mvae_core.pitch_structure.PitchResampling`), and the
    offsets of every note with the loop it belongs to (``data_notes``, ``generated_notes``: values, owners), and each
    data loop's reconstruction ``errors`` (:attr:`Reconstruction.errors`). :meth:`numbers` is the one place the
    resampled numbers are computed, for :func:`intervals` and for a paired comparison of two runs on the same data's
    resamples (which adds :meth:`wasserstein`)."""

    matches: np.ndarray
    data_offsets: np.ndarray
    generated_offsets: np.ndarray
    pitch: PitchResampling
    data_notes: tuple[np.ndarray, np.ndarray]
    generated_notes: tuple[np.ndarray, np.ndarray]
    errors: np.ndarray

    @classmethod
    def of(
        cls, passed: Reconstruction, data: LoopSet, generated: list[list[Note]], pitch: PitchResampling
    ) -> Resampling:
        """From :func:`reconstruct`'s pass over ``data``, the ``generated`` loops and their ``pitch`` resampling."""
        data_notes, data_owner = data.table.note_index(data.loops)
        data_values = data.table.timeshift[data_notes].astype(np.float64)
        gen_owner = np.repeat(np.arange(len(generated)), [len(loop) for loop in generated])
        gen_values = np.array([n.timeshift for loop in generated for n in loop], dtype=np.float64)
        return cls(
            passed.matches,
            _per_loop(data_values, data_owner, len(data)),
            _per_loop(gen_values, gen_owner, len(generated)),
            pitch,
            (data_values, data_owner),
            (gen_values, gen_owner),
            passed.errors,
        )

    @property
    def sizes(self) -> tuple[int, int]:
        """How many loops each resample draws: the data's, the generated ones."""
        return len(self.data_offsets), len(self.generated_offsets)

    @property
    def cells(self) -> int:
        """The array cells a resample spends (:func:`~mvae_core.pitch_structure.resample_weights`' ``cells``): the
        baseline's notes and pitch classes."""
        return max(int(self.generated_offsets[:, 2].sum()), 12 * len(self.generated_offsets))

    @property
    def note_cells(self) -> int:
        """The array cells :meth:`wasserstein` spends per resample: every note of both sides."""
        return len(self.data_notes[0]) + len(self.generated_notes[0])

    def wasserstein(self, data_weights: np.ndarray, generated_weights: np.ndarray) -> np.ndarray:
        """Per resample: ``timing.wasserstein1`` (:func:`weighted_wasserstein1`) between the generated and the data's
        offsets, each note counted as often as its loop is drawn."""
        (data_values, data_owner), (gen_values, gen_owner) = self.data_notes, self.generated_notes
        return weighted_wasserstein1(
            gen_values, data_values, generated_weights[:, gen_owner], data_weights[:, data_owner]
        )

    def reconstruction_errors(self, data_weights: np.ndarray) -> dict[str, np.ndarray]:
        """Per resample: each reconstruction number of :data:`MEAN_ERRORS` (keyed ``reconstruction.<name>``) over the
        data's loops that ``data_weights`` draws, each loop with all of its notes (:func:`mean_errors`, the point
        numbers' formula)."""
        return {f"reconstruction.{name}": values for name, values in mean_errors(self.errors, data_weights).items()}

    def numbers(
        self, data_weights: np.ndarray, generated_weights: np.ndarray
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
        """Per resample (a line of each ``[k, loops]`` weights, :func:`~mvae_core.pitch_structure.resample_weights`):
        the reconstruction, timing and generated numbers of :func:`evaluate` that have intervals, keyed ``group.name``
        (``timing.spread_ratio``), and the pitch numbers
        (:meth:`~mvae_core.pitch_structure.PitchResampling.numbers`); nan where a resample leaves one undefined."""
        matches = np.einsum("kn,nab->kab", data_weights, self.matches)
        onset_f1 = np.array([[metrics.f1(*at) for at in resample] for resample in matches])  # at μ, at the origin
        data_std = _weighted_std(self.data_offsets, data_weights)
        data_within = _weighted_share(self.data_offsets, data_weights)
        gen_std = _weighted_std(self.generated_offsets, generated_weights)
        gen_density = weighted_means(self.generated_offsets[:, 2], generated_weights)[0]
        data_density = weighted_means(self.data_offsets[:, 2], data_weights)[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            density_ratio = gen_density / data_density
        numbers = {
            "reconstruction.onset_f1": onset_f1[:, 0],
            "reconstruction.onset_f1_vs_origin": np.array([ratio(a, b) for a, b in onset_f1]),
            **self.reconstruction_errors(data_weights),
            "timing.spread_ratio": np.array(
                [_evaluated_spread_ratio(*stds) for stds in zip(gen_std, data_std, data_within, strict=True)],
                dtype=np.float64,
            ),
            "generated.notes_per_loop": gen_density,
            "generated.density_ratio": density_ratio,
        }
        return numbers, self.pitch.numbers(data_weights, generated_weights)


GENERATED_ONLY = ("generated.notes_per_loop", *(f"pitch.{feature}.generated" for feature in FEATURES))
"""The resampled numbers that only the draw of the generated loops moves (notes per loop, the generated pitch
means): their intervals stand however few loops DATA has (:func:`measured`). Every other one DATA's draw moves, the
random notes' means too (their rows are drawn from DATA's)."""


def measured(key: str, data_loops: int) -> bool:
    """Whether the bootstrap measures an interval of the number at the dotted ``key`` over ``data_loops`` loops of
    DATA: not where DATA's draw moves the number and its loops are
    :func:`~mvae_core.pitch_structure.too_few_to_resample` (one loop drawn again every time)."""
    return key in GENERATED_ONLY or not too_few_to_resample(data_loops)


def covers(which: str) -> str:
    """What an interval of ``mvae evaluate`` covers, and what not (docs/evaluation.md#intervals): ``over the draw of
    the loops`` + ``which`` + ``, not over training seeds``. The one wording of both tables' explanations and of a
    comparison's ``covers`` (:data:`mvae_core.evaluation_paired.PAIR`)."""
    return f"over the draw of the loops{which}, not over training seeds"


def intervals(point: dict[str, Any], resampling: Resampling, resamples: int, seed: int) -> dict[str, Any]:
    """The ``intervals`` group of :func:`evaluate`: each number recomputed on ``resamples`` bootstrap resamples
    (:func:`~mvae_core.pitch_structure.resample_weights`, seeded by ``seed``), in which the data's loops and the
    generated loops are drawn again with replacement, independently (each loop with its notes, offsets, matches and
    reconstruction errors: :meth:`Resampling.numbers`), and the :func:`~mvae_core.pitch_structure.percentile_interval` of each;
    ``None`` where the ``point`` number (:func:`score`'s result) is not a finite number, and where DATA's loops are
    too few to measure one (:func:`measured`). The pitch numbers are
    :func:`~mvae_core.pitch_structure.pitch_intervals`'."""
    collected: dict[str, list[np.ndarray]] = {}
    pitch_parts: list[dict[str, dict[str, np.ndarray]]] = []
    for data_weights, gen_weights in resample_weights(resampling.sizes, resamples, seed, resampling.cells):
        numbers, pitch = resampling.numbers(data_weights, gen_weights)
        for key, values in numbers.items():
            collected.setdefault(key, []).append(values)
        pitch_parts.append(pitch)
    result: dict[str, Any] = {"resamples": resamples, "level": LEVEL}
    for key, parts in collected.items():
        wanted = finite_number(point_number(point, key)) and measured(key, point["loops"])
        group, name = key.split(".")
        result.setdefault(group, {})[name] = percentile_interval(np.concatenate(parts)) if wanted else None
    joined = {feature: {part: np.concatenate([chunk[feature][part] for chunk in pitch_parts])
                        for part in pitch_parts[0][feature]} for feature in pitch_parts[0]}  # fmt: skip
    pitch = pitch_intervals(joined, point["pitch"])
    for feature, parts in pitch.items():
        for part in ("data", "generated", "baseline"):
            if not measured(f"pitch.{feature}.{part}", point["loops"]):
                parts[part] = None
    return result | {"pitch": pitch}


def point_number(point: dict[str, Any], key: str) -> Any:
    """The number of :func:`score`'s result at the dotted ``key`` (``"timing.spread_ratio"``,
    ``"pitch.in_key.gap_closed"``)."""
    value: Any = point
    for part in key.split("."):
        value = value[part]
    return value


def finite_number(value: Any) -> bool:
    """Whether ``value`` is a finite float (not ``None``, nan or infinite)."""
    return isinstance(value, float) and math.isfinite(value)


def _per_loop(values: np.ndarray, owner: np.ndarray, loops: int) -> np.ndarray:
    """Per loop: the sum and the sum of squares of its offsets ``values`` (``owner`` says whose), their count, and how
    many of them lie within ±0.05 (:func:`~mvae_core.report.within`)."""
    return np.stack([np.bincount(owner, values, loops), np.bincount(owner, values**2, loops),
                     np.bincount(owner, minlength=loops).astype(np.float64),
                     np.bincount(owner, within(values).astype(np.float64), loops)], axis=1)  # fmt: skip


def _weighted_std(per_loop: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per resample, the sample std (``n − 1``, as :func:`~mvae_core.metrics.timing_std`) of the values of the
    loops that ``weights`` draws (:func:`_per_loop`'s sums); nan with fewer than two values."""
    total, squares, count, _ = (weights @ per_loop).T
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.maximum(squares - total**2 / count, 0.0) / (count - 1)
    return np.where(count > 1, np.sqrt(variance), np.nan)


def _weighted_share(per_loop: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per resample, the share of the values of the loops that ``weights`` draws that lie within ±0.05
    (:func:`_per_loop`'s counts, the formula of :func:`_within`); nan without values."""
    _, _, count, on_grid = (weights @ per_loop).T
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, on_grid / count, np.nan)


def generated_numbers(generated: list[list[Note]], data: LoopSet, pitch_low: int, temperature: float) -> dict[str, Any]:
    """The ``generated`` group of :func:`evaluate` for the ``generated`` loops (decoded at note ``temperature``):
    notes per loop against ``data``'s, and the distance between their pitch-class histograms."""
    samples, notes = len(generated), sum(len(loop) for loop in generated)
    data_notes = float(data.table.notes_per_loop()[data.loops].mean())
    gen_rows = np.array([n.row for loop in generated for n in loop], dtype=np.int64)
    data_rows = data.table.row[data.table.note_index(data.loops)[0]]
    difference = pitch_class_histogram(gen_rows, pitch_low) - pitch_class_histogram(data_rows, pitch_low)
    return {
        "samples": samples,
        "temperature": temperature,
        "notes_per_loop": notes / samples,
        "data_notes_per_loop": data_notes,
        "density_ratio": notes / samples / data_notes,
        "pitch_class_distance": 0.5 * float(np.abs(difference).sum()),
    }


def evaluated(model: MelodyModel, cfg: MvaeConfig, data: LoopSet) -> dict[str, Any]:
    """What an evaluation scored, as digests (the first :data:`~mvae_core.data.load.CONTENT_CHARS` hexadecimal
    digits of a SHA-256), equal exactly when the scored thing is the same:

    * ``weights``: every tensor of ``model`` (name, dtype, shape, values) in name order; the same trained model
      wherever its ``model.safetensors`` lies, whose own bytes also hold the metadata's key order;
    * ``model_settings``: the run's ``[model]`` settings and those of its model (``[model.<name>]``, defaults filled
      in; another model's table left out), which decoding reads beside the weights (``pitch_temperature`` of
      ``melody_rnn``);
    * ``data``: the scored loops as read with the run's data settings (each loop's notes, their row, step, velocity,
      duration and offset, and its tempo), in order; ``sources`` counts the files (or corpus members) they came from."""
    weights = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        tensor = tensor.detach().cpu().contiguous()
        weights.update(json.dumps([name, str(tensor.dtype), list(tensor.shape)]).encode())
        weights.update(tensor.view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    own = resolve_model(cfg)[1].model_dump(mode="json")  # the model's settings, defaults filled in
    settings = json.dumps([cfg.model.model_dump(mode="json", exclude={"sections"}), own], sort_keys=True).encode()
    return {
        "weights": weights.hexdigest()[:CONTENT_CHARS],
        "model_settings": hashlib.sha256(settings).hexdigest()[:CONTENT_CHARS],
        "data": loops_digest(data),
        "sources": len(np.unique(data.table.source[data.loops])),
    }


def loops_digest(data: LoopSet) -> str:
    """The ``data`` digest of :func:`evaluated`: the note count and seconds per step of each of ``data``'s loops, in
    order, then each column of their notes (equal exactly when the loops are; also what tells an ablation's runs that
    validate on other loops apart)."""
    table, digest = data.table, hashlib.sha256()
    index = table.note_index(data.loops)[0]
    digest.update(np.asarray(table.notes_per_loop()[data.loops], "<i8").tobytes())
    digest.update(np.asarray(table.seconds_per_step[data.loops], "<f4").tobytes())
    for column in (table.row, table.step, table.velocity, table.duration, table.timeshift):
        digest.update(np.ascontiguousarray(column[index]).tobytes())
    return digest.hexdigest()[:CONTENT_CHARS]


def plane_variation(model: MelodyModel, data: LoopSet, options: DecodeOptions) -> dict[str, float]:
    """How much the decoded loop changes across the latent plane, against how much the data's loops differ.

    ``plane_distance``: the mean over pairs of the :data:`PLANE_GRID` × :data:`PLANE_GRID` points of ``[-2, 2]²``
    (latent dimensions 0 and 1, the others 0; with ``latent_dim = 1``, the :data:`PLANE_GRID` points of ``[-2, 2]``)
    of ``1 − onset F1`` between their deterministically decoded loops (0 = the same notes everywhere: the decoder
    ignores ``z``); ``data_distance``: the same over pairs of up to :data:`PLANE_DATA_LOOPS` of the data's loops
    (evenly spaced); ``plane_vs_data`` their ratio.
    """
    axis = torch.linspace(-PLANE_EXTENT, PLANE_EXTENT, PLANE_GRID)
    plane = torch.cartesian_prod(*[axis] * min(2, model.latent_dim)).view(-1, min(2, model.latent_dim))
    points = torch.zeros(len(plane), model.latent_dim)
    points[:, : plane.shape[1]] = plane
    decoded = [{(n.row, n.step) for n in loop} for loop in decode_loops(model, points, options)]
    pick = np.unique(np.linspace(0, len(data) - 1, min(len(data), PLANE_DATA_LOOPS)).astype(np.int64))
    index, owner = data.table.note_index(data.loops[pick])
    cells = [set() for _ in pick]
    for k, row, step in zip(
        owner.tolist(), data.table.row[index].tolist(), data.table.step[index].tolist(), strict=True
    ):
        cells[k].add((row, step))
    plane, real = _mean_distance(decoded), _mean_distance(cells)
    return {"plane_distance": plane, "data_distance": real, "plane_vs_data": ratio(plane, real)}


def _mean_distance(loops: list[set[tuple[int, int]]]) -> float:
    """Mean over pairs of ``1 − F1`` of their note cells (``nan`` for fewer than two loops)."""
    pairs = list(itertools.combinations(loops, 2))
    if not pairs:
        return float("nan")
    return float(np.mean([1.0 - metrics.f1(len(a & b), len(a), len(b)) for a, b in pairs]))


def generate_loops(
    model: MelodyModel,
    cfg: MvaeConfig,
    samples: int,
    seed: int = DecodeOptions.seed,
    temperature: float = DecodeOptions.temperature,
) -> list[list[Note]]:
    """``samples`` loops from latent points drawn from the prior (seeded), decoded with :func:`generated_options`."""
    options = generated_options(model, cfg, seed, temperature)
    # torch's draw, as every recorded evaluation used (generate's points are drawn per index: latent_points)
    points = torch.randn(samples, cfg.model.latent_dim, generator=torch.Generator().manual_seed(seed))
    return decode_loops(model, points, options)


def generated_options(
    model: MelodyModel, cfg: MvaeConfig, seed: int = DecodeOptions.seed, temperature: float = DecodeOptions.temperature
) -> DecodeOptions:
    """The options the generated loops of an evaluation decode with: generate's defaults at note ``temperature``,
    asked of the model's ``check_options`` as ``mvae generate`` asks it, so that a temperature the model refuses is
    its :class:`~mvae_core.models.base.UnsupportedOption` (exit 2 with its message), not numbers of a decoding it
    says it cannot honour (its own ``decode_notes`` need not check)."""
    options = DecodeOptions(seed=seed, temperature=temperature)
    with model_code(cfg.model.name, "check_options"):
        model.check_options(options)
    return options


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; ``inf`` when only the denominator is 0, ``nan`` when both are (0 / 0 says
    nothing: a decoder that writes no matching note at μ nor at the origin does not carry "infinitely" more)."""
    if denominator:
        return numerator / denominator
    return float("inf") if numerator else float("nan")


def _evaluated_spread_ratio(generated_std: float, data_std: float, data_within: float) -> float:
    """``spread_ratio``: generated ÷ DATA's timing std (:func:`~mvae_core.metrics.spread_ratio`); nan (``quantized``)
    where DATA, ``data_within`` of whose notes lie within ±0.05, is quantized
    (:func:`~mvae_core.report.has_timing_spread`: at least :data:`~mvae_core.report.QUANTIZED_SHARE` of the notes on
    the grid, as ``mvae data inspect`` says it, or a std under :data:`~mvae_core.report.QUANTIZED_STD`): a ratio over
    the spread of a few far-off notes says nothing of the timing of the others."""
    return metrics.spread_ratio(generated_std, data_std) if has_timing_spread(data_std, data_within) else math.nan


def _within(values: np.ndarray) -> float:
    """The share of ``values`` within ±0.05 (:func:`~mvae_core.report.within_count`); nan without values."""
    return within_count(values) / len(values) if len(values) else float("nan")
