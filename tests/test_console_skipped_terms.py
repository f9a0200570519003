"""A loss term weighted 0 in an epoch need not be computed: a plugin's ``mvae_loss`` returns a zero tensor for it
(docs/hooks.md), and ``metrics.jsonl`` keeps that 0 beside ``weights.<term> = 0``. A plugin that skips the term in
validation too (it tests ``trainer.multipliers``, not the split) showed ``mu_l2 0.00`` on the epoch line, a stuck
zero where nothing was measured; the line reads ``mu_l2 off`` there now. ``mvae plot`` left a gap for such a train
term only: its val panel and ``--metric train.<term>`` / ``val.<term>`` (one run and a comparison) drew the 0. One
rule, :func:`mvae_core.metrics_record.not_computed`, decides both."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from pydantic import Field
from rich.console import Console

from mvae_core import hookimpl
from mvae_core.metrics_record import not_computed
from mvae_core.progress import NOT_COMPUTED, EpochDisplay, epoch_line
from mvae_core.run import RunDir
from mvae_core.tools.curves import PANEL_TITLES, draw_comparison, draw_curves, metric_lines
from mvae_plugins.scheduled import ScheduledConfig, ScheduledWeight, ScheduleSpec
from tests.test_progress import TERMS, record
from tests.training import make_trainer, tiny_config


class Config(ScheduledConfig):
    schedule: ScheduleSpec = Field(
        default_factory=lambda: {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 2.0}, validate_default=True
    )


class SkippingPenalty(ScheduledWeight[Config]):
    """mu_l2 with a multiplier of 0 in epoch 1: not computed there, in training and in validation alike."""

    term = "mu_l2"
    Config = Config

    @hookimpl
    def mvae_added_terms(self) -> list[str]:
        return [self.term]

    @hookimpl
    def mvae_loss(self, trainer, output, split):
        if trainer.multipliers.get(self.term) == 0:  # either split: validation weights with the last step's
            return {self.term: torch.zeros((), device=output.mu.device)}
        return {self.term: output.mu.float().pow(2).sum(dim=1).mean()}


@pytest.fixture(scope="module")
def trained(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], list[str]]:
    """The two records of a tiny run with :class:`SkippingPenalty` as ``metrics.jsonl`` keeps them, and the epoch
    lines its console printed."""
    run = tmp_path_factory.mktemp("skipping") / "run"
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"mu_penalty": SkippingPenalty()}, run_dir=run)
    out = io.StringIO()
    with EpochDisplay(Console(file=out, width=300, highlight=False, soft_wrap=True), 2) as display:
        trainer.fit(on_epoch_end=display)
    return RunDir(run).read_metrics(), [line for line in out.getvalue().splitlines() if line.startswith("epoch")]


def with_term(mu_l2: float, weight: float, **val: float) -> dict[str, Any]:
    """:func:`tests.test_progress.record` with mu_l2 under ``val`` (and ``val`` overrides) at multiplier ``weight``."""
    base = record(0.8)
    return base | {"val": {**TERMS, **val, "mu_l2": mu_l2}, "weights": {**base["weights"], "mu_l2": weight}}


def test_a_term_not_computed_reads_off_on_the_epoch_line_not_a_stuck_zero():
    line = epoch_line(with_term(0.0, 0.0), 2)
    assert f"kl 23.06 mu_l2 {NOT_COMPUTED}  f1" in line and "w kl×0 timeshift×0.0667 mu_l2×0  lr" in line


def test_a_term_with_a_value_at_multiplier_0_or_a_zero_with_weight_shows_its_number():
    assert "mu_l2 0.024  f1" in epoch_line(with_term(0.024, 0.0), 2)  # computed at 0 (hooks.md's example in val)
    assert "mu_l2 0.00  f1" in epoch_line(with_term(0.0, 0.5), 2)  # weighted: a measured 0
    assert "kl 23.06" in epoch_line(with_term(0.1, 1.0), 2)  # the core's kl at multiplier 0 in record(): computed


def test_a_core_term_not_computed_reads_off_in_its_own_column():
    shown = epoch_line(with_term(0.1, 1.0, kl=0.0), 2)  # a plugin replaced kl and skipped it at multiplier 0
    assert f"kl   {NOT_COMPUTED} mu_l2 0.10" in shown
    assert len(shown) == len(epoch_line(with_term(0.1, 1.0), 2))  # the column keeps its width


def test_a_real_run_reads_off_in_the_epoch_it_skipped_the_term(trained):
    records, lines = trained
    assert [r["weights"]["mu_l2"] for r in records] == [0.0, 0.5]
    assert records[0]["train"]["mu_l2"] == 0 == records[0]["val"]["mu_l2"]  # the record keeps its documented 0
    assert [not_computed(r, split, "mu_l2") for r in records for split in ("train", "val")] == [
        True,
        True,
        False,
        False,
    ]
    assert f" mu_l2 {NOT_COMPUTED}  f1" in lines[0]
    assert f"mu_l2 {NOT_COMPUTED}" not in lines[1] and " mu_l2 0" in lines[1]


def test_metric_panels_leave_the_same_gap_and_weights_keep_their_0(trained):
    records, _ = trained
    for path in ("train.mu_l2", "val.mu_l2"):
        (values,) = metric_lines(records, path).values()
        assert math.isnan(values[0]) and values[1] > 0, path
    section = metric_lines(records, "train")
    assert math.isnan(section["train.mu_l2"][0]) and section["train.onset"][0] > 0
    assert metric_lines(records, "weights.mu_l2") == {"weights.mu_l2": [0.0, 0.5]}  # a real multiplier of 0


plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")


def drawn(draw: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[list[float]]]:
    """The y values of the data lines (not an event's vertical line) that ``draw()`` put in each panel, by title."""
    figures: list[Any] = []
    monkeypatch.setattr(plt, "close", figures.append)
    draw()
    (figure,) = figures
    panels = {
        ax.get_title(): [
            [float(y) for y in line.get_ydata()] for line in ax.get_lines() if line.get_transform() == ax.transData
        ]
        for ax in figure.axes
    }
    plt.close(figure)
    return panels


@pytest.mark.parametrize("compare", [False, True], ids=["one run", "comparison"])
def test_every_panel_of_the_term_has_a_gap_where_it_was_not_computed(trained, tmp_path, monkeypatch, compare):
    records, _ = trained
    metrics = ("train.mu_l2", "val.mu_l2")
    if compare:
        panels = drawn(
            lambda: draw_comparison({"a": records, "b": records}, tmp_path / "c.png", "t", metrics), monkeypatch
        )
    else:
        panels = drawn(lambda: draw_curves(records, tmp_path / "c.png", "t", metrics), monkeypatch)
    runs = 2 if compare else 1
    for title in (PANEL_TITLES["train"], PANEL_TITLES["val"], *metrics):
        (lines,) = [lines for name, lines in panels.items() if name.startswith(title)]
        assert len([line for line in lines if math.isnan(line[0]) and line[1] > 0]) == runs, title  # mu_l2's alone
        assert all(value != 0 for line in lines for value in line), title  # no fall to the foot of the log scale


def test_an_ablation_row_has_no_number_for_a_term_not_computed_in_its_last_epoch():
    """summary.csv's ``val.mu_l2`` of a run whose last epoch skipped the term was its stuck 0."""
    from mvae_core.ablation.facts import plugin_numbers

    assert plugin_numbers(with_term(0.0, 0.0)) == {"val.mu_l2": None}
    assert plugin_numbers(with_term(0.0, 0.5)) == {"val.mu_l2": 0.0}  # weighted: a measured 0
