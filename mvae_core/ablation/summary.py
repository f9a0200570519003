"""The ablation's tables: one row per run (``summary.csv``), and per configuration the statistics over seeds and
the paired differences against ``all`` and ``none`` (``summary.md`` and the console table).

A row is a dict with the keys of :data:`COLUMNS`. Only rows with status ``ok`` enter the statistics; the others
are listed with their last error line.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table

from mvae_core.ablation.plan import REFERENCES, Configuration
from mvae_core.ablation.stats import Estimate, estimate, finite_values, paired_difference
from mvae_core.pitch_structure import NO_GAP, NO_GAP_MEANS
from mvae_core.report import TIMING_UNIT

METRICS: dict[str, str] = {
    "epochs_run": "epochs",
    "best_val_elbo": "best val_elbo",
    "onset_f1": "onset_f1",
    "timing_spread_ratio": "timing_spread_ratio",
    "active_units": "active_units",
    "gen_timing_std": "gen. timing std",
    "gen_within_0_05": "gen. within ±0.05",
    "gen_notes_per_loop": "gen. notes/loop",
    "in_key_gap": "in-key gap closed",
    "interval_gap": "interval gap closed",
    "stepwise_gap": "stepwise gap closed",
    "entropy_gap": "pc-entropy gap closed",
    "seconds": "seconds",
    "cpu_seconds": "CPU seconds",
}
"""The numbers compared across configurations (row key → column title); onset_f1, timing_spread_ratio and
active_units are the last epoch's; the gaps closed are those of mvae_core.pitch_structure against the run's
validation loops; seconds is wall-clock time (it grows with the machine's load), CPU seconds the training process's
CPU time (all threads), which depends on the load less than wall-clock time but still does: OpenMP threads that
spin-wait for a busy core count as CPU time (docs/ablation.md#summarycsv)."""
CONSOLE_METRICS = {  # row key → a short title, on lines no wider than the column's numbers
    "epochs_run": "epochs",
    "best_val_elbo": "val_elbo",
    "timing_spread_ratio": "spread\nratio",
    "gen_timing_std": "gen.\ntiming\nstd",
    "cpu_seconds": "CPU s",
}
DIRECTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("best_val_elbo",), "lower is better (a loss)"),
    (("onset_f1",), "higher is better"),
    (("timing_spread_ratio",), "1 is the validation notes' own timing spread, below 1 a timing collapsing to the grid"),
    (("active_units",), "more is more of the latent in use, of model.latent_dim"),
    (
        ("gen_timing_std", "gen_within_0_05", "gen_notes_per_loop"),
        "closest to the data's own is best (summary.md's header and summary.json's data_own give them)",
    ),
    (
        ("in_key_gap", "interval_gap", "stepwise_gap", "entropy_gap"),
        "1 is like the validation loops, 0 no better than random notes in their key, above 1 past them",
    ),
    (("epochs_run", "seconds", "cpu_seconds"), "fewer is cheaper"),
)
"""Which way each metric of :data:`METRICS` is better (metrics → what their values mean), as summary.md says it under
its per-configuration table."""
GAP_UNIT = "share of the gap closed"
UNITS: dict[str, str] = {
    "epochs_run": "epochs",
    "best_val_elbo": "a loss per validation loop, summed over its steps or cells",
    "onset_f1": "F1 score, 0 to 1",
    "timing_spread_ratio": "reconstructed ÷ true timing std",
    "active_units": "latent dimensions",
    "gen_timing_std": TIMING_UNIT,
    "gen_within_0_05": "share of notes, 0 to 1",
    "gen_notes_per_loop": "notes per loop",
    "in_key_gap": GAP_UNIT,
    "interval_gap": GAP_UNIT,
    "stepwise_gap": GAP_UNIT,
    "entropy_gap": GAP_UNIT,
    "seconds": "s, wall-clock",
    "cpu_seconds": "s, CPU time",
}
"""The unit of each metric of :data:`METRICS` (and of its paired differences), as summary.md, summary.json and the
figure say it."""
MODEL_EPOCHS = (
    "onset_f1, timing_spread_ratio and active_units are each run's last epoch's (metrics.jsonl); the gen. and gap "
    "columns are measured on its best model (model.safetensors, the lowest val_elbo, best_epoch in summary.csv), "
    "which early stopping can have reached many epochs before the last."
)
"""Which model each column describes: a run's columns come from two epochs when its last epoch was not its best."""
MODEL_SCALED = ("best_val_elbo",)
"""Metrics that measure a different quantity in each model, so no paired difference is taken between runs whose
``model`` cells differ (:data:`OTHER_MODEL` in its place): ``val_elbo``'s onset term is one token's cross-entropy
per step in ``melody_rnn`` and a binary cross-entropy per pitch × step cell in ``seed``, and its timing term a
cross-entropy over the timing bins or (the ``mse`` head) a squared error (docs/ablation.md)."""
OTHER_MODEL = "other model"
OTHER_MODEL_NOTE = (
    " `other model`: the two runs have different models (or timing heads), whose val_elbo measures a different"
    " quantity; compare them on onset_f1, the generated timing and the pitch gaps."
)
VALIDATED = ("best_val_elbo", "onset_f1", "timing_spread_ratio", "active_units", "in_key_gap", "interval_gap",
             "stepwise_gap", "entropy_gap")  # fmt: skip
