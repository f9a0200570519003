"""The ablation's statistics over seeds, from its rows (one per run; only rows with status ``ok`` enter them):
per configuration an :class:`~mvae_core.ablation.stats.Estimate` of each metric and plugin number, and per reference
the paired differences *configuration − reference*, each with why the runs or pairs without a value lack it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from mvae_core.ablation.columns import (
    GOALS,
    METRICS,
    MODEL_SCALED,
    NOT_DEFINED,
    NOT_REPORTED,
    OTHER_LOOPS,
    OTHER_MODEL,
    UNREPORTED,
    VALIDATED,
    missing_word,
    plugin_columns,
)
from mvae_core.ablation.failures import ok
from mvae_core.ablation.findings import judgement
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.stats import Estimate, estimate, finite_values, paired_difference
from mvae_core.goals import better, deciding


def other_loops(run: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Whether two runs of one seed validated on other loops (their ``validation_loops`` digests, where both are
    known, differ)."""
    mine, theirs = run.get("validation_loops"), reference.get("validation_loops")
    return mine is not None and theirs is not None and mine != theirs


def ok_runs(rows: list[dict[str, Any]], config: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["config"] == config and ok(r)]


def _lacks(row: dict[str, Any], metric: str) -> bool:
    return not finite_values([row.get(metric)])


def _why(row: dict[str, Any], metric: str) -> str:
    """Why ``row`` has no value of ``metric``: the row's own word (``row["missing"]``, e.g. ``no gap`` for a pitch gap
    whose random notes already look like the data), else :func:`missing_word`."""
    return row.get("missing", {}).get(metric, missing_word(metric))


