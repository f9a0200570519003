"""The ablation summary carries what plugins add to a run: each loss term a plugin added (``val.<term>``) and each
number it recorded (``plugins.<plugin>.<key>``), as summary.csv columns and a summary.md table per configuration.
Before, a free-bits or contrastive plugin's own numbers were only in each run's metrics.jsonl."""

from __future__ import annotations

import csv

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.ablation.facts import plugin_numbers
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import run_path
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_md import markdown
from tests.training import TINY


class Penalty:
    """Adds a term (the mean offset of z) and records a number and a list each epoch."""

    @hookimpl
    def mvae_loss(self, output):
        return {"z_offset": output.mu.mean().abs() + torch.tensor(0.5)}

    @hookimpl
    def mvae_epoch_end(self, trainer, epoch):
        trainer.record("epochs_seen", epoch + 1)
        trainer.record("per_dim", [0.1, 0.2])


def test_a_metrics_line_gives_the_terms_and_numbers_plugins_added_not_the_cores_nor_lists() -> None:
    record = {
        "val": {"onset": 1.0, "kl": 2.0, "total": 3.0, "z_offset": 0.5},
        "plugins": {"penalty": {"epochs_seen": 2, "per_dim": [0.1], "nan_one": None, "flag": True}},
    }
    assert plugin_numbers(record) == {
        "val.z_offset": 0.5,
        "plugins.penalty.epochs_seen": 2,
        "plugins.penalty.nan_one": None,
    }
    assert plugin_numbers({"val": {"onset": 1.0, "total": 1.0}}) == {}


@pytest.fixture(scope="module")
def rows(synth_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("ablation")
    for config, plugins in (("penalty", [("penalty", Penalty())]), ("none", [])):
        mvae_core.train(
            [synth_dir], run_path(out, config, 0), overrides=TINY, epochs=1, plugins=plugins, progress=False
        )
    return out, [run_row(out, config, 0, None, 8, "new") for config in ("penalty", "none")]


def test_summary_csv_has_a_column_per_added_term_and_recorded_number(rows) -> None:
    out, table = rows
    write_csv(table, out / "summary.csv")
    with open(out / "summary.csv", newline="", encoding="utf-8") as handle:
        read = {row["config"]: row for row in csv.DictReader(handle)}
    assert float(read["penalty"]["val.z_offset"]) >= 0.5
    assert read["penalty"]["plugins.penalty.epochs_seen"] == "1"
    assert read["none"]["val.z_offset"] == "" and read["none"]["plugins.penalty.epochs_seen"] == ""
    assert not any("per_dim" in column for column in read["penalty"])


def test_summary_md_shows_them_per_configuration_with_a_dash_where_the_plugin_is_absent(rows) -> None:
    _, table = rows
    text = markdown(table, [Configuration("penalty", ("penalty",)), Configuration("none", ())], [])
    section = text.split("## Plugins' numbers")[1].split("## Warnings")[0]
    header = next(line for line in section.splitlines() if line.startswith("| configuration"))
    assert header == "| configuration | ok / runs | `plugins.penalty.epochs_seen` | `val.z_offset` |"
    penalty = next(line for line in section.splitlines() if line.startswith("| penalty"))
    none = next(line for line in section.splitlines() if line.startswith("| none"))
    assert penalty.startswith("| penalty | 1 / 1 | 1 | 0.") and none == "| none | 1 / 1 | – | – |"


def test_without_plugin_numbers_the_section_says_so(rows) -> None:
    _, table = rows
    text = markdown(table[1:], [Configuration("none", ())], [])
    assert "## Plugins' numbers\n\nNone: no plugin of these runs added a loss term" in text
