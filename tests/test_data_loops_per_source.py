"""A whole song among short clips can make most of the loops: the data summary names the source with the most loops
and its share, beside the median, so that one file's weight in training is visible."""

from __future__ import annotations

import numpy as np
from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.report import data_summary, print_summary
from tests.synth import random_melody, write_midi


def test_the_summary_names_the_source_with_the_most_loops(tmp_path):
    rng = np.random.default_rng(5)
    for i in range(3):
        write_midi(tmp_path / f"clip {i}.mid", random_melody(rng, 2))
    write_midi(tmp_path / "whole song.mid", random_melody(rng, 14))  # 28 bars
    cfg = DataConfig(cache_dir="none")
    table, report = load_dataset([str(tmp_path)], cfg)
    summary = data_summary(table, report, cfg)
    song = str(tmp_path / "whole song.mid")
    assert summary["loops_per_source"] == {"median": 2.0, "largest": song, "loops": 14, "share": 0.7}
    console = Console(record=True, width=300)
    print_summary(console, summary)
    text = " ".join(console.export_text().split())
    assert f"loops per source │ median 2, most 14 (70.0% of the loops): {song} │" in text
