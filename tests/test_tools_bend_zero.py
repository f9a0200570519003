"""``mvae bend --sigma 0`` said "14 decoder tensors bent (sigma 0.0 × each tensor's std ...)" of a copy whose weights
are the source's: it now says the copy is unchanged (and the weights are indeed the same)."""

from __future__ import annotations

from pathlib import Path

from safetensors.numpy import load_file
from typer.testing import CliRunner

from mvae_core.cli import app


def test_sigma_zero_says_unchanged_and_is(tiny_run: Path, tmp_path: Path, wide_console):
    out = tmp_path / "copy"
    result = CliRunner().invoke(app, ["bend", str(tiny_run), "--sigma", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "copied unchanged (sigma 0: no noise)" in result.stdout and " bent " not in result.stdout
    before, after = load_file(tiny_run / "model.safetensors"), load_file(out / "model.safetensors")
    assert before.keys() == after.keys() and all((before[k] == after[k]).all() for k in before)


def test_a_real_sigma_still_says_bent(tiny_run: Path, tmp_path: Path, wide_console):
    result = CliRunner().invoke(app, ["bend", str(tiny_run), "--sigma", "0.1", "--out", str(tmp_path / "bent")])
    assert result.exit_code == 0, result.output
    assert "decoder tensors bent (sigma 0.1 × each tensor's std, seed 0)" in result.stdout
