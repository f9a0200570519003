"""Several warnings of one kind that share most of their text (the same explanation and advice) say it once, with
"…" where they differ, then per source only its own part: `make demo` opened with ten same-notes warnings of ~330
characters each, and a WJD training with eleven unaligned-timing warnings of ~400, each repeating everything but one
number."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.data.load import DataReport, same_notes_message
from mvae_core.report import SHARED_TEXT, print_skips


def _printed(report: DataReport, limit: int = 10) -> list[str]:
    out = io.StringIO()
    print_skips(Console(file=out, width=100, soft_wrap=True), report, limit=limit)
    return out.getvalue().splitlines()


def _entry(source: str, *warnings: tuple[str, str]) -> dict:
    return {"source": source, "status": "ok", "warnings": [{"kind": k, "message": m} for k, m in warnings]}


def test_same_notes_warnings_say_their_explanation_once_then_what_differs() -> None:
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
        f'  warning, same notes (2 sources): "the same notes … {shared}", where "…" is, by source:',
        "    corpus:essen/b#2: (pitch, step and velocity of each) as corpus:essen/a#1",
        "    corpus:essen/d#4: 5 semitones lower (step and velocity of each) as corpus:essen/c#3",
        "  warning, corpus:essen/e#5: pickup: most onsets fall on beat 3 of the bar",
    ]


def test_warnings_that_share_little_are_printed_whole_and_the_rest_counted() -> None:
    report = DataReport(entries=[_entry(f"f{i}.mid", ("odd", f"message {i} ends with x")) for i in range(3)])
    assert _printed(report, limit=2) == [
        "  warning, f0.mid: odd: message 0 ends with x",
        "  warning, f1.mid: odd: message 1 ends with x",
        "  ... and 1 more odd warning (see data_report.json or mvae data inspect --json)",
    ]


def test_a_number_in_the_middle_is_all_each_source_says_and_no_word_is_split() -> None:
    """Messages that differ in one number (0.56, 0.57, 0.6) keep the words around it whole: what is said once
    ends before the number and starts after it at a space."""
    start, end = "offsets spread like chance (std ", " half-steps) with no regularity at the beat; quantize it"
    report = DataReport(
        entries=[_entry(f"s{std}.mid", ("unaligned timing", f"{start}{std}{end}")) for std in ("0.56", "0.57", "0.6")]
    )
    assert _printed(report) == [
        f'  warning, unaligned timing (3 sources): "{start}…{end}", where "…" is, by source:',
        "    s0.56.mid: 0.56",
        "    s0.57.mid: 0.57",
        "    s0.6.mid: 0.6",
    ]
    assert len(start) + len(end) >= SHARED_TEXT


def test_the_same_warning_for_several_sources_is_said_once_then_the_sources() -> None:
    message = "the file ends in the middle of a bar: its last loop is left out"
    report = DataReport(entries=[_entry(f"t{i}.mid", ("cut", message)) for i in range(2)])
    assert _printed(report) == [f'  warning, cut (2 sources): "{message}", for:', "    t0.mid", "    t1.mid"]


def test_more_than_the_limit_are_counted_in_words_that_fit_the_count() -> None:
    report = DataReport(entries=[_entry(f"f{i}.mid", ("odd", f"message {i} ends with x")) for i in range(4)])
    assert _printed(report, limit=2)[-1] == (
        "  ... and 2 more odd warnings (see data_report.json or mvae data inspect --json)"
    )
