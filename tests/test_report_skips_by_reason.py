"""The lines that name skipped sources share their limit among the reasons: since corpus:essen reads its 2/2 and
4/2 tunes and counts the rest as 'no 4/4 bar' (6,015 tunes), the ten lines after `mvae train` (make demo's) were all
of that reason, and the 360 tunes skipped as too sparse, which a setting can bring back, were not named at all."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.data.load import DataReport
from mvae_core.report import print_skips


def _skipped(source: str, reason: str) -> dict:
    return {"source": source, "status": "skipped", "reason": reason, "detail": ""}


def _printed(entries: list[dict], limit: int) -> list[str]:
    report = DataReport(entries=entries)
    stream = io.StringIO()
    print_skips(Console(file=stream, width=200), report, limit=limit, full="FULL")
    return stream.getvalue().splitlines()


def test_a_reason_with_few_sources_is_not_hidden_by_one_with_thousands():
    entries = [_skipped(f"many{i}", "no 4/4 bar") for i in range(100)] + [
        _skipped(f"few{i}", "too sparse") for i in range(2)
    ]
    lines = _printed(entries, limit=10)
    assert lines[:10] == [f"  skipped many{i}: no 4/4 bar" for i in range(8)] + [
        f"  skipped few{i}: too sparse" for i in range(2)
    ]
    assert lines[10] == "  ... and 92 more skipped (see FULL)"


def test_the_limit_is_shared_in_turns_and_kept():
    """Turns: a, b, c, then a, b (c has no more), then a: six lines, each reason's together."""
    entries = [_skipped(f"a{i}", "A") for i in range(5)] + [_skipped(f"b{i}", "B") for i in range(5)]
    lines = _printed([*entries, _skipped("c0", "C")], limit=6)
    assert [line.split()[1].rstrip(":") for line in lines[:6]] == ["a0", "a1", "a2", "b0", "b1", "c0"]
    assert lines[6:] == ["  ... and 5 more skipped (see FULL)"]


def test_few_skipped_sources_are_all_named_in_file_order_within_a_reason():
    entries = [_skipped("x", "A"), _skipped("y", "B"), _skipped("z", "A")]
    assert _printed(entries, limit=10) == ["  skipped x: A", "  skipped z: A", "  skipped y: B"]
