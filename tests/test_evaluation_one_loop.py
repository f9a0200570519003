"""``mvae evaluate`` on a single loop: nothing can vary over one posterior mean, so ``active_units`` is ``None``
(``n/a``), not the 0 that reads as a collapsed latent; the pitch gaps have no spread to measure either."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mvae_core.data.load import load_dataset
from mvae_core.data.split import LoopSet
from mvae_core.evaluation import all_loops, evaluate
from mvae_core.models import build_model
from tests.training import SEED, tiny_config


def test_one_loop_has_no_active_units_count_and_no_pitch_gap(synth_dir: Path) -> None:
    cfg = tiny_config(SEED)
    table, _ = load_dataset([str(synth_dir)], cfg.data, jobs=1)
    model = build_model(cfg)
    one = LoopSet(table, np.arange(1), np.zeros(1, dtype=np.int64))
    result = evaluate(model, cfg, one, samples=16)
    assert result["loops"] == 1
    assert result["latent"]["active_units"] is None  # it said 0: "the latent is unused", from one loop
    assert result["latent"]["mean_kl"] >= 0 and len(result["latent"]["kl_per_dimension"]) == cfg.model.latent_dim
    assert all(result["pitch"][f]["gap_closed"] is None for f in ("in_key", "stepwise", "pc_entropy"))
    several = evaluate(model, cfg, all_loops(table), samples=16)
    assert isinstance(several["latent"]["active_units"], int)
