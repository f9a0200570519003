"""``summary.md``: the configurations, the statistics per configuration, the plugins' numbers and warnings, the
paired differences against each reference, and the runs that failed."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.cells import md_table, metric_cell, stops
from mvae_core.ablation.columns import (
    DIRECTIONS,
    METRICS,
    MODEL_EPOCHS,
    MODEL_SCALED,
    OTHER_LOOPS,
    OTHER_LOOPS_NOTE,
    OTHER_MODEL,
    OTHER_MODEL_NOTE,
    UNITS,
    VALIDATED,
)
from mvae_core.ablation.estimates import paired, per_config, warnings_by_config
from mvae_core.ablation.failures import RunCounts
from mvae_core.ablation.findings import NOT_JUDGED_NOTE, distinguished, judged
from mvae_core.ablation.plan import REFERENCES, Configuration
from mvae_core.ablation.plugin_tables import paired_plugin_table, plugin_numbers_table
from mvae_core.ablation.stats import Estimate
from mvae_core.pitch_structure import NO_GAP, NO_GAP_MEANS


def units() -> str:
    """summary.md's line giving each column's unit (:data:`UNITS`)."""
    return "Units: " + "; ".join(f"{METRICS[m]}: {unit}" for m, unit in UNITS.items()) + "."


def directions() -> str:
    """summary.md's line saying which way each column is better (:data:`DIRECTIONS`)."""
    said = "; ".join(f"{', '.join(METRICS[m] for m in metrics)}: {meaning}" for metrics, meaning in DIRECTIONS)
    return f"Which way is better: {said}."


def markdown(
    rows: list[dict[str, Any]],
    configs: list[Configuration],
    about: list[str],
    references: tuple[str, ...] = REFERENCES,
) -> str:
    """``summary.md``: ``about`` (lines describing the command), the configurations, the statistics per
    configuration, the paired differences against each of ``references`` (``all`` and ``none`` unless a configs file
    names others), and the runs that failed or never started (counted apart: :class:`~.failures.RunCounts`)."""
    lines = ["# Ablation summary", "", *about, ""]
    lines += ["## Configurations", ""]
    lines += md_table(
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
            stops(e["stops"]),
            *(metric_cell(e[m], e["ok"], m, reasons=e["missing"][m]) for m in METRICS),
        ]
        for e in per_config(rows, configs)
    ]
    lines += md_table(header, body)
    lines += [
        "",
        "seconds is wall-clock time, which grows when other runs share the machine; CPU seconds is the training "
        "process's CPU time (all its threads). It depends on the load less, but it is not free of it: threads that "
        "spin-wait for a busy core count as CPU time, so compare runs trained under similar load. For the same reason "
        "their paired differences below are shown but not judged: never bold, and not counted.",
    ]
    lines += ["", "## Plugins' numbers", "", *plugin_numbers_table(rows, configs)]
    lines += ["", "## Plugin warnings", ""]
    warned = warnings_by_config(rows, configs)
    if warned:
        lines += md_table(["configuration", "warning", "seeds"], [[c, w, seeds] for c, w, seeds in warned])
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
            + distinguished(_metric_differences(diffs), diffs, rows)
            + NOT_JUDGED_NOTE,
            "",
        ]
        body = [
            [
                d["config"],
                str(d["pairs"]),
                *(
                    metric_cell(d[m], d["pairs"], m, signed=True, reasons=d["missing"][m], marked=judged(m))
                    for m in METRICS
                ),
            ]
            for d in diffs
        ]
        lines += md_table(["configuration", "pairs", *METRICS.values()], body)
        lines += paired_plugin_table(rows, configs, reference)
    failed = [r for r in rows if r["status"] != "ok"]
    lines += ["", "## Failed runs", ""]
    if (counts := RunCounts.of(rows)).not_started:
        lines += [f"{counts}. {NOT_STARTED_NOTE}", ""]
    if failed:
        body = [
            [
                r["run"],
                r["status"],
                r["produced"],
                str(r["exit_code"] if r["exit_code"] is not None else "–"),
                r["error"],
            ]
            for r in failed
        ]
        lines += md_table(["run", "status", "produced", "exit code", "last error line"], body)
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


NOT_STARTED_NOTE = (
    "This command did not train a run whose status is `not started`: its attempt ended before its training started, "
    "so its folder is as it was: none where `produced` is `not started` (nothing has trained it), else as an earlier "
    "command left it (`produced` says how). Fix what its error names and run the same command again: the run then "
    "trains as new, or resumes from its folder."
)
"""What summary.md's failed runs say under their counts when some run's attempt never started."""


def _no_pairs(reference: str, configs: list[Configuration]) -> str:
    """What summary.md says in place of the paired differences against ``reference`` when it has none: no
    configuration has that name, or it is the only configuration."""
    if any(c.name == reference for c in configs):
        return f"`{reference}` is the only configuration: there is nothing to pair with it."
    return (
        f"No configuration is named `{reference}`: name one so, or list the configurations to pair against as a "
        "`--configs` file's `references` (docs/ablation.md#the---configs-file)."
    )


def _metric_differences(diffs: list[dict[str, Any]]) -> list[Estimate]:
    """Every judged metric's difference of :func:`paired`'s ``diffs`` (:func:`~.findings.judged`): the cells
    of one table of summary.md that can be bold."""
    return [d[m] for d in diffs for m in METRICS if judged(m)]
