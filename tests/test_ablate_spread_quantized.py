"""The ablation's timing_spread_ratio follows the epoch line's rule (:func:`mvae_core.report.shown_spread_ratio`):
on validation notes with almost no timing spread the ratio divides by almost nothing, so the summary says
``quantized``, as the training console did, instead of a number such as 399.71."""

from __future__ import annotations

import json
from pathlib import Path

from mvae_core.ablation.facts import read_facts
from mvae_core.progress import epoch_spread


def _record(epoch: int, ratio: float | None, data_std: float) -> dict:
    return {"epoch": epoch, "val_elbo": 30.0, "timing_spread_ratio": ratio, "timing_std": {"data": data_std}}


def _facts(tmp_path: Path, record: dict):
    (tmp_path / "metrics.jsonl").write_text(json.dumps(record) + "\n")
    return read_facts(tmp_path, 0)


def test_a_ratio_over_nearly_quantized_notes_is_left_out_as_on_the_epoch_line(tmp_path: Path) -> None:
    nearly = _record(0, 399.71, data_std=0.01)
    assert epoch_spread(nearly) == "quantized"
    assert _facts(tmp_path, nearly).timing_spread_ratio is None


def test_a_ratio_over_real_timing_is_kept(tmp_path: Path) -> None:
    timed = _record(0, 0.8, data_std=0.3)
    assert epoch_spread(timed) == "0.80"
    assert _facts(tmp_path, timed).timing_spread_ratio == 0.8
