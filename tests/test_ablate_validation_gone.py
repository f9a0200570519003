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
from mvae_core.run_data import relocate
from tests.training import TINY


@pytest.mark.slow
def test_a_run_whose_validation_file_is_gone_keeps_its_row_and_says_why_its_gaps_are_missing(tiny_ablation, tmp_path):
    finished, args, first = tiny_ablation  # all and none × seeds 0, 1: finished runs, nothing trains here
    assert first.exit_code == 0, first.output
    data = shutil.copytree(args[1], tmp_path / "midi")  # the session's synth_dir stays whole
    out = shutil.copytree(finished, tmp_path / "abl")
    runs = sorted((out / "runs").glob("*/seed-*"))
    for run in runs:
        relocate(run, [data], jobs=1)  # the runs now read the copy, whose files are theirs byte for byte
    for run in runs:  # absolute paths; both configurations of a seed validate on the same files
        for name in json.loads((run / "split.json").read_text(encoding="utf-8"))["validation"]:
            assert Path(name).parent == data, name
            Path(name).unlink(missing_ok=True)
    again = [str(a) for a in [args[0], data, *args[2:], *(a for s in TINY for a in ("--set", s)), "--out", out]]
    result = CliRunner().invoke(app, again, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "4 finished (skipped)" in result.output, result.output
    with open(out / "summary.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows] == ["ok"] * 4
    assert all(r["in_key_gap"] == "" and float(r["gen_timing_std"]) > 0 for r in rows)
    line = next(line for line in (out / "summary.md").read_text().splitlines() if line.startswith("| all | 2 / 2"))
    assert line.split(" | ").count(NO_VALIDATION) == 4