def per_config(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[dict[str, Any]]:
    """Per configuration: ``runs``, ``ok``, ``stops`` (a Counter of :func:`~.columns.stop_label`), an
    :class:`Estimate` per metric over its ok runs, and ``missing``: per metric, a Counter of why its ok runs without a value lack it."""
    table = []
    for c in configs:
        ok = ok_runs(rows, c.name)
        entry: dict[str, Any] = {"config": c.name, "runs": sum(r["config"] == c.name for r in rows), "ok": len(ok)}
        entry["stops"] = Counter(r["stopped_by"] for r in ok)
        entry |= {m: estimate(r[m] for r in ok) for m in METRICS}
        entry["missing"] = {m: Counter(_why(r, m) for r in ok if _lacks(r, m)) for m in METRICS}
        table.append(entry)
    return table


def _pairs(
    rows: list[dict[str, Any]], configs: list[Configuration], reference: str
) -> Iterator[tuple[str, dict[int, dict[str, Any]], dict[int, dict[str, Any]], list[int]]]:
    """How runs are paired against ``reference``: per configuration other than it, in plan order, its name, its ok
    runs and the reference's by seed, and the seeds where both are ok (sorted); nothing without a configuration named
    ``reference``."""
    if not any(c.name == reference for c in configs):
        return
    ref = {r["seed"]: r for r in ok_runs(rows, reference)}
    for c in configs:
        if c.name != reference:
            mine = {r["seed"]: r for r in ok_runs(rows, c.name)}
            yield c.name, mine, ref, sorted(set(mine) & set(ref))


def repeated(reference: str, references: Sequence[str], configs: list[Configuration]) -> set[str]:
    """The configurations whose pair with ``reference`` is paired against an earlier reference of ``references``
    already, sign-flipped: ``all`` against ``none`` is ``none`` against ``all``, which the table against ``all`` has
    given. The summaries show such a row, but neither bold it nor count it again (nor name it on the console)."""
    earlier = references[: references.index(reference)] if reference in references else ()
    return {c.name for c in configs if c.name in earlier and c.name != reference}


def paired(rows: list[dict[str, Any]], configs: list[Configuration], reference: str) -> list[dict[str, Any]]:
    """Per configuration other than ``reference``: an :class:`Estimate` per metric of the difference
    ``configuration − reference`` over the seeds where both runs are ok (``pairs`` of them), and ``missing``: per
    metric, a Counter of why the pairs without a difference lack it (:data:`OTHER_MODEL` for a metric of
    :data:`MODEL_SCALED` when the two runs' models differ; :data:`OTHER_LOOPS` for a metric of :data:`VALIDATED` when
    the two runs validated on other loops; else the configuration's run's reason, else the reference's);
    ``deciding``: per metric, the :class:`Estimate` of the difference that decides which run is better, over the same
    pairs (:func:`deciding_value`: for a metric best at a target, the change in distance from it, below 0 the
    configuration the nearer; else the same as the difference); ``excludes_zero``: per metric,
    :func:`~.findings.judgement` of that deciding difference (whether its 95 % interval excludes 0, bold in
    summary.md; ``None`` for the metrics not judged, :data:`~.findings.NOT_JUDGED`, and where there is no interval,
    fewer than 2 pairs); and ``better``: per metric, :func:`better_run`. ``[]`` without a configuration named
    ``reference`` or any other configuration."""
    result = []
    for name, mine, ref, both in _pairs(rows, configs, reference):
        entry: dict[str, Any] = {"config": name, "pairs": len(both), "missing": {}, "deciding": {}}
        other_model = {s for s in both if mine[s].get("model") != ref[s].get("model")}
        apart_loops = {s for s in both if other_loops(mine[s], ref[s])}
        for m in METRICS:
            by_model = other_model if m in MODEL_SCALED else set()
            by_loops = apart_loops - by_model if m in VALIDATED else set()
            kept = {s: r for s, r in mine.items() if s not in by_model | by_loops}
            entry[m] = paired_difference({s: r[m] for s, r in kept.items()}, {s: r[m] for s, r in ref.items()})
            entry["deciding"][m] = paired_difference(
                {s: deciding_value(r, m) for s, r in kept.items()}, {s: deciding_value(r, m) for s, r in ref.items()}
            )
            lacking = [
                mine[s] if _lacks(mine[s], m) else ref[s]
                for s in both
                if s in kept and (_lacks(mine[s], m) or _lacks(ref[s], m))
            ]
            words = [_why(r, m) for r in lacking] + [OTHER_MODEL] * len(by_model) + [OTHER_LOOPS] * len(by_loops)
            entry["missing"][m] = Counter(words)
        entry["excludes_zero"] = {m: judgement(m, entry["deciding"][m]) for m in METRICS}
        entry["better"] = {m: better_run(m, entry["deciding"][m]) for m in METRICS}
        result.append(entry)
    return result


def deciding_value(row: dict[str, Any], metric: str) -> float | None:
    """What of ``row``'s value of ``metric`` decides which of two runs is better (:func:`mvae_core.goals.deciding`
    by the metric's goal, :data:`~.columns.GOALS`, the rule of ``mvae evaluate --against``): its distance from 1 for
    the gaps closed and the spread ratio, from the data's own value (the row's ``data_own``) for the generated
    columns; the value itself for the others. ``None`` where the row has no value, or the target is not known."""
    value = row[metric]
    if not finite_values([value]):
        return None
    return deciding(value, GOALS[metric], row.get("data_own", {}).get(metric))


BETTER = {"a": "configuration", "b": "reference", "neither": "neither", None: None}
""":func:`better_run`'s words for :func:`mvae_core.goals.better`'s (A: the configuration, B: the reference)."""


def better_run(metric: str, e: Estimate) -> str | None:
    """Which run of a pair is better on ``metric`` by the seeds, from ``e``, its paired deciding difference
    (configuration − reference): ``"configuration"`` or ``"reference"`` where its 95 % interval excludes 0 and the
    metric has a goal (:data:`~.columns.GOALS`), ``"neither"`` where the interval holds 0; ``None`` where it has no
    goal (only whether the runs differ is said), is not judged (:data:`~.findings.NOT_JUDGED`) or has no interval."""
    judged = judgement(metric, e) is not None  # and so e has an interval
    return BETTER[better((e.low, e.high) if judged else None, GOALS[metric])]


def _numbers(row: dict[str, Any]) -> dict[str, float | None]:
    """The row's plugin numbers by column (``val.<term>``, ``plugins.<plugin>.<key>``)."""
    return row.get("plugin_numbers", {})


def paired_plugin_numbers(
    rows: list[dict[str, Any]], configs: list[Configuration], reference: str
) -> list[dict[str, Any]]:
    """The plugins' numbers (:func:`plugin_columns`) paired as :func:`paired` pairs the metrics: per configuration
    other than ``reference``, ``config``, ``pairs`` (the seeds where both runs are ok) and ``numbers``: per column
    that some ok run of the two configurations reports, an :class:`Estimate` of *configuration − reference* over the
    pairs where both runs report a finite value; and ``missing``: per column, a Counter of why the other pairs have
    none: :data:`NOT_REPORTED` naming the configuration whose run lacks it (the configuration's first),
    :data:`OTHER_LOOPS` when the two runs validated on other loops (a plugin's numbers are measured on the run's data,
    as free bits' on its validation batches), else :func:`missing_word` (a number recorded as null, NaN or inf);
    and ``excludes_zero``: per column, :func:`~.findings.judgement` (bold in summary.md). ``[]`` as :func:`paired`."""
    result = []
    for name, mine, ref, both in _pairs(rows, configs, reference):
        entry: dict[str, Any] = {"config": name, "pairs": len(both), "numbers": {}, "missing": {}}
        for column in plugin_columns([*mine.values(), *ref.values()]):
            why: Counter[str] = Counter()
            kept = []
            for s in both:
                lacking = [n for n, r in ((name, mine[s]), (reference, ref[s])) if column not in _numbers(r)]
                if lacking:
                    why[NOT_REPORTED.format(config=lacking[0])] += 1
                elif other_loops(mine[s], ref[s]):
                    why[OTHER_LOOPS] += 1
                elif len(finite_values([_numbers(mine[s])[column], _numbers(ref[s])[column]])) < 2:
                    why[missing_word(column)] += 1
                else:
                    kept.append(s)
            entry["numbers"][column] = paired_difference(
                {s: _numbers(mine[s])[column] for s in kept}, {s: _numbers(ref[s])[column] for s in kept}
            )
            entry["missing"][column] = why
        entry["excludes_zero"] = {column: judgement(column, e) for column, e in entry["numbers"].items()}
        result.append(entry)
    return result


def reported(values: list[float | None], ok: int) -> tuple[Estimate, Counter[str]]:
    """The :class:`Estimate` of a plugin's number over the ``values`` a configuration's ``ok`` runs report
    (:func:`plugin_values`), and why the others have none: ``n/a`` (recorded as null, NaN or inf),
    :data:`UNREPORTED` (the run does not report it)."""
    e = estimate(values)
    return e, +Counter({NOT_DEFINED: len(values) - e.n, UNREPORTED: ok - len(values)})


def plugin_values(rows: list[dict[str, Any]], config: str) -> dict[str, list[Any]]:
    """Per column of :func:`plugin_columns`: its values in ``config``'s ok runs that have it (``[]`` where none has
    it: the plugin is not in the configuration)."""
    ok = ok_runs(rows, config)
    return {
        column: [r["plugin_numbers"][column] for r in ok if column in r.get("plugin_numbers", {})]
        for column in plugin_columns(rows)
    }


def warnings_by_config(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[tuple[str, str, str]]:
    """``(configuration, warning, seeds)`` for every distinct warning of a configuration's runs, mvae's own and the
    plugins' (a warning such as "kl_anneal: the run ends before the schedule does", or "core: validation is 32 loops
    from 1 file", changes what a row means)."""
    result = []
    for c in configs:
        seeds: dict[str, list[str]] = {}
        for r in rows:
            if r["config"] == c.name:
                for warning in r["warnings"]:
                    seeds.setdefault(warning, []).append(str(r["seed"]))
        result += [(c.name, warning, ", ".join(found)) for warning, found in seeds.items()]
    return result
