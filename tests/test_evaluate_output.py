"""What ``mvae evaluate`` prints: what its numbers depend on, and ratios that have nothing to compare.

``mvae evaluate --json`` names what its numbers depend on beside the run and DATA: the model and the seed (the
table says them too), so a number copied into a paper can be traced and reproduced. Its ratios say nothing where
both of their numbers are 0 (docs/evaluation.md)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.data.load import load_dataset
from mvae_core.evaluation import all_loops, evaluate
from mvae_core.models import build_model
from tests.training import SEED, tiny_config

runner = CliRunner()


@pytest.fixture(scope="module")
def seed_run(synth_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "seed"
    args = ["train", str(synth_dir), "--epochs", "1", "--set", "model.name=seed", "--set", "model.hidden=32"]
    result = runner.invoke(app, [*args, "--set", "data.transpositions=[]", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_the_json_names_the_model_and_the_seed_and_the_table_shows_them(seed_run, synth_dir, wide_console):
    args = ["evaluate", str(seed_run), str(synth_dir), "--samples", "8", "--seed", "3"]
    scores = json.loads(runner.invoke(app, [*args, "--json"], catch_exceptions=False).stdout)
    # before: the seed (which draws the latent points, the timing draws and the random-note baseline) and the model
    # were nowhere in the JSON; only samples and temperature were
    assert scores["model"] == "seed" and scores["seed"] == 3
    assert scores["generated"]["samples"] == 8 and scores["generated"]["temperature"] == 1.0
    table = runner.invoke(app, args, catch_exceptions=False).output
    assert re.search(r"│ run +│ +│ +│\n│   model · seed +│ +│ +seed · 3 │", table), table


def test_the_table_shows_the_spread_ratio_to_the_digits_of_the_json(seed_run, synth_dir, wide_console):
    args = ["evaluate", str(seed_run), str(synth_dir), "--samples", "8"]
    ratio = json.loads(runner.invoke(app, [*args, "--json"], catch_exceptions=False).stdout)["timing"]["spread_ratio"]
    table = runner.invoke(app, args, catch_exceptions=False).output
    line = next(line for line in table.splitlines() if "spread_ratio" in line)
    # before: two decimals ("1.00"), where every other number has four significant digits
    assert line.split("│")[3].split()[0] == f"{ratio:.4g}"  # then its interval


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
