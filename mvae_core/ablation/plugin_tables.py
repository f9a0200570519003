"""summary.md's tables of the numbers runs report beyond the metrics: the loss terms a run's model adds
(``val.<term>`` of its ``model_terms``: :func:`model_columns`) and the numbers of plugins (``val.<term>`` a plugin
added, ``plugins.<plugin>.<key>``: :func:`plugins_columns`), each per configuration and paired against each reference
under its table of the metrics."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation import failures
from mvae_core.ablation.cells import md_table, metric_cell
from mvae_core.ablation.columns import OTHER_LOOPS, OTHER_LOOPS_NOTE, UNREPORTED, plugin_columns
from mvae_core.ablation.estimates import ok_runs, paired_plugin_numbers, plugin_values, reported
from mvae_core.ablation.findings import distinguished, repeated_pairs
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.stats import Estimate

MODEL_TERMS = "The model's added terms"
"""The title of summary.md's section of the loss terms the runs' models add, and of its paired tables."""


def model_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns of :func:`plugin_columns` that hold a loss term the run's model adds (``val.<term>`` of a row's
    ``model_terms``, :func:`~mvae_core.ablation.rows.run_row`: ``melody_rnn``'s ``bag`` where ``bag_weight`` > 0),
    the model's numbers rather than a plugin's."""
    added = {f"val.{term}" for row in rows for term in row.get("model_terms", ())}
    return [column for column in plugin_columns(rows) if column in added]


