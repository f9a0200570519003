"""A pitch gap that is undefined because random notes already look like the data says ``no gap`` in the ablation's
summary.md, as ``mvae evaluate`` says it, instead of ``n/a`` (which reads as "could not be measured")."""

from __future__ import annotations

import numpy as np

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.facts import generated_numbers
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_md import markdown
from mvae_core.pitch_structure import NO_GAP, LoopNotes, compare, no_gap


def row(config: str, seed: int, missing: dict[str, str] | None = None, **values: float | None) -> dict[str, object]:
    about = {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": []}
    about |= {"stopped_by": "max epochs", "exit_code": 0, "error": "", "missing": missing or {}}
    return about | dict.fromkeys(METRICS) | values


def cells(text: str, start: str, skip: int) -> dict[str, str]:
    line = next(line for line in text.splitlines() if line.startswith(start))
    return dict(zip(METRICS.values(), line.strip("| ").split(" | ")[skip:], strict=True))


def test_a_gap_with_nothing_to_close_says_no_gap_per_configuration_and_per_pair():
    arms = [Configuration("all", ("a",)), Configuration("none", ())]
    rows = [
        row("all", 0, {"in_key_gap": NO_GAP}, interval_gap=0.5, stepwise_gap=0.1),
        row("all", 1, {"in_key_gap": NO_GAP}, interval_gap=0.7, stepwise_gap=None),
        row("none", 0, in_key_gap=0.2, interval_gap=0.4, stepwise_gap=0.3),
        row("none", 1, {"in_key_gap": NO_GAP}, interval_gap=0.6, stepwise_gap=0.2),
    ]
    text = markdown(rows, arms, ["about"])
    mine = cells(text, "| all | 2 / 2", 3)
    assert mine["in-key gap closed"] == "no gap"  # before: "n/a"
    assert mine["stepwise gap closed"] == "0.1; 1 n/a"  # no word of the row's own: n/a as before
    assert cells(text, "| none | 2 / 2", 3)["in-key gap closed"] == "0.2; 1 no gap"
    assert cells(text, "| none | 2 |", 2)["in-key gap closed"] == "no gap"  # both pairs lack it, for that reason
    assert "`no gap`: random notes in the data's key already lie within 0.2 pooled standard deviations" in text


def test_no_gap_is_told_from_a_gap_that_cannot_be_scored():
    low = 48
    # data: C major scale runs; generated: the same rhythm, so random notes in the data's key are close in key
    data = LoopNotes(
        2, np.array([0] * 8 + [1] * 8), np.tile(np.arange(8) * 4, 2), np.tile([0, 2, 4, 5, 7, 9, 11, 12], 2)
    )
    generated = LoopNotes(2, data.loop, data.step, data.row)
    pitch = compare(data, generated, low, seed=0)
    assert pitch["in_key"]["gap_closed"] is None and no_gap(pitch["in_key"])
    empty = LoopNotes(2, np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    silent = compare(data, empty, low, seed=0)  # a model that writes no notes: nothing can be scored
    assert silent["in_key"]["gap_closed"] is None and not no_gap(silent["in_key"])


def test_a_real_run_s_row_carries_the_word(tmp_path, synth_dir):
    from typer.testing import CliRunner

    from mvae_core.cli import app

    out = tmp_path / "run"
    args = ["train", str(synth_dir), "--epochs", "1", "--set", "model.hidden=32", "--set", "data.transpositions=[]"]
    assert CliRunner().invoke(app, [*args, "--out", str(out)], catch_exceptions=False).exit_code == 0
    numbers = generated_numbers(out, 16)
    for key, word in numbers["missing"].items():
        assert numbers[key] is None and word == NO_GAP
    assert all(numbers[key] is not None for key in ("in_key_gap", "interval_gap") if key not in numbers["missing"])


def test_the_summary_says_which_epoch_s_model_each_column_describes():
    arms = [Configuration("all", ("a",)), Configuration("none", ())]
    text = markdown([row("all", 0, onset_f1=0.2), row("none", 0, onset_f1=0.3)], arms, ["about"])
    # before: nothing in summary.md said that onset_f1 is the last epoch's while the generated columns come from the
    # best model, which early stopping may have reached many epochs earlier
    assert "onset_f1, timing_spread_ratio and active_units are each run's last epoch's (metrics.jsonl)" in text
    assert "columns are measured on its best model (model.safetensors, the lowest val_elbo" in text


def test_a_gap_closed_of_nothing_is_0_not_minus_0():
    """Generated loops no better than their random notes: the gap closed is 0 (it printed ``-0`` when the data lies
    below the baseline)."""
    data = LoopNotes(
        2, np.array([0] * 8 + [1] * 8), np.tile(np.arange(8) * 4, 2), np.tile([0, 2, 4, 5, 7, 9, 11, 12], 2)
    )
    generated = LoopNotes(1, np.zeros(4, dtype=np.int64), np.arange(4) * 4, np.array([0, 1, 2, 3]))
    for seed in range(20):
        pitch = compare(data, generated, 48, seed)
        for values in pitch.values():
            assert not (values["gap_closed"] == 0 and np.signbit(values["gap_closed"])), (seed, values)
