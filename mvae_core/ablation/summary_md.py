"""``summary.md``: the configurations, the statistics per configuration, the loss terms the model adds (where it
does), the plugins' numbers, the runs' warnings (mvae's and the plugins'), the paired differences against each
reference, and the runs that failed or did not start, apart."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.cells import md_table, metric_cell, stops
from mvae_core.ablation.columns import (
    DIRECTIONS,
    GOALS,
    METRICS,
    MODEL_EPOCHS,
    MODEL_SCALED,
    OTHER_LOOPS,
    OTHER_LOOPS_NOTE,
    OTHER_MODEL,
    OTHER_MODEL_NOTE,
    UNITS,
    VALIDATED,
    exit_cell,
)
from mvae_core.ablation.estimates import paired, per_config, repeated, warnings_by_config
from mvae_core.ablation.failures import RunCounts, failed, not_started
from mvae_core.ablation.findings import NOT_JUDGED_NOTE, distinguished, judged, repeated_pairs
from mvae_core.ablation.plan import REFERENCES, Configuration
from mvae_core.ablation.plugin_tables import (
    model_terms_table,
    paired_model_table,
    paired_plugin_table,
    plugin_numbers_table,
)
from mvae_core.ablation.stats import Estimate
from mvae_core.goals import TARGETS
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
    configuration, the model's added terms and the plugins' numbers, the paired differences against each of
    ``references`` (``all`` and ``none`` unless a configs file names others), and the runs that failed and those that
    did not start, apart (:data:`NOT_OK_SECTION`)."""
    lines = ["# Ablation summary", "", *about, ""]
    lines += ["## Configurations", ""]
    lines += md_table(
        ["configuration", "plugins", "overrides"],
        [[c.name, ", ".join(c.plugins) or "none", " ".join(f"`{o}`" for o in c.overrides) or "–"] for c in configs],
    )
    lines += ["", "## Per configuration", ""]
    lines += [
        "Mean ± sample std [95 % t-interval] over the seeds whose run is ok; `; 1 n/a` counts the runs without a "
        "value (the metric is not defined for them; `quantized`: their validation notes have (almost) no timing "
        f"spread; `{NO_GAP}`: {NO_GAP_MEANS}: docs/evaluation.md#pitch).",
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
    lines += model_terms_table(rows, configs)
    lines += ["", "## Plugins' numbers", "", *plugin_numbers_table(rows, configs)]
    lines += ["", "## Warnings", ""]
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
        again = repeated(reference, references, configs)
        counted = [d for d in diffs if d["config"] not in again]
        lines += [
            f"Configuration − `{reference}`, run by run with the same seed, in each column's unit (above): below 0, "
            "the configuration's value is the lower (for best val_elbo, the better: Which way is better, above); "
            "mean ± std [95 % t-interval] over the seeds where both runs are ok (pairs = their number); `; 1 n/a` "
            "counts the pairs where either run has no value. "
            + NEARER_NOTE
            + (OTHER_MODEL_NOTE if any(OTHER_MODEL in d["missing"][m] for d in diffs for m in MODEL_SCALED) else "")
            + (OTHER_LOOPS_NOTE if any(OTHER_LOOPS in d["missing"][m] for d in diffs for m in VALIDATED) else "")
            + " "
            + distinguished(_metric_differences(counted), counted, rows, repeated_pairs(again, reference))
            + NOT_JUDGED_NOTE,
            "",
        ]
        body = [
            [
                d["config"],
                str(d["pairs"]),
                *(
                    metric_cell(
                        d[m],
                        d["pairs"],
                        m,
                        signed=True,
                        reasons=d["missing"][m],
                        marked=judged(m) and d["config"] not in again,
                        deciding=(d["deciding"][m], GOALS[m]),
                        paired=True,
                    )
                    for m in METRICS
                ),
            ]
            for d in diffs
        ]
        lines += md_table(["configuration", "pairs", *METRICS.values()], body)
        lines += paired_model_table(rows, configs, reference, again)
        lines += paired_plugin_table(rows, configs, reference, again)
    lines += ["", f"## {NOT_OK_SECTION}", "", *_not_ok_runs(rows)]
    return "\n".join(lines) + "\n"


NOT_OK_SECTION = "Runs that failed or did not start"
"""The title of summary.md's last section: the runs not ok, those that failed and those not started apart."""


def _not_ok_runs(rows: list[dict[str, Any]]) -> list[str]:
    """The lines of summary.md's :data:`NOT_OK_SECTION`: ``None: every run is ok.``; else the counts
    (:class:`~.failures.RunCounts`), then a table of the runs that failed (``### Failed``: this command's attempt
    started their training, or the command skipped them) and one of those whose attempt never started their training
    (``### Not started``, under :data:`NOT_STARTED_NOTE`), each where it has a run."""
    counts = RunCounts.of(rows)
    if not counts.failed and not counts.not_started:
        return ["None: every run is ok."]
    lines = [f"{counts}."]
    if ended := [r for r in rows if failed(r)]:
        lines += ["", "### Failed", "", *md_table(["run", "produced", "exit code", "last error line"], _cells(ended))]
    if never := [r for r in rows if not_started(r)]:
        lines += ["", "### Not started", "", NOT_STARTED_NOTE, ""]
        lines += md_table(["run", "produced", "exit code", "why it did not start"], _cells(never))
    return lines


def _cells(rows: list[dict[str, Any]]) -> list[list[str]]:
    """A not-ok run's cells in :func:`_not_ok_runs`'s tables: the run, ``produced``, the exit code
    (:func:`~.columns.exit_cell`) and the error."""
    return [[r["run"], r["produced"], exit_cell(r), r["error"]] for r in rows]


NOT_STARTED_NOTE = (
    "This command did not train these runs: each attempt ended before its training started, so the run's folder is "
    "as it was: none where `produced` is `not started` (nothing has trained it), else as an earlier command left it "
    "(`produced` says how). Fix what the error names and run the same command again: each run then trains as new, or "
    "resumes from its folder."
)
"""What summary.md says above its table of the runs whose attempt never started."""


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
    """Every judged metric's deciding difference of :func:`paired`'s ``diffs`` (:func:`~.findings.judged`): the
    intervals of one table of summary.md that can make a cell bold."""
    return [d["deciding"][m] for d in diffs for m in METRICS if judged(m)]


def _nearer_note() -> str:
    """:data:`NEARER_NOTE`, its columns and targets read from :data:`~mvae_core.ablation.columns.GOALS` and
    :data:`mvae_core.goals.TARGETS`, so that a goal changed there changes the note."""
    at_targets = "; ".join(
        f"{', '.join(METRICS[m] for m in METRICS if GOALS[m] == goal)}: {target}"
        for goal, target in TARGETS.items()
        if goal in GOALS.values()
    )
    return (
        f"In the columns best at a target ({at_targets}; the data's own numbers are in the header), a difference of "
        "either sign can be the better, so the words after the statistics say which run is nearer the target: "
        "`nearer 1 by 0.05 [0.04, 0.06]` is the change in distance from it, |configuration − target| − |reference − "
        "target|, with its interval turned to read as how much nearer (`farther from 1 by …` where the configuration "
        "is the farther), as `mvae evaluate --against` decides: there, bold marks that interval, not the difference's."
    )


NEARER_NOTE = _nearer_note()
"""What summary.md says above each paired table of the columns whose goal is best at a target
(:data:`mvae_core.goals.TARGETS`), decided by :func:`mvae_core.goals.deciding`."""
