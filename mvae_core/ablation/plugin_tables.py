"""summary.md's tables of the numbers plugins report (``val.<term>``, ``plugins.<plugin>.<key>``): per
configuration, and paired against each reference under its table of the metrics."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.cells import md_table, metric_cell
from mvae_core.ablation.columns import OTHER_LOOPS, OTHER_LOOPS_NOTE, UNREPORTED, plugin_columns
from mvae_core.ablation.estimates import ok_runs, paired_plugin_numbers, plugin_values, reported
from mvae_core.ablation.findings import distinguished
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.stats import Estimate


def _plugin_differences(numbers: list[dict[str, Any]], columns: list[str]) -> list[Estimate]:
    """The differences of :func:`paired_plugin_numbers`' ``numbers`` in ``columns``: the cells of one table of
    summary.md."""
    return [n["numbers"][column] for n in numbers for column in columns]


def plugin_numbers_table(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[str]:
    """summary.md's table of :func:`plugin_columns`: per configuration, the statistics over its ok runs that have
    each column (``–`` where none has it: the plugin is not in the configuration)."""
    columns = plugin_columns(rows)
    if not columns:
        return [
            "None: no plugin of these runs added a loss term (`mvae_loss`) or recorded a number (`trainer.record`)."
        ]
    body = []
    for c in configs:
        ok = len(ok_runs(rows, c.name))
        cells = [_reported_cell(values, ok, column) for column, values in plugin_values(rows, c.name).items()]
        body.append([c.name, f"{ok} / {sum(r['config'] == c.name for r in rows)}", *cells])
    about = (
        "The last epoch's validation value of each loss term a plugin added (`val.<term>`) and each number a plugin "
        "recorded (`plugins.<plugin>.<key>`; lists are in each run's metrics.jsonl), in the plugin's own unit: mean ± "
        f"sample std [95 % t-interval] over the ok runs that report it; `; 1 {UNREPORTED}` counts the ok runs that "
        "do not (their plugin did not record it in the last epoch), `; 1 n/a` those that recorded it as null, NaN or "
        "inf; `–` where none reports it (the plugin is not in the configuration)."
    )
    return [about, "", *md_table(["configuration", "ok / runs", *(f"`{c}`" for c in columns)], body)]


def _reported_cell(values: list[float | None], ok: int, column: str) -> str:
    """summary.md's cell of a plugin's number in a configuration of ``ok`` runs (:func:`reported`), ``–`` where none
    reports it."""
    if not values:
        return "–"
    e, why = reported(values, ok)
    return metric_cell(e, ok, column, reasons=why)


def paired_plugin_table(rows: list[dict[str, Any]], configs: list[Configuration], reference: str) -> list[str]:
    """summary.md's table of the plugins' numbers paired against ``reference`` (:func:`paired_plugin_numbers`), under
    its table of the metrics: a column per number that ``reference``'s ok runs report, and a line naming the numbers
    only other configurations report (nothing to pair them with); ``[]`` when no ok run reports a number or nothing
    is paired against ``reference``."""
    numbers = paired_plugin_numbers(rows, configs, reference)
    reported_anywhere = plugin_columns([r for r in rows if r["status"] == "ok"])
    if not numbers or not reported_anywhere:
        return []
    columns = plugin_columns(ok_runs(rows, reference))
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
        + distinguished(_plugin_differences(numbers, columns), numbers, rows)
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
    return [*lines, "", *md_table(["configuration", "pairs", *(f"`{c}`" for c in columns)], body)]
