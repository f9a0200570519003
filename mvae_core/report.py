"""Human-readable summaries of loaded data (rich tables) and the numbers behind ``mvae data inspect``."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from mvae_core.config import DataConfig
from mvae_core.data.load import DataReport
from mvae_core.data.table import NoteTable

QUANTIZED_WITHIN = 0.05
QUANTIZED_SHARE = 0.95


def data_summary(table: NoteTable, report: DataReport, cfg: DataConfig) -> dict[str, Any]:
    """Files ok/skipped by reason, loops, notes, pitch range, folded/collided, timing spread."""
    totals = report.totals()
    ts = table.timeshift.astype(np.float64)
    within = float(np.mean(np.abs(ts) <= QUANTIZED_WITHIN)) if len(ts) else float("nan")
    summary: dict[str, Any] = {
        "sources_ok": len(report.ok),
        "skipped": report.skipped_by_reason(),
        "loops": table.n_loops,
        "notes": table.n_notes,
        "notes_per_loop": float(table.notes_per_loop().mean()) if table.n_loops else 0.0,
        "pitch_range": [int(table.row.min()) + cfg.pitch_low, int(table.row.max()) + cfg.pitch_low]
        if table.n_notes
        else None,
        "folded": totals["folded"],
        "dropped": totals["dropped"],
        "collided": totals["collided"],
        "other_meter_bars": totals["other_meter_bars"],
        "timeshift_std": float(ts.std()) if len(ts) else float("nan"),
        "within_0.05": within,
        "quantized": bool(within >= QUANTIZED_SHARE),
        "cached_units": report.cached_units,
        "parsed_units": report.parsed_units,
    }
    return summary


def print_summary(console: Console, summary: dict[str, Any], title: str = "data") -> None:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("sources used", str(summary["sources_ok"]))
    skipped = summary["skipped"]
    table.add_row("sources skipped", ", ".join(f"{r}: {n}" for r, n in skipped.items()) if skipped else "0")
    table.add_row(
        "loops / notes", f"{summary['loops']} / {summary['notes']} ({summary['notes_per_loop']:.1f} per loop)"
    )
    if summary["pitch_range"]:
        table.add_row("pitch range used", "{} .. {}".format(*summary["pitch_range"]))
    table.add_row(
        "folded / dropped / collided",
        f"{summary['folded']} / {summary['dropped']} / {summary['collided']} notes",
    )
    if summary["other_meter_bars"]:
        table.add_row("bars not in 4/4 (skipped)", str(summary["other_meter_bars"]))
    if summary["notes"]:
        spread = f"std {summary['timeshift_std']:.3f} half-steps, {summary['within_0.05']:.1%} within ±0.05"
        table.add_row("timing spread", spread + (" [yellow](quantized)[/]" if summary["quantized"] else ""))
    table.add_row("parse cache", f"{summary['cached_units']} cached, {summary['parsed_units']} parsed")
    console.print(table)


def print_skips(console: Console, report: DataReport, limit: int = 10) -> None:
    skipped = [e for e in report.entries if e["status"] == "skipped"]
    for entry in skipped[:limit]:
        detail = f" ({entry['detail']})" if entry.get("detail") else ""
        console.print(f"  skipped {entry['source']}: {entry['reason']}{detail}", markup=False, highlight=False)
    if len(skipped) > limit:
        console.print(f"  ... and {len(skipped) - limit} more (see data_report.json or mvae data inspect --json)")
