"""An ok run's row says why a metric has no value where a word says more than ``n/a`` (``row["missing"]``, as
docs/python_api.md promises): a spread ratio left out over quantized validation notes reads ``quantized`` in the
row, as summary.md, summary.json and ``per_configuration()`` count it. Before, only the pitch gaps' words were in the
row; ``quantized`` was added later, in the summaries alone, so a notebook reading ``result.rows`` saw no word."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import run_path


def _quantized_validation(run: Path) -> None:
    """The run's records as over quantized validation notes: (almost) no timing spread in the data."""
    metrics = run / "metrics.jsonl"
    records = [json.loads(line) for line in metrics.read_text().splitlines()]
    for record in records:
        record["timing_std"]["data"] = 0.001
    metrics.write_text("".join(json.dumps(record) + "\n" for record in records))


def test_an_ok_runs_row_says_quantized_for_its_spread_ratio(tiny_ablation, tmp_path: Path) -> None:
    out = tmp_path / "abl"
    shutil.copytree(run_path(tiny_ablation[0], "all", 0), run_path(out, "all", 0))
    timed = run_row(out, "all", 0, None, samples=8, produced_before="new")
    assert timed["status"] == "ok" and timed["timing_spread_ratio"] is not None
    assert "timing_spread_ratio" not in timed["missing"]
    _quantized_validation(run_path(out, "all", 0))
    quantized = run_row(out, "all", 0, None, samples=8, produced_before="new")
    assert quantized["status"] == "ok" and quantized["timing_spread_ratio"] is None
    assert quantized["missing"]["timing_spread_ratio"] == "quantized"


def test_a_failed_runs_row_gives_no_such_word(tmp_path: Path) -> None:
    failed = run_row(tmp_path, "all", 0, None, samples=8, produced_before="new")
    assert failed["status"] == "failed" and "timing_spread_ratio" not in failed["missing"]
