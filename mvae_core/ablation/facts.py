"""What one run directory says: its per-epoch metrics (``metrics.jsonl``, ``config.toml``), and the timing and pitch
structure of the notes its best model (``model.safetensors``) generates from random latent points."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mvae_core.ablation.columns import PITCH_GAPS
from mvae_core.config import LOSS_TERMS, ConfigError, MvaeConfig
from mvae_core.data.split import LoopSet
from mvae_core.errors import CORE_SOURCE, DataChanged, DataError
from mvae_core.metrics import timing_std
from mvae_core.metrics_record import not_computed
from mvae_core.models.base import MelodyModel
from mvae_core.report import shown_spread_ratio, within_count
from mvae_core.run import RunDir
from mvae_core.view import epoch_number


def stop_reasons(record: dict[str, Any]) -> list[str]:
    """The ``"plugin: reason"`` messages of the stop events of one metrics line."""
    return [e["message"] for e in record.get("events", []) if e.get("level") == "stop"]


def warnings(record: dict[str, Any], plugins: bool = True) -> list[str]:
    """The ``"source: message"`` of the warning events of one metrics line: mvae's own (source
    :data:`~mvae_core.errors.CORE_SOURCE`, which a training writes with its first epoch) and, with ``plugins``, the
    plugins' (their start-up warnings among them)."""
    return [
        f"{e.get('source', '?')}: {e['message']}"
        for e in record.get("events", [])
        if e.get("level") == "warning" and (plugins or e.get("source") == CORE_SOURCE)
    ]


def plugin_numbers(record: dict[str, Any]) -> dict[str, float | None]:
    """What plugins add to one metrics line, by summary column: each validation loss term beyond the core's
    (``val.<term>``, from ``mvae_loss``, or a model's own added term such as ``melody_rnn``'s ``bag``) and each number a
    plugin recorded (``plugins.<plugin>.<key>``, from ``trainer.record``; ``None`` for one written as null, NaN or
    infinite, and for a term not computed in that epoch: :func:`~mvae_core.metrics_record.not_computed`). Recorded lists
    stay in metrics.jsonl."""
    terms = {
        f"val.{term}": None if not_computed(record, "val", term) else value
        for term, value in record.get("val", {}).items()
        if term not in (*LOSS_TERMS, "total")
    }
    recorded = {
        f"plugins.{plugin}.{key}": value
        for plugin, values in record.get("plugins", {}).items()
        for key, value in values.items()
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool))
    }
    return terms | recorded


def _cpu_seconds(records: list[dict[str, Any]]) -> float | None:
    """The summed ``cpu_seconds`` of the epochs, ``None`` when some line lacks it (a run from before it was kept)."""
    if not records or any("cpu_seconds" not in r for r in records):
        return None
    return round(sum(r["cpu_seconds"] or 0.0 for r in records), 3)


def is_finished(records: list[dict[str, Any]], epochs: int) -> bool:
    """A run is finished when its last metrics line holds a stop event or it ran ``epochs`` epochs."""
    return bool(records) and (bool(stop_reasons(records[-1])) or records[-1]["epoch"] + 1 >= epochs)


def run_state(path: Path, epochs: int | None) -> str:
    """``"new"`` (no run there), ``"finished"`` or ``"unfinished"``; ``epochs`` defaults to the run's
    ``train.epochs``. A run whose config cannot be read counts as unfinished (its resume reports why)."""
    run = RunDir(path)
    if not run.exists():
        return "new"
    try:
        target = epochs or run.read_config().train.epochs
    except ConfigError:
        return "unfinished"
    return "finished" if is_finished(run.read_metrics(), target) else "unfinished"


@dataclass(frozen=True)
class RunFacts:
    """The numbers of one run; a field is ``None`` where the run has no such value (e.g. no epoch finished)."""

    epochs_run: int
    stop_reasons: tuple[str, ...]
    best_val_elbo: float | None
    best_epoch: int | None  # counted from 1, as the console and the warnings count (metrics.jsonl's epoch + 1)
    onset_f1: float | None
    timing_spread_ratio: float | None
    active_units: float | None
    seconds: float
    cpu_seconds: float | None  # None for runs written before metrics.jsonl had cpu_seconds
    warnings: tuple[str, ...]  # distinct "source: message" of the warning events (read_facts), in order
    val_elbo: tuple[float | None, ...]  # per epoch, for the curves
    plugin_numbers: dict[str, float | None]  # the last epoch's, by summary column (:func:`plugin_numbers`)

    @property
    def nonfinite_epoch(self) -> int | None:
        """The first epoch whose ``val_elbo`` is missing or not finite (NaN and inf are written as null)."""
        bad = [e for e, v in enumerate(self.val_elbo) if v is None or not math.isfinite(v)]
        return bad[0] if bad else None


