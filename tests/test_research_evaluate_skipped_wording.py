"""``SkippedSourcesWarning`` of one file says it "is not scored" (it said "1 of the 600 files of DATA gave no loop and
are not scored", measured on the dev set's Essen folder), of several that they "are"."""

from __future__ import annotations

from mvae_core.api import _skipped_note


def test_one_skipped_file_is_not_scored_and_two_are_not():
    one = [{"source": "a.mid", "reason": "no loop with enough notes"}]
    assert _skipped_note(one, 600).startswith("1 of the 600 files of DATA gave no loop and is not scored: a.mid: no ")
    two = [*one, {"source": "b.mid", "reason": "not 4/4"}]
    assert _skipped_note(two, 600).startswith("2 of the 600 files of DATA gave no loop and are not scored: a.mid: ")
