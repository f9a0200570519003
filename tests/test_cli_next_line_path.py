"""``mvae train``'s ``next:`` line names the run folder as ``--out`` gave it (the library's result holds it absolute),
and a default folder relative to the working folder, where it was made."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import _as_given, app
from tests.training import TINY


def test_the_next_line_names_the_run_as_out_gave_it(pattern_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["train", str(pattern_dir), "--epochs", "1", "--out", "runs/a", *(a for s in TINY for a in ("--set", s))]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "next: mvae generate runs/a --random 8 --out runs/a/samples" in result.stdout


def test_a_default_folder_is_named_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _as_given(None, tmp_path / "runs" / "20261207-230000") == Path("runs/20261207-230000")
    assert _as_given(None, Path("/elsewhere/run")) == Path("/elsewhere/run")
    assert _as_given(Path("mine"), tmp_path / "mine") == Path("mine")