def read_facts(path: Path, attempt_start: int) -> RunFacts:
    """Epochs run, the last epoch's stop reasons and metrics, the best ``val_elbo`` and the summed epoch seconds, and
    the warnings: the plugins' of the epochs from ``attempt_start`` on, those of the latest attempt at the run (each
    attempt's first epoch holds the plugins' start-up warnings about the run as then planned, e.g. "this run ends with
    epoch 3"; an extended run's earlier ones no longer hold), and mvae's own of every attempt (about the data, its
    split and the run's settings and versions, which still hold: a resume does not say again what its run's start
    said of its validation loops)."""
    records = RunDir(path).read_metrics()
    curve = tuple(r.get("val_elbo") for r in records)
    scored = [(v, r["epoch"]) for v, r in zip(curve, records, strict=True) if v is not None and math.isfinite(v)]
    best = min(scored, default=(None, None))
    last = records[-1] if records else {}
    return RunFacts(
        epochs_run=len(records),
        stop_reasons=tuple(stop_reasons(last)) if last else (),
        best_val_elbo=best[0],
        best_epoch=None if best[1] is None else epoch_number(best[1]),
        onset_f1=last.get("onset_f1"),
        timing_spread_ratio=shown_spread_ratio(last) if last else None,
        active_units=last.get("active_units"),
        seconds=round(sum(r.get("seconds") or 0.0 for r in records), 3),
        cpu_seconds=_cpu_seconds(records),
        warnings=tuple(dict.fromkeys(w for r in records for w in warnings(r, plugins=r["epoch"] >= attempt_start))),
        val_elbo=curve,
        plugin_numbers=plugin_numbers(last),
    )


def timing_stats(timeshifts: list[float], loops: int) -> dict[str, float | None]:
    """``gen_timing_std`` (:func:`~mvae_core.metrics.timing_std` of the timeshifts, as ``mvae evaluate``'s
    ``generated_std``; ``None`` for fewer than 2 notes), ``gen_within_0_05`` (share with ``|t| ≤ 0.05``,
    :func:`~mvae_core.report.within_count`; ``None`` without notes) and ``gen_notes_per_loop``."""
    n = len(timeshifts)
    return {
        "gen_timing_std": timing_std(timeshifts) if n >= 2 else None,
        "gen_within_0_05": within_count(timeshifts) / n if n else None,
        "gen_notes_per_loop": n / loops,
    }


NO_VALIDATION = "validation files gone"
"""The word for a run's pitch gaps when none of its validation files (``split.json``) gives a loop any more."""
EDITED_VALIDATION = "validation files edited"
"""The word for a run's pitch gaps when one of its validation files changed since training (``split.json``'s
digests): numbers over it would not be the run's held-out numbers."""


GENERATED_SEED = 0
"""The seed of every run's generated loops (their latent points and their note and offset draws), so that every run
is judged on the same draws."""


def generated_numbers(path: Path, samples: int, seed: int = GENERATED_SEED, kept: Path | None = None) -> dict[str, Any]:
    """:func:`timing_stats` of the notes the run's best model writes for ``samples`` prior draws (seeded, so every
    run is judged on the same latent points and offset draws), decoded with generate's default options; the share
    of the pitch-structure gap they close against the run's own validation loops (:data:`PITCH_GAPS`,
    :mod:`mvae_core.pitch_structure`); and ``missing``: row key → the word for why a gap is ``None`` where a word
    says more than ``n/a`` (``no gap``: random notes already look like the validation loops there;
    :data:`NO_VALIDATION`: none of the run's validation files gives a loop any more, e.g. one deleted since;
    :data:`EDITED_VALIDATION`: one of them was edited since training); ``validation_loops``: the
    :func:`~mvae_core.evaluation.loops_digest` of those validation loops (``None`` without them), which tells runs that
    validate on other loops apart.

    ``kept``: the file that keeps them (:mod:`~mvae_core.ablation.generated_store`): numbers kept there under the
    same key are returned without decoding, and numbers computed are written there."""
    from mvae_core.ablation.generated_store import generated_key, keep_numbers, kept_numbers
    from mvae_core.evaluation import loops_digest
    from mvae_core.run_data import validation_loops

    run = RunDir(path)
    model, cfg = run.load_model()
    try:
        held_out: LoopSet | str = validation_loops(run, jobs=1)
    except DataError as exc:  # the run and its timing numbers stand; only the gaps need its validation loops
        held_out = EDITED_VALIDATION if isinstance(exc, DataChanged) else NO_VALIDATION
    key = generated_key(model, cfg, samples, seed, held_out if isinstance(held_out, str) else loops_digest(held_out))
    if kept is not None and (numbers := kept_numbers(kept, key)) is not None:
        return numbers
    numbers = _measured(model, cfg, samples, seed, held_out)
    if kept is not None:
        keep_numbers(kept, key, numbers)
    return numbers


def _measured(model: MelodyModel, cfg: MvaeConfig, samples: int, seed: int, held_out: LoopSet | str) -> dict[str, Any]:
    """:func:`generated_numbers` decoded and measured: ``held_out`` is the run's validation loops, or the word for why
    it has none."""
    from mvae_core.evaluation import generate_loops, loops_digest
    from mvae_core.pitch_structure import NO_GAP, LoopNotes, compare, no_gap

    loops = generate_loops(model, cfg, samples, seed)
    timing = timing_stats([note.timeshift for loop in loops for note in loop], samples)
    if isinstance(held_out, str):
        missing = {"missing": dict.fromkeys(PITCH_GAPS.values(), held_out), "validation_loops": None}
        return timing | dict.fromkeys(PITCH_GAPS.values()) | missing
    pitch = compare(LoopNotes.from_table(held_out.table, held_out.loops), LoopNotes.from_notes(loops),
                    cfg.data.pitch_low, seed)  # fmt: skip
    gaps = {key: pitch[feature]["gap_closed"] for feature, key in PITCH_GAPS.items()}
    missing = {key: NO_GAP for feature, key in PITCH_GAPS.items() if no_gap(pitch[feature])}
    return timing | gaps | {"missing": missing, "validation_loops": loops_digest(held_out)}
