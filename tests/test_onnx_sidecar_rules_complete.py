"""The export's sidecar states the whole timing rule a host needs to play notes as mvae writes them: a note is also
cut at the loop's end (a late note on the last step with a long duration otherwise sounds into the next pass of the
loop), only by a *later* start (a chord's notes start together: 'where the next note starts' reads as 0 s), and a
start is compared with the start before it as moved by the rule (a chain of held notes)."""

from __future__ import annotations

from mvae_core.models.onnx import LENGTH_RULE, START_RULE


def test_the_length_rule_names_the_later_start_and_the_loop_end() -> None:
    assert "cut at the next later start and at the loop's end (steps * seconds_per_step)" in LENGTH_RULE


def test_the_start_rule_compares_with_the_moved_start_before() -> None:
    assert "after the start before it (as moved by this rule)" in START_RULE
