"""summary.md's note above each paired table names the columns best at a target (helper-444 finding 8b): it stated
them in prose ("timing_spread_ratio and the gaps closed: 1"), a second copy of the columns' goals that a goal change
would leave wrong; it is now built from the goals themselves."""

from __future__ import annotations

import pytest

from mvae_core.ablation import columns, summary_md
from mvae_core.goals import TARGETS


def test_the_note_names_every_column_best_at_a_target_with_its_target() -> None:
    note = summary_md.NEARER_NOTE
    for key, title in columns.METRICS.items():
        goal = columns.GOALS[key]
        assert (title in note.split("a difference of either sign")[0]) == (goal in TARGETS), (key, note)
    assert "timing_spread_ratio, in-key gap closed, interval gap closed, stepwise gap closed, " in note
    assert "gen. timing std, gen. within ±0.05, gen. notes/loop: the data's;" in note


def test_a_goal_changed_changes_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(columns.GOALS, "onset_f1", "nearer 1")
    assert "(onset_f1, timing_spread_ratio, in-key gap closed" in summary_md._nearer_note()
