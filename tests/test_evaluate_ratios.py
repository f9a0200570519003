"""``mvae evaluate``'s ratios say nothing where both of their numbers are 0 (docs/evaluation.md)."""

from __future__ import annotations

import math
from pathlib import Path

import torch

from mvae_core.data.load import load_dataset
from mvae_core.evaluation import all_loops, evaluate
from mvae_core.models import build_model
from tests.training import SEED, tiny_config


def test_a_decoder_that_writes_no_note_has_no_ratio_to_the_origin(synth_dir: Path) -> None:
    """A seed model whose onset head is silenced writes no note at μ nor at the origin: both F1 are 0, and the
    ratio is NaN (JSON null); it said ``inf``, "the latent point carries infinitely much"."""
    cfg = tiny_config(SEED)
    table, _ = load_dataset([str(synth_dir)], cfg.data, jobs=1)
    model = build_model(cfg)
    with torch.no_grad():
        model.heads[0][-1].bias.fill_(-50.0)  # the onset probability of every cell ≈ 0
    reconstruction = evaluate(model, cfg, all_loops(table), samples=4)["reconstruction"]
    assert reconstruction["onset_f1"] == reconstruction["origin_onset_f1"] == 0.0
    assert math.isnan(reconstruction["onset_f1_vs_origin"])
