"""A finished run whose validation file is gone (deleted or moved since training) loses only its pitch gaps, which
need those loops, and the summary says why. Before, the re-run that writes the summary stopped with exit 2 on
that one run, and no summary was written for any run."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.ablation.facts import NO_VALIDATION
from mvae_core.cli import app


@pytest.mark.slow
def test_a_run_whose_validation_file_is_gone_keeps_its_row_and_says_why_its_gaps_are_missing(synth_dir, tmp_path):
    data, out = tmp_path / "midi", tmp_path / "abl"
    shutil.copytree(synth_dir, data)
    args = ["ablate", str(data), "--plugins", "kl_anneal", "--seeds", "1", "--epochs", "1", "--jobs", "2"]
    args += ["--samples", "8", "--set", "model.hidden=32", "--set", "data.transpositions=[]", "--out", str(out)]
    assert CliRunner().invoke(app, args, catch_exceptions=False).exit_code == 0
    split = json.loads((out / "runs" / "all" / "seed-0" / "split.json").read_text(encoding="utf-8"))
    for name in split["validation"]:  # absolute paths; both configurations of seed 0 validate on these files
        Path(name).unlink()
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open(out / "summary.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert all(r["in_key_gap"] == "" and float(r["gen_timing_std"]) > 0 for r in rows)
    line = next(line for line in (out / "summary.md").read_text().splitlines() if line.startswith("| all | 1 / 1"))
    assert line.split(" | ").count(NO_VALIDATION) == 4
