"""``summary.csv``: one line per run, the columns of :data:`~mvae_core.ablation.columns.COLUMNS`, those of the loss
terms the runs' model adds and those plugins add; and what a previous ``summary.csv`` said of how each run was
produced."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from mvae_core.ablation.columns import COLUMNS
from mvae_core.ablation.plugin_tables import model_columns, plugins_columns


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """One line per run, the columns of :data:`COLUMNS`, then apart as summary.md shows them those of the loss terms
    the runs' model adds (:func:`model_columns`: the ``val.<term>`` of the terms each row's ``model_terms`` cell
    names), then the plugins' (:func:`plugins_columns`); a missing value is an empty cell."""
    extra = [*model_columns(rows), *plugins_columns(rows)]
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
