"""evaluation.md names every key ``mvae_core.evaluate`` returns, at the top and in each group (the top-level
``loops`` was in the JSON and the table's data row but not on the page)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mvae_core

PAGE = Path(__file__).resolve().parents[1] / "docs" / "evaluation.md"


def named(text: str, key: str, group: str | None = None) -> bool:
    """``key`` in code quotes, as ``group.key``, or a group's own heading."""
    return f"`{key}`" in text or f"`{group}.{key}`" in text or (group is None and f"\n### {key}\n" in text)


def test_every_key_evaluate_returns_is_named_in_evaluation_md(tiny_run, synth_dir):
    with pytest.warns(mvae_core.TrainedOnWarning):  # the tiny run trained on these files
        scores = mvae_core.evaluate(tiny_run, [synth_dir], samples=8)
    text = PAGE.read_text(encoding="utf-8")
    missing = [key for key in scores if not named(text, key)]
    for group, values in scores.items():
        if isinstance(values, dict) and group != "pitch":  # pitch: a dict per feature
            missing += [f"{group}.{key}" for key in values if not named(text, key, group)]
    for feature, values in scores["pitch"].items():
        missing += [f"pitch.{feature}.{key}" for key in [feature, *values] if not named(text, key, "pitch")]
    assert not missing, f"docs/evaluation.md does not name {sorted(set(missing))}"


def test_every_key_compare_returns_is_named_in_evaluation_md(tiny_run, synth_dir, tmp_path):
    import shutil

    other = tmp_path / "copy"
    shutil.copytree(tiny_run, other)
    with pytest.warns(mvae_core.TrainedOnWarning):
        paired = mvae_core.compare(tiny_run, other, [synth_dir], samples=8, resamples=20)
    text = PAGE.read_text(encoding="utf-8")
    keys = [*paired, *paired["runs"]["a"], *next(iter(paired["numbers"].values()))]
    missing = [key for key in keys if not named(text, key)]
    missing += [key for key in paired["numbers"] if not named(text, key) and not named(text, key.split(".")[-1])]
    assert not missing, f"docs/evaluation.md does not name {sorted(set(missing))}"
