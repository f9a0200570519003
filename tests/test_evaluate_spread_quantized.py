"""``mvae evaluate`` says ``quantized`` for the spread ratio by the rule of the epoch line and the ablation
(:func:`mvae_core.report.has_timing_spread`: a timing std under ``QUANTIZED_STD``): on data whose offsets had a std of
0.01 half-steps it gave a ratio dividing by almost nothing (50 for a generated std of 0.5), where training and
``mvae ablate`` said ``quantized``."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np

from mvae_core.data.load import load_dataset
from mvae_core.data.table import NoteTable
from mvae_core.evaluation import all_loops, evaluate
from mvae_core.metrics import timing_std
from mvae_core.models import build_model
from mvae_core.progress import epoch_spread
from mvae_core.report import QUANTIZED_STD
from tests.training import SEED, tiny_config

DATA_STD = 0.01


def test_evaluate_calls_data_under_quantized_std_quantized_as_the_epoch_line_does(synth_dir: Path) -> None:
    cfg = tiny_config(SEED)
    table, _ = load_dataset([str(synth_dir)], cfg.data, jobs=1)
    offsets = np.random.default_rng(0).standard_normal(table.n_notes)
    columns = {f.name: np.array(getattr(table, f.name)) for f in dataclasses.fields(NoteTable) if f.name != "sources"}
    columns["timeshift"] = (offsets / timing_std(offsets) * DATA_STD).astype(np.float32)
    table = NoteTable(**columns, sources=list(table.sources))  # in memory: the loaded one is memory-mapped
    result = evaluate(build_model(cfg), cfg, all_loops(table), samples=16, resamples=20)
    timing = result["timing"]
    assert math.isclose(timing["data_std"], DATA_STD, rel_tol=1e-4) and DATA_STD < QUANTIZED_STD
    assert timing["generated_std"] > QUANTIZED_STD  # an untrained model: a ratio would be a large number
    assert math.isnan(timing["spread_ratio"])
    assert result["intervals"]["timing"]["spread_ratio"] is None
    epoch = {"timing_spread_ratio": timing["generated_std"] / DATA_STD, "timing_std": {"data": DATA_STD}}
    assert epoch_spread(epoch) == "quantized"  # the training console's word for the same data
