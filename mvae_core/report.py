"""Human-readable summaries of loaded data (rich tables) and the numbers behind ``mvae data inspect``.

File names, paths and skip details come from user data: they are printed as plain :class:`rich.text.Text` (no
markup, no emoji codes, no highlighting) after :func:`printable` has made control characters and undecodable bytes
visible, so a name can neither style the output nor forge a line of it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mvae_core.config import DataConfig
from mvae_core.data.load import DataReport
from mvae_core.data.table import NoteTable

_ESCAPED_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")  # control characters, lone surrogates, line/paragraph separators
_BIDI_CONTROLS = ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")  # can reorder the text around them
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


def printable(text: str) -> str:
    """``text`` with control characters, line separators and bidirectional overrides escaped (``\\n``, ``\\x1b``,
    ``\\u202e``) and the undecodable bytes of a file name (``os``'s surrogate escapes) shown as ``\\xff``; every other
    character is kept as it is."""
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 in a file name (os.fsdecode's surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES or unicodedata.bidirectional(char) in _BIDI_CONTROLS:
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return "".join(out)


def print_summary(console: Console, summary: dict[str, Any], title: str = "data") -> None:
    """The summary table; ``title`` may hold user paths and is printed literally."""
    table = Table(title=Text(printable(title)), show_header=False, title_justify="left")
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
    """One line per skipped source (the first ``limit``): name, reason, detail, printed literally."""
    skipped = [e for e in report.entries if e["status"] == "skipped"]
    for entry in skipped[:limit]:
        detail = f" ({entry['detail']})" if entry.get("detail") else ""
        line = printable(f"  skipped {entry['source']}: {entry['reason']}{detail}")
        console.print(Text(line), highlight=False, soft_wrap=True)
    if len(skipped) > limit:
        console.print(f"  ... and {len(skipped) - limit} more (see data_report.json or mvae data inspect --json)")
