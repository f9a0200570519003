"""Two models in one ablation (docs/ablation.md, The --configs file): their val_elbo measures a different quantity
in each (melody_rnn: one token's cross-entropy per step; seed: a binary cross-entropy per cell), yet summary.md
gave `seed-all − all` a paired difference of best val_elbo (+14.93 [-19.08, +48.93] on 6 WJD solos) as if it
meant something. That pair is now `other model`; the metrics that do compare across models stay numbers."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS, OTHER_MODEL
from mvae_core.ablation.estimates import paired
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_md import markdown


def _row(config: str, seed: int, model: str, elbo: float, f1: float) -> dict[str, object]:
    about = {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "model": model, "status": "ok"}
    about |= {"stopped_by": "max epochs", "exit_code": 0, "error": "", "warnings": []}
    return about | dict.fromkeys(METRICS) | {"best_val_elbo": elbo, "onset_f1": f1}


ARMS = [Configuration(n, (), ()) for n in ("all", "seed-all", "none")]
ROWS = [
    _row("all", 0, "melody_rnn", 120.0, 0.10),
    _row("all", 1, "melody_rnn", 130.0, 0.12),
    _row("seed-all", 0, "seed", 140.0, 0.05),
    _row("seed-all", 1, "seed", 150.0, 0.09),
    _row("none", 0, "melody_rnn", 121.0, 0.11),
    _row("none", 1, "melody_rnn", 129.0, 0.10),
]


def test_no_paired_val_elbo_between_two_models():
    seed_all, none = paired(ROWS, ARMS, "all")
    assert seed_all["best_val_elbo"].n == 0 and seed_all["missing"]["best_val_elbo"] == {OTHER_MODEL: 2}
    assert seed_all["onset_f1"].mean == pytest.approx(-0.04)  # comparable across models: still paired
    assert none["best_val_elbo"].mean == pytest.approx(0.0) and not none["missing"]["best_val_elbo"]


def test_summary_md_says_other_model_and_why():
    summary = markdown(ROWS, ARMS, ["about"])
    for reference in ("all", "none"):
        section = summary.split(f"## Paired differences against `{reference}`")[1].split("\n## ")[0]
        assert "| seed-all | 2 | n/a | other model | -0." in section
        assert "`other model`: the two runs have different models" in section
    one_model = markdown([r for r in ROWS if r["config"] != "seed-all"], ARMS[::2], ["about"])
    assert "other model" not in one_model  # said only where a pair is left out for it


def test_the_figure_s_paired_bar_says_other_model():
    from mvae_core.ablation.figure import _paired_word

    assert _paired_word(paired(ROWS, ARMS, "none"), "best_val_elbo") == OTHER_MODEL
    assert _paired_word(paired(ROWS, ARMS[::2], "none"), "best_val_elbo") == "–"


@pytest.mark.parametrize(
    ("changes", "model"),
    [
        ({}, "melody_rnn"),
        ({"timing_bins = 32": "timing_bins = 16"}, "melody_rnn, 16 timing bins"),
        ({'name = "melody_rnn"': 'name = "seed"', 'timing_head = "categorical"': 'timing_head = "mse"'},
         "seed, mse timing head"),
    ],
)  # fmt: skip
def test_a_run_s_model_cell_names_a_timing_term_of_another_kind(tiny_run, tmp_path, changes, model):
    """Two seed-model runs, one with the mse timing head, were paired on val_elbo, whose timing term is a squared
    error in one and a cross-entropy in the other; so were runs with other timing bins."""
    from mvae_core.ablation.columns import elbo_model
    from mvae_core.run import RunDir

    run = tmp_path / "run"
    run.mkdir()
    text = (tiny_run / "config.toml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    (run / "config.toml").write_text(text, encoding="utf-8")
    assert elbo_model(RunDir(run).read_config().model) == model
    rows = [_row("all", 0, "seed", 120.0, 0.1), _row("mse", 0, model, 110.0, 0.1)]
    (mse,) = paired(rows, [Configuration("all", (), ()), Configuration("mse", (), ())], "all")
    assert mse["missing"]["best_val_elbo"] == {OTHER_MODEL: 1}