"""Metrics measured on a run's validation loops, so no paired difference is taken between two runs that validated on
other loops (:data:`OTHER_LOOPS` in its place): a configuration with other ``[data]`` settings that shape the loops
(``data.min_onsets``, the pitch range, …) can split and read the same files into other validation loops, and a
difference would then mix the fix's effect with the data's. Transpositions only augment the training side."""
NOT_JUDGED = ("seconds", "cpu_seconds")
"""Metrics whose paired differences are shown but not judged: never bold in summary.md, not counted among the
intervals that exclude 0 nor named on the console, ``excludes_zero`` null in summary.json. Wall-clock and CPU time
grow with the machine's load (the ablation's other runs share its cores), so an interval that excludes 0 can be the
load's doing, not the configuration's (:data:`NOT_JUDGED_WHY`)."""
NOT_JUDGED_WHY = (
    "they grow with the machine's load (the ablation's other runs share its cores), so an interval of theirs that "
    "excludes 0 can be the load's doing, not the configuration's"
)
NOT_JUDGED_NOTE = (
    f" The {' and '.join(METRICS[m] for m in NOT_JUDGED)} columns are shown but not judged (never bold, not counted): "
    f"{NOT_JUDGED_WHY}."
)
OTHER_LOOPS = "other validation loops"
OTHER_LOOPS_NOTE = (
    " `other validation loops`: the two runs validated on other loops (another [data] setting read the files into"
    " other loops or another split), so their validation numbers are not paired."
)


def other_loops(run: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Whether two runs of one seed validated on other loops (their ``validation_loops`` digests, where both are
    known, differ)."""
    mine, theirs = run.get("validation_loops"), reference.get("validation_loops")
    return mine is not None and theirs is not None and mine != theirs


NOT_DEFINED = "n/a"
"""The word for a missing value that no other word explains (a number not defined for the run, or recorded as null,
NaN or inf)."""
MISSING_WORDS = {"timing_spread_ratio": "quantized"}
"""What a missing value of a metric means where a word says more than ``n/a``: the spread ratio is left out when the
validation notes have (almost) no timing spread (quantized data, :func:`mvae_core.report.spread_ratio`), as on the
training console."""
COLUMNS = [
    *("config", "seed", "run", "model", "status", "action", "produced", "exit_code", "error", "stopped_by"),
    *("stop_reason", "warnings", "best_epoch"),
    *METRICS,
]
NOT_RECORDED = "before this folder's summary"
MAX_EPOCHS = "max epochs"
CUT_SHORT = "cut short"
"""What ended a run that has fewer epochs than its own ``train.epochs`` and no plugin's stop: it was stopped (Ctrl-C,
a failure) and an ablation with a smaller ``--epochs`` counts it as finished."""


def stop_label(reasons: list[str] | tuple[str, ...], cut_short: bool = False) -> str:
    """What ended a run: the plugins that stopped it (``"early_stopping"``), else :data:`CUT_SHORT` when it ended
    before its epoch budget (``cut_short``), else ``"max epochs"``."""
    return ", ".join(r.split(":", 1)[0] for r in reasons) or (CUT_SHORT if cut_short else MAX_EPOCHS)


def plugin_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns plugins add (``val.<term>``, ``plugins.<plugin>.<key>``: each row's ``plugin_numbers``), sorted:
    those of every run, so a configuration without the plugin has them empty."""
    return sorted({column for row in rows for column in row.get("plugin_numbers", {})})


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """One line per run, the columns of :data:`COLUMNS` then :func:`plugin_columns`; a missing value is an empty
    cell."""
    extra = plugin_columns(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, *extra])
        writer.writeheader()
        writer.writerows(
            {k: _csv_cell(row.get(k)) for k in COLUMNS}
            | {k: _csv_cell(row.get("plugin_numbers", {}).get(k)) for k in extra}
            for row in rows
        )


def _csv_cell(value: Any) -> Any:
    """A missing value is an empty cell; a list (the warnings) is one cell, one item per line (a warning is one line,
    but may itself hold ``; ``, so no other separator splits them back)."""
    if value is None:
        return ""
    return "\n".join(map(str, value)) if isinstance(value, list) else value


def produced_before(path: Path) -> dict[str, str]:
    """Run → how it was produced (``new`` / ``resumed``) from a previous ``summary.csv`` at ``path`` (empty when
    there is none or it predates the column), so a re-run that skips a run keeps that fact."""
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["run"]: row["produced"] for row in csv.DictReader(handle) if row.get("produced")}


