"""``summary.json``: summary.md's numbers as plain data, unrounded, for scripts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mvae_core.ablation.columns import DIRECTIONS, GOALS, METRICS, RUN_STATE, UNITS
from mvae_core.ablation.estimates import paired, paired_plugin_numbers, per_config, plugin_values, repeated, reported
from mvae_core.ablation.failures import RunCounts, failed, not_started, ok
from mvae_core.ablation.findings import NOT_JUDGED, NOT_JUDGED_WHY
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.plugin_tables import model_columns
from mvae_core.ablation.stats import Estimate


def statistics(rows: list[dict[str, Any]], configs: list[Configuration], references: tuple[str, ...]) -> dict[str, Any]:
    """The numbers of summary.md's tables as plain data (``summary.json``), unrounded, for scripts: per configuration
    (``configurations``: ``config``, ``plugins``, ``overrides``, ``runs``, ``ok``, ``stops`` and per metric of
    :data:`METRICS` its :func:`_estimate_json`; the same of each column of :func:`plugin_values` its ok runs have,
    over the runs that have it, apart as summary.md shows them (:func:`_apart`): ``model_terms``, the loss terms the
    runs' model adds, and ``plugin_numbers``, the plugins'), and per reference (``paired``) each other
    configuration's ``pairs``, ``repeats`` (whether its pair is one an earlier reference's has, sign-flipped:
    :func:`~.estimates.repeated`, neither bold nor counted again in summary.md) and per metric the estimate of
    *configuration − reference* with ``deciding`` (the estimate of the difference that decides which run is better,
    by the metric's goal, which ``goals`` names: :func:`~.estimates.paired`), ``excludes_zero`` (of the deciding
    difference's interval: bold in summary.md; ``None`` for the metrics of :data:`NOT_JUDGED`, which ``not_judged``
    names with why, and for a difference without an interval, fewer than 2 pairs) and ``better``
    (``configuration``, ``reference``, ``neither`` or ``None``: :func:`~.estimates.better_run`), and its
    ``model_terms`` and ``plugin_numbers`` the same but for ``deciding`` and ``better`` (a plugin's number has no
    goal here);
    each configuration's ``warnings`` (mvae's and the plugins') with their seeds, the ``counts`` of runs ok, failed
    and not started (:meth:`~.failures.RunCounts.as_json`), and the runs themselves, ``ok``, ``failed`` and
    ``not_started`` apart as those counts are (summary.md lists the last two), each with :data:`RUN_STATE`
    (:func:`_run_state`): what this command did (``action``), how it was produced, its exit code, and for those not
    ok why as a word and as the error. A value without a number is ``None``; ``missing`` counts the runs (or pairs)
    without one by why."""
    by_name = {c.name: c for c in configs}
    model = set(model_columns(rows))

    def configuration(e: dict[str, Any]) -> dict[str, Any]:
        arm = by_name[e["config"]]
        about = {"config": arm.name, "plugins": list(arm.plugins), "overrides": list(arm.overrides)}
        counts = {"runs": e["runs"], "ok": e["ok"], "stops": dict(e["stops"])}
        seeds: dict[str, list[int]] = {}
        for r in rows:
            for warning in r["warnings"] if r["config"] == arm.name else ():
                seeds.setdefault(warning, []).append(r["seed"])
        said = [{"warning": warning, "seeds": found} for warning, found in seeds.items()]
        metrics = {m: _estimate_json(e[m], e["missing"][m]) for m in METRICS}
        numbers = {
            column: _estimate_json(*reported(values, e["ok"]))
            for column, values in plugin_values(rows, arm.name).items()
            if values
        }
        return about | counts | {"metrics": metrics, **_apart(numbers, model), "warnings": said}

    def difference(d: dict[str, Any], numbers: dict[str, Any], again: set[str]) -> dict[str, Any]:
        metrics = {
            m: _difference_json(d[m], d["missing"][m], d["excludes_zero"][m])
            | {"deciding": _estimate(d["deciding"][m]), "better": d["better"][m]}
            for m in METRICS
        }
        differences = {
            column: _difference_json(e, numbers["missing"][column], numbers["excludes_zero"][column])
            for column, e in numbers["numbers"].items()
        }
        pair = {"config": d["config"], "pairs": d["pairs"], "repeats": d["config"] in again}
        return pair | {"metrics": metrics, **_apart(differences, model)}

    return {
        "interval": "95 % Student-t over seeds: mean ± t(0.975, n − 1) · std / √n, std the sample std (n − 1)",
        "directions": {m: meaning for metrics, meaning in DIRECTIONS for m in metrics},
        "goals": dict(GOALS),
        "units": dict(UNITS),
        "not_judged": {"metrics": list(NOT_JUDGED), "why": NOT_JUDGED_WHY},
        "configurations": [configuration(e) for e in per_config(rows, configs)],
        "paired": {
            reference: [
                difference(d, numbers, repeated(reference, references, configs))
                for d, numbers in zip(
                    paired(rows, configs, reference), paired_plugin_numbers(rows, configs, reference), strict=True
                )
            ]
            for reference in references
            if reference in by_name
        },
        "counts": RunCounts.of(rows).as_json(),
        "ok": [_run_state(r) for r in rows if ok(r)],
        "failed": [_run_state(r) for r in rows if failed(r)],
        "not_started": [_run_state(r) for r in rows if not_started(r)],
    }


def _apart(numbers: dict[str, Any], model: set[str]) -> dict[str, dict[str, Any]]:
    """The cells ``numbers`` (column of :func:`~.columns.plugin_columns` → its cell) as summary.md shows them, apart:
    ``model_terms``, those of the columns in ``model`` (:func:`~.plugin_tables.model_columns`: loss terms the runs'
    model adds, ``val.bag`` where ``model.melody_rnn.bag_weight`` > 0), and ``plugin_numbers``, the others (the
    plugins': :func:`~.plugin_tables.plugins_columns`)."""
    return {
        "model_terms": {column: cell for column, cell in numbers.items() if column in model},
        "plugin_numbers": {column: cell for column, cell in numbers.items() if column not in model},
    }


def _run_state(row: dict[str, Any]) -> dict[str, Any]:
    """A run of :func:`statistics`'s ``ok``, ``failed`` or ``not_started``: its cells of summary.csv that say what it
    is and how it ended (:data:`RUN_STATE`; ``None`` for a key the row lacks, as summary.csv leaves its cell empty)."""
    return {key: row.get(key) for key in RUN_STATE}


def _estimate(e: Estimate) -> dict[str, Any]:
    """``n``, ``mean``, ``std``, ``low``, ``high`` of ``e`` (``None`` where undefined: std and interval need two
    values)."""
    return {"n": e.n, "mean": e.mean, "std": e.std, "low": e.low, "high": e.high}


def _estimate_json(e: Estimate, missing: Counter[str]) -> dict[str, Any]:
    """One cell of :func:`statistics`: :func:`_estimate` and ``missing`` (why → how many lack a value)."""
    return _estimate(e) | {"missing": dict(missing)}


def _difference_json(e: Estimate, missing: Counter[str], excludes_zero: bool | None) -> dict[str, Any]:
    """A paired difference's cell: :func:`_estimate_json` and its ``excludes_zero`` (:func:`~.estimates.paired`'s,
    from :func:`~.findings.judgement`: ``None`` for a metric of :data:`NOT_JUDGED`, never bold in summary.md, and for
    a difference without an interval)."""
    return _estimate_json(e, missing) | {"excludes_zero": excludes_zero}
