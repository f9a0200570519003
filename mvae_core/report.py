"""Human-readable summaries of loaded data (rich tables) and the numbers behind ``mvae data inspect``.

File names, paths and skip details come from user data: they are printed as plain :class:`rich.text.Text` (no
markup, no emoji codes, no highlighting) after :func:`printable` has made control characters and undecodable bytes
visible, so a name can neither style the output nor forge a line of it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from mvae_core.config import DataConfig
from mvae_core.data.load import DataReport, ParseProgress
from mvae_core.data.melody import took_top_line
from mvae_core.data.pitch_window import fewest_outside, summed_counts
from mvae_core.data.sources import READ_SUFFIXES
from mvae_core.data.table import NoteTable
from mvae_core.data.tempo import tempo_row

_ESCAPED_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")  # control characters, lone surrogates, line/paragraph separators
_BIDI_CONTROLS = ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")  # can reorder the text around them
QUANTIZED_WITHIN = 0.05
"""Notes whose offset lies within ± this many half-steps of the grid count as on it (:func:`within_count`)."""
QUANTIZED_SHARE = 0.95
"""The share of the notes within ±:data:`QUANTIZED_WITHIN` at or above which notes are quantized (:func:`quantized`):
``mvae data inspect``'s ``(quantized)``, and where the notes are known, ``mvae evaluate``'s ``spread_ratio``."""
QUANTIZED_STD = 0.02
"""A timeshift std (half-steps; 1.25 ms at 120 bpm) under which notes count as quantized whatever their share on the
grid, and the only test where only their std is known: the epoch line's ``spread`` and the ablation's
``timing_spread_ratio`` (:func:`quantized`). The same number as ts_variance_monitor's default ``quantized_std``, so the
line and the plugin's note agree."""
TIMING_UNIT = "half-steps of the 16th grid"
"""The unit of the timing spread row, named in full: a musician reads a bare "half-steps" as semitones. A half-step
is half a 16th note (a 32nd; docs/quickstart.md gives it in ms)."""
OUT_OF_ROWS_ADVISED = 0.05
"""The share of the notes in loops, folded into the pitch rows (or dropped), above which the data table says to move
the rows: docs/quickstart.md (Folded) says a folded note turns a step of the line into a leap of an octave or so, and
to move the window when "more than a few percent" fold (22 % of twelve saxophone solos under the default rows)."""
NO_MIDI_FILES = "no MIDI files found"
"""What DATA that holds no source at all gives (a DAW project folder of .als files and samples): the data table's
row, and the reason in train's and evaluate's error (:func:`skip_reasons`)."""


def within(offsets: np.ndarray | list[float]) -> np.ndarray:
    """Per timeshift offset (half-steps), whether it lies within ±:data:`QUANTIZED_WITHIN`, compared in float32, the
    precision the note table stores offsets in: an offset of 0.05 is stored as float32 0.0500000007 and is within, as
    is a float64 offset that rounds to it."""
    return np.abs(np.asarray(offsets, dtype=np.float32)) <= np.float32(QUANTIZED_WITHIN)


def within_count(offsets: np.ndarray | list[float]) -> int:
    """How many timeshift ``offsets`` (half-steps) lie within ±:data:`QUANTIZED_WITHIN` (:func:`within`). The one rule
    of ``mvae data inspect``'s ``within_0.05``, ``mvae evaluate``'s ``data_within_0.05`` and ``generated_within_0.05``
    and the ablation's ``gen_within_0_05``."""
    return int(np.count_nonzero(within(offsets)))


def skip_reasons(report: DataReport) -> str:
    """Why ``report``'s data gave no loop, for an error: the skipped sources by reason (``no notes: 2, drums only:
    1``), or :data:`NO_MIDI_FILES` when there was no source to skip; then the archives found and not read."""
    reasons = ", ".join(f"{r}: {n}" for r, n in report.skipped_by_reason().items()) or NO_MIDI_FILES
    return reasons + (f"; archives not read: {_archives_line(report.archives)}" if report.archives else "")