def _ok(rows: list[dict[str, Any]], config: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["config"] == config and r["status"] == "ok"]


def _lacks(row: dict[str, Any], metric: str) -> bool:
    return not finite_values([row.get(metric)])


def _why(row: dict[str, Any], metric: str) -> str:
    """Why ``row`` has no value of ``metric``: the row's own word (``row["missing"]``, e.g. ``no gap`` for a pitch gap
    whose random notes already look like the data), else :func:`missing_word`."""
    return row.get("missing", {}).get(metric, missing_word(metric))


def per_config(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[dict[str, Any]]:
    """Per configuration: ``runs``, ``ok``, ``stops`` (a Counter of :func:`stop_label`), an :class:`Estimate` per
    metric over its ok runs, and ``missing``: per metric, a Counter of why its ok runs without a value lack it."""
    table = []
    for c in configs:
        ok = _ok(rows, c.name)
        entry: dict[str, Any] = {"config": c.name, "runs": sum(r["config"] == c.name for r in rows), "ok": len(ok)}
        entry["stops"] = Counter(r["stopped_by"] for r in ok)
        entry |= {m: estimate(r[m] for r in ok) for m in METRICS}
        entry["missing"] = {m: Counter(_why(r, m) for r in ok if _lacks(r, m)) for m in METRICS}
        table.append(entry)
    return table


def paired(rows: list[dict[str, Any]], configs: list[Configuration], reference: str) -> list[dict[str, Any]]:
    """Per configuration other than ``reference``: an :class:`Estimate` per metric of the difference
    ``configuration − reference`` over the seeds where both runs are ok (``pairs`` of them), and ``missing``: per
    metric, a Counter of why the pairs without a difference lack it (:data:`OTHER_MODEL` for a metric of
    :data:`MODEL_SCALED` when the two runs' models differ; :data:`OTHER_LOOPS` for a metric of :data:`VALIDATED` when
    the two runs validated on other loops; else the configuration's run's reason, else the reference's); ``[]``
    without a configuration named ``reference`` or any other configuration."""
    if not any(c.name == reference for c in configs):
        return []
    ref = {r["seed"]: r for r in _ok(rows, reference)}
    result = []
    for c in configs:
        if c.name == reference:
            continue
        mine = {r["seed"]: r for r in _ok(rows, c.name)}
        entry: dict[str, Any] = {"config": c.name, "pairs": len(set(mine) & set(ref))}
        both = sorted(set(mine) & set(ref))
        other_model = {s for s in both if mine[s].get("model") != ref[s].get("model")}
        apart_loops = {s for s in both if other_loops(mine[s], ref[s])}
        entry["missing"] = {}
        for m in METRICS:
            by_model = other_model if m in MODEL_SCALED else set()
            by_loops = apart_loops - by_model if m in VALIDATED else set()
            apart = by_model | by_loops
            entry[m] = paired_difference(
                {s: r[m] for s, r in mine.items() if s not in apart}, {s: r[m] for s, r in ref.items()}
            )
            lacking = [
                mine[s] if _lacks(mine[s], m) else ref[s]
                for s in both
                if s not in apart and (_lacks(mine[s], m) or _lacks(ref[s], m))
            ]
            words = [_why(r, m) for r in lacking] + [OTHER_MODEL] * len(by_model) + [OTHER_LOOPS] * len(by_loops)
            entry["missing"][m] = Counter(words)
        result.append(entry)
    return result


UNREPORTED = "not reported"
"""Why an ok run of a configuration whose other runs report a plugin's number has none: its plugin did not record
that number in the run's last epoch."""
NOT_REPORTED = UNREPORTED + " by {config}"
"""Why a pair has no difference of a plugin's number: the run of ``config`` (the configuration's, else the
reference's) does not report it: its plugin is not enabled there, or did not record that number in the run's last
epoch."""


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
    as free bits' on its validation batches), else :func:`missing_word` (a number recorded as null, NaN or inf).
    ``[]`` as :func:`paired`."""
    if not any(c.name == reference for c in configs):
        return []
    ref = {r["seed"]: r for r in _ok(rows, reference)}
    result = []
    for c in configs:
        if c.name == reference:
            continue
        mine = {r["seed"]: r for r in _ok(rows, c.name)}
        both = sorted(set(mine) & set(ref))
        entry: dict[str, Any] = {"config": c.name, "pairs": len(both), "numbers": {}, "missing": {}}
        for column in plugin_columns([*mine.values(), *ref.values()]):
            why: Counter[str] = Counter()
            kept = []
            for s in both:
                lacking = [name for name, r in ((c.name, mine[s]), (reference, ref[s])) if column not in _numbers(r)]
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
        result.append(entry)
    return result


def excludes_zero(e: Estimate) -> bool:
    """Whether the 95 % interval of ``e`` (two values or more) lies wholly above or below 0: a difference the seeds
    agree on beyond their own spread."""
    return e.low is not None and e.high is not None and (e.low > 0 or e.high < 0)


def units() -> str:
    """summary.md's line giving each column's unit (:data:`UNITS`)."""
    return "Units: " + "; ".join(f"{METRICS[m]}: {unit}" for m, unit in UNITS.items()) + "."


def directions() -> str:
    """summary.md's line saying which way each column is better (:data:`DIRECTIONS`)."""
    said = "; ".join(f"{', '.join(METRICS[m] for m in metrics)}: {meaning}" for metrics, meaning in DIRECTIONS)
    return f"Which way is better: {said}."


def number(value: float | None, signed: bool = False, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits (``+`` shown when ``signed``), a whole number from ``10**digits``
    on (``12346``, not ``1.235e+04``); ``–`` for ``None``."""
    if value is None:
        return "–"
    sign = "+" if signed else ""
    return f"{value:{sign}.0f}" if abs(value) >= 10**digits else f"{value:{sign}.{digits}g}"


def cell(e: Estimate, signed: bool = False, stacked: bool = False, digits: int = 4) -> str:
    """``mean ± std [low, high]``, the mean to ``digits`` significant digits and the std to 2; ``stacked`` (the
    console): ``mean`` and ``± std`` on two lines, without the interval. Only the mean for one value, ``–`` for
    none."""
    if e.n < 2:
        return number(e.mean, signed, digits)
    mean, spread = number(e.mean, signed, digits), f"± {number(e.std, digits=2)}"
    return f"{mean}\n{spread}" if stacked else f"{mean} {spread} [{number(e.low, signed)}, {number(e.high, signed)}]"


def missing_word(metric: str) -> str:
    """What a run's missing value of ``metric`` means: :data:`MISSING_WORDS`, else :data:`NOT_DEFINED`."""
    return MISSING_WORDS.get(metric, NOT_DEFINED)


def metric_cell(
    e: Estimate,
    ok: int,
    metric: str,
    stacked: bool = False,
    digits: int = 4,
    signed: bool = False,
    reasons: Counter[str] | None = None,
    marked: bool = False,
) -> str:
    """:func:`cell` of ``ok`` values expected (a configuration's ok runs, or the pairs of a paired difference),
    followed by how many of them have no value and why (``0.93 ± 0.02; 1 quantized``): ``reasons`` counts the words
    (:func:`per_config`'s ``missing``; without it, :func:`missing_word` for each); ``stacked``: on a line of its own.
    Only the word when none has a value (``2 no gap, 1 n/a`` when they differ), ``–`` when none was expected.
    ``marked``: the statistics in bold (Markdown ``**``) when their interval excludes 0 (:func:`excludes_zero`)."""
    reasons = reasons if reasons else Counter({missing_word(metric): ok - e.n})
    if e.n == 0:
        return (next(iter(reasons)) if len(reasons) == 1 else _counted(reasons)) if ok else "–"
    shown = cell(e, signed=signed, stacked=stacked, digits=digits)
    shown = f"**{shown}**" if marked and excludes_zero(e) else shown
    return shown if e.n == ok else shown + ("\n" if stacked else "; ") + _counted(reasons)


def _counted(reasons: Counter[str]) -> str:
    """``1 no gap, 2 n/a``: each reason with how many values it took."""
    return ", ".join(f"{n} {word}" for word, n in reasons.most_common())


def _stops(counter: Counter[str], sep: str = ", ") -> str:
    """``early_stopping ×2, max epochs ×1``: each :func:`stop_label` with its count, joined by ``sep``."""
    return sep.join(f"{label} ×{n}" for label, n in counter.most_common()) or "–"


def _md_table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]


def markdown(
    rows: list[dict[str, Any]],
    configs: list[Configuration],
    about: list[str],
    references: tuple[str, ...] = REFERENCES,
) -> str:
    """``summary.md``: ``about`` (lines describing the command), the configurations, the statistics per
    configuration, the paired differences against each of ``references`` (``all`` and ``none`` unless a configs file
    names others), and the runs that failed."""
    lines = ["# Ablation summary", "", *about, ""]
    lines += ["## Configurations", ""]
    lines += _md_table(
        ["configuration", "plugins", "overrides"],
        [[c.name, ", ".join(c.plugins) or "none", " ".join(f"`{o}`" for o in c.overrides) or "–"] for c in configs],
    )
    lines += ["", "## Per configuration", ""]
    lines += [
        "Mean ± sample std [95 % t-interval] over the seeds whose run is ok; `; 1 n/a` counts the runs without a "
        "value (the metric is not defined for them; `quantized`: their validation notes have (almost) no timing spread; "
        f"`{NO_GAP}`: {NO_GAP_MEANS}: docs/evaluation.md#pitch).",
        "",
        f"{MODEL_EPOCHS}",
        "",
        directions(),
        "",
        units(),
        "",
    ]
    header = ["configuration", "ok / runs", "stopped by", *METRICS.values()]
    body = [
        [
            e["config"],
            f"{e['ok']} / {e['runs']}",
            _stops(e["stops"]),
            *(metric_cell(e[m], e["ok"], m, reasons=e["missing"][m]) for m in METRICS),
        ]
        for e in per_config(rows, configs)
    ]
    lines += _md_table(header, body)
    lines += [
        "",
        "seconds is wall-clock time, which grows when other runs share the machine; CPU seconds is the training "
        "process's CPU time (all its threads). It depends on the load less, but it is not free of it: threads that "
        "spin-wait for a busy core count as CPU time, so compare runs trained under similar load. For the same reason "
        "their paired differences below are shown but not judged: never bold, and not counted.",
    ]
    lines += ["", "## Plugins' numbers", "", *_plugin_numbers(rows, configs)]
    lines += ["", "## Plugin warnings", ""]
    warned = warnings_by_config(rows, configs)
    if warned:
        lines += _md_table(["configuration", "warning", "seeds"], [[c, w, seeds] for c, w, seeds in warned])
    else:
        lines.append("None.")
    for reference in references:
        diffs = paired(rows, configs, reference)
        lines += ["", f"## Paired differences against `{reference}`", ""]
        if not diffs:
            lines.append(_no_pairs(reference, configs))
            continue
        lines += [
            f"Configuration − `{reference}`, run by run with the same seed, in each column's unit (above): below 0, the "
            f"configuration's value is the lower (for best val_elbo, the better: Which way is better, above); mean ± "
            "std [95 % t-interval] over the seeds where both runs are ok (pairs = their number); `; 1 n/a` counts the "
            "pairs where either run has no value."
            + (OTHER_MODEL_NOTE if any(OTHER_MODEL in d["missing"][m] for d in diffs for m in MODEL_SCALED) else "")
            + (OTHER_LOOPS_NOTE if any(OTHER_LOOPS in d["missing"][m] for d in diffs for m in VALIDATED) else "")
            + " "
            + _distinguished(_metric_differences(diffs), diffs, rows)
            + NOT_JUDGED_NOTE,
            "",
        ]
        body = [
            [
                d["config"],
                str(d["pairs"]),
                *(
                    metric_cell(d[m], d["pairs"], m, signed=True, reasons=d["missing"][m], marked=m not in NOT_JUDGED)
                    for m in METRICS
                ),
            ]
            for d in diffs
        ]
        lines += _md_table(["configuration", "pairs", *METRICS.values()], body)
        lines += _paired_plugin_table(rows, configs, reference)
    failed = [r for r in rows if r["status"] != "ok"]
    lines += ["", "## Failed runs", ""]
    if failed:
        body = [
            [r["run"], r["status"], str(r["exit_code"] if r["exit_code"] is not None else "–"), r["error"]]
            for r in failed
        ]
        lines += _md_table(["run", "status", "exit code", "last error line"], body)
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _no_pairs(reference: str, configs: list[Configuration]) -> str:
    """What summary.md says in place of the paired differences against ``reference`` when it has none: no
    configuration has that name, or it is the only configuration."""
    if any(c.name == reference for c in configs):
        return f"`{reference}` is the only configuration: there is nothing to pair with it."
    return (
        f"No configuration is named `{reference}`: name one so, or list the configurations to pair against as a "
        "`--configs` file's `references` (docs/ablation.md#the---configs-file)."
    )


def statistics(rows: list[dict[str, Any]], configs: list[Configuration], references: tuple[str, ...]) -> dict[str, Any]:
    """The numbers of summary.md's tables as plain data (``summary.json``), unrounded, for scripts: per configuration
    (``configurations``: ``config``, ``plugins``, ``overrides``, ``runs``, ``ok``, ``stops`` and per metric of
    :data:`METRICS` its :func:`_estimate_json`; ``plugin_numbers``: the same of each plugin column its ok runs have,
    :func:`plugin_values`, over the runs that have it), and per reference (``paired``) each other configuration's
    ``pairs`` and per metric the estimate of *configuration − reference* with ``excludes_zero`` (bold in summary.md;
    ``None`` for the metrics of :data:`NOT_JUDGED`, which ``not_judged`` names with why);
    each configuration's plugin ``warnings`` with their seeds, and the ``failed`` runs with their error. A value
    without a number is ``None``; ``missing`` counts the runs (or pairs) without one by why."""
    by_name = {c.name: c for c in configs}

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
        plugins = {
            column: _estimate_json(*reported(values, e["ok"]))
            for column, values in plugin_values(rows, arm.name).items()
            if values
        }
        return about | counts | {"metrics": metrics, "plugin_numbers": plugins, "warnings": said}

    def difference(d: dict[str, Any], numbers: dict[str, Any]) -> dict[str, Any]:
        metrics = {m: _estimate_json(d[m], d["missing"][m], paired=True, judged=m not in NOT_JUDGED) for m in METRICS}
        plugins = {
            column: _estimate_json(e, numbers["missing"][column], paired=True)
            for column, e in numbers["numbers"].items()
        }
        return {"config": d["config"], "pairs": d["pairs"], "metrics": metrics, "plugin_numbers": plugins}

    return {
        "interval": "95 % Student-t over seeds: mean ± t(0.975, n − 1) · std / √n, std the sample std (n − 1)",
        "directions": {m: meaning for metrics, meaning in DIRECTIONS for m in metrics},
        "units": dict(UNITS),
        "not_judged": {"metrics": list(NOT_JUDGED), "why": NOT_JUDGED_WHY},
        "configurations": [configuration(e) for e in per_config(rows, configs)],
        "paired": {
            reference: [
                difference(d, numbers)
                for d, numbers in zip(
                    paired(rows, configs, reference), paired_plugin_numbers(rows, configs, reference), strict=True
                )
            ]
            for reference in references
            if reference in by_name
        },
        "failed": [
            {key: r[key] for key in ("config", "seed", "run", "status", "exit_code", "error")}
            for r in rows
            if r["status"] != "ok"
        ],
    }


def reported(values: list[float | None], ok: int) -> tuple[Estimate, Counter[str]]:
    """The :class:`Estimate` of a plugin's number over the ``values`` a configuration's ``ok`` runs report
    (:func:`plugin_values`), and why the others have none: ``n/a`` (recorded as null, NaN or inf),
    :data:`UNREPORTED` (the run does not report it)."""
    e = estimate(values)
    return e, +Counter({NOT_DEFINED: len(values) - e.n, UNREPORTED: ok - len(values)})


def _estimate_json(e: Estimate, missing: Counter[str], paired: bool = False, judged: bool = True) -> dict[str, Any]:
    """One cell of :func:`statistics`: ``n``, ``mean``, ``std``, ``low``, ``high`` (``None`` where undefined: std and
    interval need two values), ``missing`` (why → how many lack a value), and for a paired difference
    ``excludes_zero`` (:func:`excludes_zero`; ``None`` when not ``judged``, a metric of :data:`NOT_JUDGED`, as
    summary.md never makes it bold)."""
    numbers = {"n": e.n, "mean": e.mean, "std": e.std, "low": e.low, "high": e.high, "missing": dict(missing)}
    return numbers | ({"excludes_zero": excludes_zero(e) if judged else None} if paired else {})


def told_apart(rows: list[dict[str, Any]], configs: list[Configuration], references: tuple[str, ...]) -> list[str]:
    """The console's lines under its table: per reference, how many of its paired differences' 95 % intervals
    exclude 0 (bold in summary.md; not those of :data:`NOT_JUDGED`) of how many, then each of them on a line,
    ``  config: metric mean [low, high]``:
    the console's per-configuration means alone cannot say which differences the seeds agree on. Where no
    configuration is a reference (a ``--configs`` file without ``all``, ``none`` or ``references``), one line says so
    and how."""
    lines = []
    if references and not {c.name for c in configs} & set(references):  # nothing is paired: say so, and how
        lines.append(
            f"paired: no configuration is named {' or '.join(references)} (list the configurations to pair against "
            "as a --configs file's references)"
        )
    for reference in references:
        diffs = paired(rows, configs, reference)
        if not diffs:
            continue
        numbers = paired_plugin_numbers(rows, configs, reference)
        columns = plugin_columns(_ok(rows, reference))  # those summary.md pairs against the reference
        named = [(d["config"], METRICS[m], d[m]) for d in diffs for m in METRICS if m not in NOT_JUDGED]
        named += [(n["config"], column, n["numbers"][column]) for n in numbers for column in columns]
        found = [
            f"  {config}: {title} {number(e.mean, True, 3)} [{number(e.low, True, 3)}, {number(e.high, True, 3)}]"
            for config, title, e in named
            if excludes_zero(e)
        ]
        if intervals := len(_intervals([e for _, _, e in named])):
            lines.append(
                f"against {reference}, paired: {counted_intervals(len(found), intervals, ('excludes 0', 'exclude 0'))}"
                f" (95 %; about {_by_chance(intervals)} by chance){':' if found else ''}"
            )
        else:
            lines.append(f"against {reference}, paired: {_no_interval(diffs, rows)}")
        lines += found
    return lines


def _no_interval(diffs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """What the console and summary.md say of paired differences none of which has an interval to tell it from noise
    (:func:`_intervals` is empty), and why: too few seeds, runs that failed, or runs that did not differ."""
    if max(d["pairs"] for d in diffs) >= 2:
        return "no interval to judge (each difference is 0 in every pair, or has a value in fewer than 2 pairs)"
    if len({r["seed"] for r in rows}) < 2:
        return "no interval to judge (each difference is of one pair, one seed: more seeds)"
    return "no interval to judge (fewer than 2 seeds where both runs are ok: runs failed, see the failed runs)"


def _intervals(differences: list[Estimate]) -> list[Estimate]:
    """The paired ``differences`` that have a 95 % interval (two pairs or more), but those that are 0 in every pair
    (``+0 ± 0 [+0, +0]``: runs that did not differ at all, which chance cannot make bold)."""
    return [e for e in differences if e.n >= 2 and (e.std or e.mean)]


def _metric_differences(diffs: list[dict[str, Any]]) -> list[Estimate]:
    """Every judged metric's difference of :func:`paired`'s ``diffs`` (not those of :data:`NOT_JUDGED`): the cells
    of one table of summary.md that can be bold."""
    return [d[m] for d in diffs for m in METRICS if m not in NOT_JUDGED]


def _plugin_differences(numbers: list[dict[str, Any]], columns: list[str]) -> list[Estimate]:
    """The differences of :func:`paired_plugin_numbers`' ``numbers`` in ``columns``: the cells of one table of
    summary.md."""
    return [n["numbers"][column] for n in numbers for column in columns]


def counted_intervals(part: int, whole: int, verb: tuple[str, str], definite: bool = False) -> str:
    """``part`` of ``whole`` intervals and what they do, in agreement: the noun with ``whole`` (``1 interval``,
    ``23 intervals``), ``verb`` (singular, plural) with ``part`` (``1 of the 23 intervals here is bold``, ``2 of
    23 intervals exclude 0``), singular too for the one interval there is (``0 of 1 interval excludes 0``);
    ``definite``: ``of the``. The one wording of summary.md's and the console's counts."""
    noun = "interval" if whole == 1 else "intervals"
    return f"{part} of {'the ' if definite else ''}{whole} {noun} {verb[0] if 1 in (part, whole) else verb[1]}"


def _by_chance(intervals: int) -> str:
    """How many of ``intervals`` 95 % intervals exclude 0 by chance alone, 1 in 20, if no configuration differed from
    the reference (``1.2`` of 25): the console's and summary.md's number."""
    return f"{intervals / 20:.2g}"


def _distinguished(differences: list[Estimate], diffs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """What the bold cells of a table of paired ``differences`` (those of the configurations ``diffs``) are, and how
    many of its intervals would exclude 0 by chance alone (:func:`_by_chance`); an interval of differences that are all
    0 (``+0 ± 0 [+0, +0]``, runs that did not differ at all) is not counted (:func:`_intervals`)."""
    intervals = _intervals(differences)
    bold = sum(excludes_zero(e) for e in intervals)
    said = (
        f"{counted_intervals(bold, len(intervals), ('here is bold', 'here are bold'), definite=True)}; with no "
        f"difference at all, about {_by_chance(len(intervals))} would be by chance."
        if intervals
        else f"Here: {_no_interval(diffs, rows)}."
    )
    return (
        "**Bold**: the 95 % interval excludes 0, a difference the seeds agree on beyond their spread; the others are "
        f"not told apart from noise by these seeds (more seeds narrow them). {said}"
    )


def plugin_values(rows: list[dict[str, Any]], config: str) -> dict[str, list[Any]]:
    """Per column of :func:`plugin_columns`: its values in ``config``'s ok runs that have it (``[]`` where none has
    it: the plugin is not in the configuration)."""
    ok = _ok(rows, config)
    return {
        column: [r["plugin_numbers"][column] for r in ok if column in r.get("plugin_numbers", {})]
        for column in plugin_columns(rows)
    }


def _plugin_numbers(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[str]:
    """summary.md's table of :func:`plugin_columns`: per configuration, the statistics over its ok runs that have
    each column (``–`` where none has it: the plugin is not in the configuration)."""
    columns = plugin_columns(rows)
    if not columns:
        return [
            "None: no plugin of these runs added a loss term (`mvae_loss`) or recorded a number (`trainer.record`)."
        ]
    body = []
    for c in configs:
        ok = len(_ok(rows, c.name))
        cells = [_reported_cell(values, ok, column) for column, values in plugin_values(rows, c.name).items()]
        body.append([c.name, f"{ok} / {sum(r['config'] == c.name for r in rows)}", *cells])
    about = (
        "The last epoch's validation value of each loss term a plugin added (`val.<term>`) and each number a plugin "
        "recorded (`plugins.<plugin>.<key>`; lists are in each run's metrics.jsonl), in the plugin's own unit: mean ± "
        f"sample std [95 % t-interval] over the ok runs that report it; `; 1 {UNREPORTED}` counts the ok runs that "
        "do not (their plugin did not record it in the last epoch), `; 1 n/a` those that recorded it as null, NaN or "
        "inf; `–` where none reports it (the plugin is not in the configuration)."
    )
    return [about, "", *_md_table(["configuration", "ok / runs", *(f"`{c}`" for c in columns)], body)]


def _reported_cell(values: list[float | None], ok: int, column: str) -> str:
    """summary.md's cell of a plugin's number in a configuration of ``ok`` runs (:func:`reported`), ``–`` where none
    reports it."""
    if not values:
        return "–"
    e, why = reported(values, ok)
    return metric_cell(e, ok, column, reasons=why)


def _paired_plugin_table(rows: list[dict[str, Any]], configs: list[Configuration], reference: str) -> list[str]:
    """summary.md's table of the plugins' numbers paired against ``reference`` (:func:`paired_plugin_numbers`), under
    its table of the metrics: a column per number that ``reference``'s ok runs report, and a line naming the numbers
    only other configurations report (nothing to pair them with); ``[]`` when no ok run reports a number or nothing
    is paired against ``reference``."""
    numbers = paired_plugin_numbers(rows, configs, reference)
    reported_anywhere = plugin_columns([r for r in rows if r["status"] == "ok"])
    if not numbers or not reported_anywhere:
        return []
    columns = plugin_columns(_ok(rows, reference))
    others = ", ".join(f"`{column}`" for column in reported_anywhere if column not in columns)
    lines = ["", f"### Plugins' numbers against `{reference}`", ""]
    if not columns:
        return [*lines, f"`{reference}`'s runs report no plugin number, so none is paired against it; other "
                        f"configurations report {others} (their values are under Plugins' numbers above)."]  # fmt: skip
    lines.append(
        f"Configuration − `{reference}` of each number a plugin reports (the `val.<term>` and "
        "`plugins.<plugin>.<key>` columns of summary.csv, each run's last epoch's), run by run with the same seed: "
        "mean ± std [95 % t-interval] over the pairs where both runs report it, in the plugin's own unit; which way "
        f"is better is the plugin's to say (its documentation). `not reported by <name>`: that configuration's run "
        "does not report the number (its plugin is not enabled there, or did not record it in the last epoch), so "
        "the pair has no difference."
        + (OTHER_LOOPS_NOTE if any(OTHER_LOOPS in n["missing"][c] for n in numbers for c in columns) else "")
        + " "
        + _distinguished(_plugin_differences(numbers, columns), numbers, rows)
        + (f" Not paired, as `{reference}`'s runs do not report them: {others}." if others else "")
    )
    body = [
        [
            n["config"],
            str(n["pairs"]),
            *(
                metric_cell(n["numbers"][c], n["pairs"], c, signed=True, reasons=n["missing"][c], marked=True)
                for c in columns
            ),
        ]
        for n in numbers
    ]
    return [*lines, "", *_md_table(["configuration", "pairs", *(f"`{c}`" for c in columns)], body)]


def warnings_by_config(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[tuple[str, str, str]]:
    """``(configuration, warning, seeds)`` for every distinct plugin warning of a configuration's runs (a warning
    such as "kl_anneal: the run ends before the schedule does" changes what a row means)."""
    result = []
    for c in configs:
        seeds: dict[str, list[str]] = {}
        for r in rows:
            if r["config"] == c.name:
                for warning in r["warnings"]:
                    seeds.setdefault(warning, []).append(str(r["seed"]))
        result += [(c.name, warning, ", ".join(found)) for warning, found in seeds.items()]
    return result


NAME_WIDTH = 24
"""The console's configuration column, in characters: what the table can give it and still fit 80 columns (the
built-in plugins' longest configuration name, ``only-ts_variance_monitor``, just fits). A longer name
(``factorial``'s ``a+b+c``, a package plugin's) is broken after a ``+``."""


def console_name(name: str) -> str:
    """``name`` on lines of at most :data:`NAME_WIDTH` characters, broken only after a ``+`` (a part longer than that
    keeps its own line, whole)."""
    lines = [""]
    for part in name.split("+"):
        piece = part if not lines[-1] else "+" + part
        if lines[-1] and len(lines[-1]) + len(piece) > NAME_WIDTH:
            lines[-1] += "+"
            lines.append(part)
        else:
            lines[-1] += piece
    return "\n".join(lines)


def console_table(rows: list[dict[str, Any]], configs: list[Configuration]) -> Table:
    """The per-configuration mean ± std of the key metrics, for the terminal (summary.md has the intervals and one
    more significant digit). No cell is ever broken by the terminal's width: each configuration is a block of lines
    (its name, broken after a ``+`` when longer than :data:`NAME_WIDTH`; its ok runs; what stopped them; each mean
    above its ± std), so the table fits 80 columns with the built-in plugins' configurations in every mode, and
    every column is ``no_wrap``."""
    table = Table(
        title="ablation: mean ± std over seeds (95 % intervals in summary.md)",
        title_justify="left",
        box=box.SIMPLE_HEAD,  # no vertical rules: two spaces between columns
        show_edge=False,
        show_lines=True,  # a blank line between configurations
        collapse_padding=True,
    )
    for column in ("config", *CONSOLE_METRICS.values()):
        table.add_column(column, no_wrap=True)
    for e in per_config(rows, configs):
        about = "\n".join([console_name(e["config"]), f"{e['ok']}/{e['runs']} ok", _stops(e["stops"], "\n")])
        cells = (
            metric_cell(e[m], e["ok"], m, stacked=True, digits=3, reasons=e["missing"][m]) for m in CONSOLE_METRICS
        )
        table.add_row(about, *cells)
    return table
