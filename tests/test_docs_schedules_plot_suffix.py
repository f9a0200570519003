"""docs/schedules.md's ``--plot`` row says which names the preview draws as the code decides it: any suffix matplotlib
writes picks the format (``.gif`` too), and only one it cannot write exits 2 (the row said every suffix but ``.png``,
``.svg`` and ``.pdf`` exits 2, while ``--plot ramp.gif`` drew a GIF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

pytest.importorskip("matplotlib")
ROOT = Path(__file__).resolve().parents[1]


def plot_row() -> str:
    text = (ROOT / "docs" / "schedules.md").read_text(encoding="utf-8")
    (row,) = [line for line in text.splitlines() if line.startswith("| `--plot FILE.png` |")]
    return row


def test_schedules_md_states_the_suffix_rule_the_preview_follows(tmp_path):
    result = CliRunner().invoke(
        app, ["schedules", "preview", "linear", "--epochs", "3", "--plot", str(tmp_path / "r.gif")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.gif").read_bytes().startswith(b"GIF8")
    row = plot_row()
    assert "a suffix matplotlib cannot write exits 2" in row, row
    assert "another suffix exits 2" not in row, row