@contextmanager
def parse_progress(console: Console) -> Iterator[ParseProgress | None]:
    """A progress bar of the files parsed now, on ``console`` when it is a terminal (``None`` otherwise: a log or a
    pipe gets no bar); it appears with the first file parsed, so a load from the cache shows none, and is gone
    when the block ends."""
    if not console.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn("parsing MIDI files"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = None

    def advance(parsed: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("parse", total=total)
        bar.update(task, completed=parsed)

    try:
        yield advance
    finally:
        bar.stop()


def data_summary(table: NoteTable, report: DataReport, cfg: DataConfig) -> dict[str, Any]:
    """Files ok/skipped by reason, loops, notes, pitch range, folded/collided, the melody notes of the files used
    that fall in no loop (``outside_loops`` of ``notes_in_files``) or in loops under ``min_onsets`` notes
    (``short_loop_notes``), timing spread, the loops' ``tempo`` (the report's). ``cfg`` as given: a
    ``pitch_low = "auto"`` is the number the report's reading chose
    (:meth:`~mvae_core.data.load.DataReport.read_with`), and ``chosen_pitch_rows`` names its rows (the lowest and
    highest MIDI pitch; ``None`` when ``pitch_low`` was given as a number)."""
    cfg = report.read_with(cfg)
    totals = report.totals()
    low, high = table.loop_row_range()
    timing = _timing_stats(table)
    outside_loops = sum(int(e.get("outside_loops", 0)) for e in report.ok)
    notes_in_files = sum(int(e.get("notes_in_file", 0)) for e in report.ok)
    in_loops = notes_in_files - outside_loops  # every one folded or dropped when it lies outside the pitch rows
    summary: dict[str, Any] = {
        "sources_ok": len(report.ok),
        "skipped": report.skipped_by_reason(),
        "loops": table.n_loops,
        "notes": table.n_notes,
        "notes_per_loop": float(table.notes_per_loop().mean()) if table.n_loops else 0.0,
        "pitch_range": [int(low.min()) + cfg.pitch_low, int(high.max()) + cfg.pitch_low] if table.n_notes else None,
        "folded": totals["folded"],
        "dropped": totals["dropped"],
        "collided": totals["collided"],
        "folded_share": totals["folded"] / in_loops if in_loops else None,
        "dropped_share": totals["dropped"] / in_loops if in_loops else None,
        "suggested_window": _suggested_window(report, cfg, in_loops),
        "chosen_pitch_rows": None if report.chosen_pitch_low is None else _rows(cfg),
        "other_meter_bars": totals["other_meter_bars"],
        "drum_notes": totals["drum_notes"],
        "left_out_notes": totals["left_out_notes"],
        "outside_loops": outside_loops,
        "short_loop_notes": sum(_short_loop_notes(e) for e in report.ok),
        "notes_in_files": notes_in_files,
        "loops_per_source": _loops_per_source(report),
        "warnings": report.warnings_by_kind(),
        **timing,
        "tempo": report.tempo,
        "min_onsets": cfg.min_onsets,
        "cached_units": report.cached_units,
        "parsed_units": report.parsed_units,
        "seconds": round(report.seconds, 3),
        "archives": report.archives,
    }
    return summary


def _suggested_window(report: DataReport, cfg: DataConfig, in_loops: int) -> dict[str, Any] | None:
    """The window of ``data.pitch_classes`` rows that leaves the fewest notes in loops of the files used outside
    (:func:`~mvae_core.data.pitch_window.fewest_outside`, ties to the nearest the configured ``data.pitch_low``):
    its ``pitch_low``, ``pitch_classes``, the notes it would fold (or drop), ``outside``, and their ``outside_share``
    of the notes in loops, the share ``folded_share`` gives for the configured window; ``None`` with no note in a
    loop."""
    if not in_loops:
        return None
    best = fewest_outside(summed_counts(report.ok), cfg.pitch_classes, prefer=cfg.pitch_low)
    return {
        "pitch_low": best.pitch_low,
        "pitch_classes": best.pitch_classes,
        "outside": best.outside,
        "outside_share": best.outside / in_loops,
    }


def _rows(cfg: DataConfig) -> list[int]:
    """The lowest and highest MIDI pitch of the rows of ``cfg`` (a number of ``pitch_low``)."""
    return [cfg.pitch_low, cfg.pitch_low + cfg.pitch_classes - 1]


def _chosen_rows(summary: dict[str, Any]) -> str:
    """The ``pitch rows`` row of a summary whose rows ``"auto"`` chose: which, and the share they fold (or drop)."""
    low, high = summary["chosen_pitch_rows"]
    dropping = (summary.get("dropped_share") or 0) > (summary.get("folded_share") or 0)
    share = summary["dropped_share" if dropping else "folded_share"] or 0
    return (
        f'MIDI {low} .. {high}, chosen from the data (data.pitch_low = "auto"): the {high - low + 1} rows that '
        f"{'drop' if dropping else 'fold'} the fewest notes ({share:.1%})"
    )


def _loops_per_source(report: DataReport) -> dict[str, Any] | None:
    """The median loops of a used source and the source with the most (``largest``, its ``loops`` and ``share`` of
    all loops: a whole song among short clips can dominate the table); ``None`` with no source used."""
    used = report.ok
    if not used:
        return None
    loops = [int(e["loops"]) for e in used]
    largest = max(used, key=lambda e: int(e["loops"]))
    total = sum(loops)
    return {
        "median": float(np.median(loops)),
        "largest": largest["source"],
        "loops": int(largest["loops"]),
        "share": int(largest["loops"]) / total,
    }


def _out_of_rows(summary: dict[str, Any]) -> str:
    """The ``folded / dropped / collided`` row: each count of notes outside the pitch rows with its share of the notes
    in loops, and, on a line of its own above :data:`OUT_OF_ROWS_ADVISED`, what to do (a summary without the shares,
    a test's or an old JSON's, gives the counts alone)."""
    counts = []
    for key in ("folded", "dropped"):
        share = summary.get(f"{key}_share")
        counts.append(f"{summary[key]} ({share:.1%} of the notes)" if summary[key] and share else str(summary[key]))
    row = f"{counts[0]} / {counts[1]} / {summary['collided']} notes"
    if max(summary.get("folded_share") or 0, summary.get("dropped_share") or 0) > OUT_OF_ROWS_ADVISED:
        said = f"more than {OUT_OF_ROWS_ADVISED:.0%} of the notes lie outside the pitch rows: "
        row += "\n" + said + _window_advice(summary)
    return row


def _window_advice(summary: dict[str, Any]) -> str:
    """What the line over :data:`OUT_OF_ROWS_ADVISED` says to do: set the window that leaves the fewest notes
    outside (``suggested_window``), with the share it would fold or drop, and widen the rows too where even that
    window leaves more than the advised share; widen them where the configured window is that window (the suggestion
    leaves out as many notes as the configured rows: ties go to the configured window); move or widen them, naming
    no window, for a summary without ``suggested_window`` (an old JSON's)."""
    window = summary.get("suggested_window")
    if window is None:
        return "move or widen them (data.pitch_low, data.pitch_classes; docs/quickstart.md, Folded)"
    dropping = (summary.get("dropped_share") or 0) > (summary.get("folded_share") or 0)
    verb, rows = "drop" if dropping else "fold", window["pitch_classes"]
    if window["outside"] == summary["folded"] + summary["dropped"]:
        return f"no {rows} rows {verb} fewer: widen them (data.pitch_classes; docs/quickstart.md, Folded)"
    best = f"--set data.pitch_low={window['pitch_low']} {verb}s {window['outside_share']:.1%}"
    if window["outside_share"] <= OUT_OF_ROWS_ADVISED:
        return f"{best}, the fewest of any {rows} rows (docs/quickstart.md, Folded)"
    return f"{best}, the fewest of any {rows} rows: widen them too (data.pitch_classes; docs/quickstart.md, Folded)"


def _short_loop_notes(entry: dict[str, Any]) -> int:
    """The notes of a used source that were in loops of fewer than ``data.min_onsets`` notes, left out of the table:
    every melody note of the file is in no loop (``outside_loops``), dropped out of range, lost to a collision, or in
    a loop, and of the loops the table keeps ``notes``."""
    lost = sum(int(entry.get(k, 0)) for k in ("outside_loops", "dropped", "collided"))
    return int(entry.get("notes_in_file", 0)) - lost - int(entry.get("notes", 0))


def quantized(std: float | None, within_share: float | None = None) -> bool:
    """Whether notes whose timeshift std is ``std`` (half-steps) and of which ``within_share`` lie within
    ±:data:`QUANTIZED_WITHIN` are quantized: at least :data:`QUANTIZED_SHARE` of them on the grid, or a std under
    :data:`QUANTIZED_STD`. The one rule of "quantized": ``mvae data inspect``'s ``(quantized)``, and (through
    :func:`has_timing_spread`) where a spread ratio reads ``quantized``. A few far-off notes can lift the std of
    notes almost all on the grid over :data:`QUANTIZED_STD` (held-out Essen tunes: std 0.036, 99.9 % within): the share
    says quantized there. ``within_share`` ``None`` (or NaN) where only the std is known (the epoch line, the
    ablation's ``timing_spread_ratio`` from ``metrics.jsonl``): the std alone decides; ``std`` ``None`` or NaN (fewer
    than two notes) says nothing."""
    on_grid = within_share is not None and not math.isnan(within_share) and within_share >= QUANTIZED_SHARE
    return on_grid or (std is not None and not math.isnan(std) and std < QUANTIZED_STD)


def has_timing_spread(data_std: float | None, within_share: float | None = None) -> bool:
    """Whether notes whose timeshift std is ``data_std`` (half-steps), ``within_share`` of them within
    ±:data:`QUANTIZED_WITHIN` (``None`` where not known), have a timing spread that a spread ratio can be measured
    against: a std (``None`` or NaN: fewer than two notes) of notes that are not :func:`quantized`. The one rule of
    where a spread ratio reads ``quantized`` instead of a number: the epoch line's ``spread`` and the ablation's
    ``timing_spread_ratio`` (:func:`shown_spread_ratio`, the std alone), and ``mvae evaluate``'s ``spread_ratio``
    (:mod:`mvae_core.evaluation`, with the share of DATA's notes on the grid)."""
    return data_std is not None and not math.isnan(data_std) and not quantized(data_std, within_share)


def shown_spread_ratio(record: dict[str, Any]) -> float | None:
    """An epoch's timing spread ratio as a reader is shown it (``metrics.jsonl``'s ``timing_spread_ratio``:
    reconstructed ÷ true timeshift spread of the validation notes), or ``None`` where it means nothing: the ratio is
    undefined (null, NaN), or the validation notes' own spread (``timing_std``'s ``data``) has no spread to compare
    with (:func:`has_timing_spread`), where it divides by almost nothing (``399.71`` for an untrained model on a
    folder of mostly quantized clips). The epoch line's ``spread`` and the ablation's ``timing_spread_ratio`` show
    ``quantized`` for ``None``."""
    ratio = record.get("timing_spread_ratio")
    if not has_timing_spread(record.get("timing_std", {}).get("data")) or ratio is None or not math.isfinite(ratio):
        return None
    return ratio


def _timing_stats(table: NoteTable) -> dict[str, Any]:
    """Standard deviation of the offsets (:func:`~mvae_core.metrics.timing_std`'s, over the table's chunks), the share
    within ±:data:`QUANTIZED_WITHIN` (:func:`within_count`) and whether the two make the data :func:`quantized`, one
    chunk in memory at a time (:meth:`NoteTable.loop_chunks`: the table may be memory-mapped, larger than RAM)."""
    from mvae_core.metrics import timing_std_of_chunks  # torch: not in this module's import (the CLI's)

    n, within = table.n_notes, 0
    if not n:
        return {"timeshift_std": float("nan"), "within_0.05": float("nan"), "quantized": False}

    def chunks() -> Iterator[np.ndarray]:
        nonlocal within
        for lo, hi in table.loop_chunks():
            chunk = np.asarray(table.timeshift[table.offsets[lo] : table.offsets[hi]])
            within += within_count(chunk)
            yield chunk

    std = timing_std_of_chunks(chunks())
    share = within / n
    return {"timeshift_std": std, "within_0.05": share, "quantized": quantized(std, share)}


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
    table.add_column(overflow="fold")  # a long path has no space to wrap at: folded, not cut with an ellipsis
    skipped = summary["skipped"]
    if not summary["sources_ok"] and not skipped:  # a table of zeros would not say that nothing was read
        table.add_row("sources", f"{NO_MIDI_FILES} (mvae reads {', '.join(READ_SUFFIXES)} files)")
        if archives := summary.get("archives"):
            table.add_row("archives not read", Text(printable(_archives_line(archives))))
        console.print(table)
        return
    table.add_row("sources used", str(summary["sources_ok"]))
    table.add_row("sources skipped", ", ".join(f"{r}: {n}" for r, n in skipped.items()) if skipped else "0")
    if summary["loops"]:
        table.add_row(
            "loops / notes", f"{summary['loops']} / {summary['notes']} ({summary['notes_per_loop']:.1f} per loop)"
        )
        if summary.get("chosen_pitch_rows"):
            table.add_row("pitch rows", _chosen_rows(summary))
        table.add_row("pitch range used", "{} .. {}".format(*summary["pitch_range"]))
        table.add_row("folded / dropped / collided", _out_of_rows(summary))
    else:  # every source skipped: not "0 / 0 (0.0 per loop)" and "0 / 0 / 0 notes"
        table.add_row("loops / notes", "none: no source gave a loop (the skipped sources below say why)")
    if (per_source := summary.get("loops_per_source")) and summary["sources_ok"] > 1:
        table.add_row(
            "loops per source",
            Text(
                printable(
                    f"median {per_source['median']:g}, most {per_source['loops']} ({per_source['share']:.1%} of the "
                    f"loops): {per_source['largest']}"
                )
            ),
        )
    if summary["other_meter_bars"]:
        table.add_row("bars not in 4/4 in files used (skipped)", str(summary["other_meter_bars"]))
    if summary.get("outside_loops"):  # a summary written before the key (a test's, an old JSON) has none
        table.add_row(
            "melody notes in no loop (left out)",
            f"{summary['outside_loops']} of {summary['notes_in_files']} in files used (pickups, bars not in 4/4, "
            "a loop cut short by a meter change)",
        )
    if summary.get("short_loop_notes"):
        table.add_row(
            "short loops (left out)",
            f"{_notes(summary['short_loop_notes'])} in loops under data.min_onsets = {summary['min_onsets']}",
        )
    if summary["drum_notes"] or summary["left_out_notes"]:
        table.add_row(
            "not the melody (left out)",
            f"{_notes(summary['left_out_notes'])} of other parts, {summary['drum_notes']} drum "
            f"note{'' if summary['drum_notes'] == 1 else 's'}",
        )
    if summary["warnings"]:
        table.add_row("warnings (files)", ", ".join(f"{kind}: {n}" for kind, n in summary["warnings"].items()))
    if summary["notes"]:
        spread = f"std {summary['timeshift_std']:.3f} {TIMING_UNIT}, {summary['within_0.05']:.1%} within ±0.05"
        table.add_row("timing spread", spread + (" [yellow](quantized)[/]" if summary["quantized"] else ""))
    if tempo := summary.get("tempo"):  # a summary written before the key (a test's, an old JSON) has none
        table.add_row("tempo", tempo_row(tempo))
    if archives := summary.get("archives"):
        table.add_row("archives not read", Text(printable(_archives_line(archives))))
    took = f"{summary['seconds']:.1f} s" if summary["seconds"] >= 0.05 else "under 0.1 s"  # not a stuck 0.0
    table.add_row("parse cache", f"{summary['cached_units']} cached, {summary['parsed_units']} parsed, {took}")
    console.print(table)


def _notes(count: int) -> str:
    """``1 note``, ``2 notes``: a row's count as a musician reads it."""
    return f"{count} note{'' if count == 1 else 's'}"


def _archives_line(archives: list[str]) -> str:
    """The archives row: how many, the first, and what to do (mvae does not look inside an archive)."""
    more = f" and {len(archives) - 1} more" if len(archives) > 1 else ""
    return (
        f"{len(archives)}: {archives[0]}{more}; mvae does not read inside archives: unpack them to use their MIDI files"
    )


FULL_REPORT = "data_report.json or mvae data inspect --json"
"""Where every source's entry is, for the lines that :func:`print_skips` leaves out (after ``mvae train``)."""


def print_skips(console: Console, report: DataReport, limit: int = 10, full: str = FULL_REPORT) -> None:
    """Per source, printed literally (the first ``limit`` of each kind): why it was skipped (the ``limit`` lines
    shared among the reasons, so that thousands skipped for one reason do not hide the few skipped for another);
    which notes became the melody when that was a choice (a file with several parts); its warnings. ``full``: where
    the rest are."""
    by_reason: dict[str, list[str]] = {}
    for e in report.entries:
        if e["status"] == "skipped":
            line = f"  skipped {e['source']}: {e['reason']}" + (f" ({e['detail']})" if e.get("detail") else "")
            by_reason.setdefault(e["reason"], []).append(line)
    _print_some(console, _shared(list(by_reason.values()), limit), limit, ("skipped", "skipped"), full)
    chosen = [e for e in report.entries if e["status"] == "ok" and (e.get("left_out_notes") or e.get("drum_notes"))]
    _print_some(
        console,
        [f"  melody of {e['source']}: {_melody_line(e)}" for e in chosen],
        limit,
        ("melody choice", "melody choices"),
        full,
    )
    unlooped = [e for e in report.entries if e["status"] == "ok" and e.get("outside_loops")]
    _print_some(
        console,
        [f"  left out of {e['source']}: {_unlooped_line(e)}" for e in unlooped],
        limit,
        ("file with notes in no loop", "files with notes in no loop"),
        full,
    )
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for entry in report.entries:
        source = entry["source"] + (" (skipped)" if entry["status"] == "skipped" else "")
        for warning in entry.get("warnings", []):
            by_kind.setdefault(warning["kind"], []).append((source, warning["message"]))
    for kind, warned in by_kind.items():
        template = _template([message for _, message in warned]) if len(warned) > 1 else None
        if template is None:
            lines = [f"  warning, {source}: {kind}: {message}" for source, message in warned]
            _print_some(console, lines, limit, (f"{kind} warning", f"{kind} warnings"), full)
            continue
        head, tail = template
        own = [(source, message[len(head) : len(message) - len(tail)].strip()) for source, message in warned]
        if own[0][1] and (mark := own[0][1][-1]) in ":;," and all(part.endswith(mark) for _, part in own):
            own, tail = [(source, part[:-1]) for source, part in own], mark + tail  # "(at tick 181):" → "…: each"
        said = f'"{head}…{tail}", where "…" is, by source:' if any(part for _, part in own) else f'"{head}", for:'
        console.print(Text(printable(f"  warning, {kind} ({len(warned)} sources): {said}")), soft_wrap=True)
        lines = [f"    {source}: {part}" if part else f"    {source}" for source, part in own]
        _print_some(console, lines, limit, (f"{kind} warning", f"{kind} warnings"), full)


SHARED_TEXT = 40
"""Characters that several warnings of one kind must share (beginning and end together) for :func:`print_skips` to
say that text once, and per source only what differs."""


def _template(messages: list[str]) -> tuple[str, str] | None:
    """What all ``messages`` (at least two) begin and end with alike, as ``(head, tail)``, each cut at a space so
    that no word is split: the part between, where they differ, is each one's own (a number, a file name); the whole
    message and ``""`` when they are all the same. None when the two hold fewer than :data:`SHARED_TEXT` characters
    together."""
    if len(set(messages)) == 1:
        return (messages[0], "") if len(messages[0]) >= SHARED_TEXT else None
    shortest = min(map(len, messages))
    forwards = zip(*messages, strict=False)
    same = next((i for i, chars in enumerate(forwards) if len(set(chars)) > 1), shortest)
    head = messages[0][: messages[0].rfind(" ", 0, same + 1) + 1]  # up to the last space within the shared start
    backwards = zip(*(message[::-1] for message in messages), strict=False)
    alike = min(next((i for i, chars in enumerate(backwards) if len(set(chars)) > 1), shortest), shortest - len(head))
    ending = messages[0][len(messages[0]) - alike :]
    tail = ending[ending.find(" ") :] if " " in ending else ""  # from the first space within the shared end
    return (head, tail) if len(head) + len(tail) >= SHARED_TEXT else None


def _unlooped_line(entry: dict[str, Any]) -> str:
    """Which melody notes of a used file fall in no loop, and the bars not in 4/4 that hold some of them."""
    bars = entry.get("other_meter_bars", 0)
    where = f" ({bars} bar{'' if bars == 1 else 's'} not in 4/4 skipped, e.g. a pickup bar or an intro)" if bars else ""
    outside = entry["outside_loops"]
    return f"{outside} of its {entry['notes_in_file']} melody notes fall{'s' if outside == 1 else ''} in no loop{where}"


def _melody_line(entry: dict[str, Any]) -> str:
    """What became the melody of a file and what was left out: with a top line, the pitched notes left out are also
    those under it (a one-part piano file's chords), not only other parts'."""
    whose = "of other parts or under the top line" if took_top_line(entry.get("melody", "")) else "of other parts"
    left = [f"{_notes(entry['left_out_notes'])} {whose}"] if entry.get("left_out_notes") else []
    if drums := entry.get("drum_notes"):
        left.append(f"{drums} drum note{'' if drums == 1 else 's'}")
    return f"{entry.get('melody', '')}; left out {' and '.join(left)}"


def _shared(groups: list[list[str]], limit: int) -> list[str]:
    """The lines of ``groups`` reordered so that the first ``limit`` take from each group in turn (a group with fewer
    lines leaves its turns to the others), each group's shown lines together and in order; the rest follow."""
    shown = [0] * len(groups)
    while sum(shown) < limit and any(n < len(group) for n, group in zip(shown, groups, strict=True)):
        for i, group in enumerate(groups):
            if sum(shown) < limit and shown[i] < len(group):
                shown[i] += 1
    first = [line for n, group in zip(shown, groups, strict=True) for line in group[:n]]
    return first + [line for n, group in zip(shown, groups, strict=True) for line in group[n:]]


def _print_some(console: Console, lines: list[str], limit: int, what: tuple[str, str], full: str) -> None:
    """The first ``limit`` of ``lines``, then how many more there are, as ``what`` (singular, plural) says, and
    where they are (``full``)."""
    for line in lines[:limit]:
        console.print(Text(printable(line)), highlight=False, soft_wrap=True)
    if (more := len(lines) - limit) > 0:
        console.print(f"  ... and {more} more {what[more > 1]} (see {full})")