def plugins_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns of :func:`plugin_columns` that plugins report: every one but :func:`model_columns`."""
    models = set(model_columns(rows))
    return [column for column in plugin_columns(rows) if column not in models]


def _plugin_differences(numbers: list[dict[str, Any]], columns: list[str]) -> list[Estimate]:
    """The differences of :func:`paired_plugin_numbers`' ``numbers`` in ``columns``: the cells of one table of
    summary.md."""
    return [n["numbers"][column] for n in numbers for column in columns]


def plugin_numbers_table(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[str]:
    """summary.md's table of :func:`plugins_columns`: per configuration, the statistics over its ok runs that have
    each column (``–`` where none has it: the plugin is not in the configuration)."""
    columns = plugins_columns(rows)
    if not columns:
        return [
            "None: no plugin of these runs added a loss term (`mvae_loss`) or recorded a number (`trainer.record`)."
        ]
    about = (
        "The last epoch's validation value of each loss term a plugin added (`val.<term>`) and each number a plugin "
        "recorded (`plugins.<plugin>.<key>`; lists are in each run's metrics.jsonl), in the plugin's own unit: mean ± "
        f"sample std [95 % t-interval] over the ok runs that report it; `; 1 {UNREPORTED}` counts the ok runs that "
        "do not (their plugin did not record it in the last epoch), `; 1 n/a` those that recorded it as null, NaN or "
        "inf; `–` where none reports it (the plugin is not in the configuration)."
    )
    return [about, "", *_numbers_table(rows, configs, columns)]


def model_terms_table(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[str]:
    """summary.md's section of :func:`model_columns` (:data:`MODEL_TERMS`), as :func:`plugin_numbers_table` gives
    the plugins': per configuration, the statistics over its ok runs that have each column (``–`` where none has
    it: the configuration's model settings do not add it); ``[]`` where no run's model adds a term."""
    columns = model_columns(rows)
    if not columns:
        return []
    about = (
        "The last epoch's validation value of each loss term the runs' model adds with their settings (`val.<term>`: "
        "trained at the model's own weight of it, left out of val_elbo; docs/models.md, `added_terms`): mean ± "
        f"sample std [95 % t-interval] over the ok runs that report it; `; 1 {UNREPORTED}` counts the ok runs that "
        "do not, `; 1 n/a` those where it is null, NaN or inf; `–` where none reports it (the configuration's model "
        "settings do not add it)."
    )
    return ["", f"## {MODEL_TERMS}", "", about, "", *_numbers_table(rows, configs, columns)]


def _numbers_table(rows: list[dict[str, Any]], configs: list[Configuration], columns: list[str]) -> list[str]:
    """The table of ``columns`` (of :func:`plugin_columns`) per configuration: its ok runs and runs, and per column
    the statistics over the ok runs that have it (:func:`_reported_cell`)."""
    body = []
    for c in configs:
        ok = len(ok_runs(rows, c.name))
        values = plugin_values(rows, c.name)
        cells = [_reported_cell(values[column], ok, column) for column in columns]
        body.append([c.name, f"{ok} / {sum(r['config'] == c.name for r in rows)}", *cells])
    return md_table(["configuration", "ok / runs", *(f"`{c}`" for c in columns)], body)


def _reported_cell(values: list[float | None], ok: int, column: str) -> str:
    """summary.md's cell of a plugin's number in a configuration of ``ok`` runs (:func:`reported`), ``–`` where none
    reports it."""
    if not values:
        return "–"
    e, why = reported(values, ok)
    return metric_cell(e, ok, column, reasons=why)


def paired_plugin_table(
    rows: list[dict[str, Any]], configs: list[Configuration], reference: str, again: set[str]
) -> list[str]:
    """summary.md's table of the plugins' numbers (:func:`plugins_columns`) paired against ``reference``
    (:func:`paired_plugin_numbers`), under its table of the metrics: a column per number that ``reference``'s ok runs
    report, and a line naming the numbers only other configurations report (nothing to pair them with); ``[]`` when
    no ok run reports a number or nothing is paired against ``reference``. The rows of ``again`` (configurations
    whose pair an earlier table has: :func:`~.estimates.repeated`) are neither bold nor counted."""
    said = (
        f"Configuration − `{reference}` of each number a plugin reports (the `val.<term>` and "
        "`plugins.<plugin>.<key>` columns of summary.csv, each run's last epoch's), run by run with the same seed: "
        "mean ± std [95 % t-interval] over the pairs where both runs report it, in the plugin's own unit; which way "
        f"is better is the plugin's to say (its documentation). `not reported by <name>`: that configuration's run "
        "does not report the number (its plugin is not enabled there, or did not record it in the last epoch), so "
        "the pair has no difference."
    )
    none = f"`{reference}`'s runs report no plugin number, so none is paired against it"
    words = ("Plugins' numbers", said, none)
    return _paired_table(rows, configs, reference, plugins_columns(rows), words, again)


def paired_model_table(
    rows: list[dict[str, Any]], configs: list[Configuration], reference: str, again: set[str]
) -> list[str]:
    """summary.md's table of the model's added terms (:func:`model_columns`) paired against ``reference``, as
    :func:`paired_plugin_table` pairs the plugins' numbers (``again`` too); ``[]`` when no ok run's model adds a term
    or nothing is paired against ``reference``."""
    said = (
        f"Configuration − `{reference}` of each loss term the runs' model adds (their `val.<term>` columns of "
        "summary.csv, each run's last epoch's), run by run with the same seed: mean ± std [95 % t-interval] over the "
        "pairs where both runs report it, at the weight each run's model settings give the term. `not reported by "
        "<name>`: that configuration's run does not report the term (its model settings do not add it), so the pair "
        "has no difference."
    )
    none = f"`{reference}`'s runs report no term their model adds, so none is paired against it"
    return _paired_table(rows, configs, reference, model_columns(rows), (MODEL_TERMS, said, none), again)


def _paired_table(
    rows: list[dict[str, Any]],
    configs: list[Configuration],
    reference: str,
    owned: list[str],
    words: tuple[str, str, str],
    again: set[str],
) -> list[str]:
    """A table of summary.md pairing the columns ``owned`` (of :func:`plugin_columns`: the model's or the plugins')
    against ``reference`` (:func:`paired_plugin_numbers`). ``words``: the title of the section their values are
    under (the table's is that ``against `reference```), what the table holds, and what is said in its place when
    ``reference``'s ok runs report none of them. ``again``: the configurations whose row repeats a pair above
    (:func:`~.estimates.repeated`), neither bold nor counted."""
    title, said, none = words
    numbers = paired_plugin_numbers(rows, configs, reference)
    counted = [n for n in numbers if n["config"] not in again]
    reported_anywhere = [c for c in plugin_columns([r for r in rows if failures.ok(r)]) if c in owned]
    if not numbers or not reported_anywhere:
        return []
    columns = [c for c in plugin_columns(ok_runs(rows, reference)) if c in owned]
    others = ", ".join(f"`{column}`" for column in reported_anywhere if column not in columns)
    lines = ["", f"### {title} against `{reference}`", ""]
    if not columns:
        return [*lines, f"{none}; other configurations report {others} (their values are under {title} above)."]
    lines.append(
        said
        + (OTHER_LOOPS_NOTE if any(OTHER_LOOPS in n["missing"][c] for n in numbers for c in columns) else "")
        + " "
        + distinguished(_plugin_differences(counted, columns), counted, rows, repeated_pairs(again, reference))
        + (f" Not paired, as `{reference}`'s runs do not report them: {others}." if others else "")
    )
    return [*lines, "", *_paired_cells(numbers, columns, again)]


def _paired_cells(numbers: list[dict[str, Any]], columns: list[str], again: set[str]) -> list[str]:
    """The table of a paired table's ``numbers`` in ``columns``: per configuration, its pairs and differences (bold
    where the interval excludes 0, but in the rows of ``again``)."""
    body = [
        [
            n["config"],
            str(n["pairs"]),
            *(
                metric_cell(
                    n["numbers"][c],
                    n["pairs"],
                    c,
                    signed=True,
                    reasons=n["missing"][c],
                    marked=n["config"] not in again,
                    paired=True,
                )
                for c in columns
            ),
        ]
        for n in numbers
    ]
    return md_table(["configuration", "pairs", *(f"`{c}`" for c in columns)], body)
