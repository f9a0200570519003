"""Several warnings of one kind that end alike (the same explanation and advice) say it once: `make demo` opened with
ten same-notes warnings of ~330 characters each, every one repeating why both files are used and what to do."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.data.load import DataReport, same_notes_message
from mvae_core.report import SHARED_ENDING, print_skips


def _printed(report: DataReport, limit: int = 10) -> list[str]:
    out = io.StringIO()
    print_skips(Console(file=out, width=100, soft_wrap=True), report, limit=limit)
    return out.getvalue().splitlines()


def _entry(source: str, *warnings: tuple[str, str]) -> dict:
    return {"source": source, "status": "ok", "warnings": [{"kind": k, "message": m} for k, m in warnings]}


def test_same_notes_warnings_say_their_explanation_once_then_one_short_line_each() -> None:
    report = DataReport(
        entries=[
            _entry("corpus:essen/b#2", ("same notes", same_notes_message("corpus:essen/a#1"))),
            _entry("corpus:essen/d#4", ("same notes", same_notes_message("corpus:essen/c#3", -5))),
            _entry("corpus:essen/e#5", ("pickup", "most onsets fall on beat 3 of the bar")),
        ]
    )
    lines = _printed(report)
    shared = same_notes_message("corpus:essen/a#1").split("as corpus:essen/a#1 ", 1)[1]
    assert lines == [
        f'  warning, same notes (2 sources); "…" below is "{shared}"',
        "    corpus:essen/b#2: the same notes (pitch, step and velocity of each) as corpus:essen/a#1 …",
        "    corpus:essen/d#4: the same notes 5 semitones lower (step and velocity of each) as corpus:essen/c#3 …",
        "  warning, corpus:essen/e#5: pickup: most onsets fall on beat 3 of the bar",
    ]
    assert len(shared) >= SHARED_ENDING


def test_warnings_that_share_little_are_printed_whole_and_the_rest_counted() -> None:
    report = DataReport(entries=[_entry(f"f{i}.mid", ("odd", f"message {i} ends with x")) for i in range(3)])
    assert _printed(report, limit=2) == [
        "  warning, f0.mid: odd: message 0 ends with x",
        "  warning, f1.mid: odd: message 1 ends with x",
        "  ... and 1 more odd warnings (see data_report.json or mvae data inspect --json)",
    ]


def test_the_shared_ending_starts_at_a_clause_never_mid_phrase() -> None:
    """Messages that differ only in a number share '… half-steps; …' from that number on: the part said once starts
    at the first clause after it (here after ': '), so each source's line keeps its number with the words around it."""
    end = "with no regularity at the beat: its timing would train the timing head on noise. Quantize it"
    report = DataReport(
        entries=[
            _entry(f"s{std}.mid", ("unaligned timing", f"chance (std 0.{std} half-steps) {end}")) for std in (56, 57)
        ]
    )
    assert _printed(report) == [
        '  warning, unaligned timing (2 sources); "…" below is "its timing would train the timing head on noise. Quantize it"',
        "    s56.mid: chance (std 0.56 half-steps) with no regularity at the beat: …",
        "    s57.mid: chance (std 0.57 half-steps) with no regularity at the beat: …",
    ]
