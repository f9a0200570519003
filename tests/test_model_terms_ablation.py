"""An ablation's summary reports a loss term the runs' model adds (``melody_rnn``'s ``bag`` where
``model.melody_rnn.bag_weight`` > 0) as the model's: summary.md's section "The model's added terms" and its paired
tables, not "Plugins' numbers". Before, every ``val.<term>`` beyond the core's counted as a plugin's, so ``val.bag`` was
listed and paired among the plugins' numbers of runs that enabled no plugin at all. summary.csv and summary.json say
the same of a trained run's row (tests/test_ablation_model_terms_files.py tests their shapes on rows made by hand)."""

from __future__ import annotations

import csv
from typing import Any

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import run_path
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown
from tests.training import TINY


class Offset:
    """Adds a loss term of its own beside the model's."""

    @hookimpl
    def mvae_loss(self, output):
        return {"z_offset": output.mu.mean().abs() + torch.tensor(0.5)}


@pytest.fixture(scope="module")
def bag_row(synth_dir, tmp_path_factory) -> dict[str, Any]:
    """The summary row of a run of one epoch whose model adds ``bag`` and whose plugin adds ``z_offset``."""
    out = tmp_path_factory.mktemp("ablation")
    overrides = [*TINY, "model.melody_rnn.bag_weight=0.25"]
    mvae_core.train([synth_dir], run_path(out, "bag", 0), overrides=overrides, epochs=1,
                    plugins=[("offset", Offset())], progress=False)  # fmt: skip
    return run_row(out, "bag", 0, None, 8, "new")


def test_a_row_says_which_val_terms_its_model_adds(bag_row) -> None:
    assert bag_row["model_terms"] == ["bag"]
    assert {"val.bag", "val.z_offset"} <= set(bag_row["plugin_numbers"])  # summary.csv keeps a column for each


def _section(text: str, title: str) -> str:
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start : end if end >= 0 else None]


def _header(section: str) -> str:
    return next(line for line in section.splitlines() if line.startswith("| configuration"))


def test_summary_md_reports_the_models_term_as_the_models_not_a_plugins(bag_row) -> None:
    numbers = bag_row["plugin_numbers"]
    bag = [bag_row, bag_row | {"seed": 1, "plugin_numbers": {k: v + 0.1 for k, v in numbers.items()}}]
    plain = [r | {"config": "plain", "model_terms": [], "plugin_numbers": {"val.z_offset": 0.6}} for r in bag]
    text = markdown([*bag, *plain], [Configuration("bag", ("offset",)), Configuration("plain", ("offset",))], [],
                    references=("bag",))  # fmt: skip

    model = _section(text, "## The model's added terms")
    assert _header(model) == "| configuration | ok / runs | `val.bag` |"
    assert next(line for line in model.splitlines() if line.startswith("| plain")) == "| plain | 2 / 2 | – |"
    plugins = _section(text, "## Plugins' numbers")
    assert _header(plugins) == "| configuration | ok / runs | `val.z_offset` |"

    paired_model = _section(text, "### The model's added terms against `bag`")
    assert _header(paired_model) == "| configuration | pairs | `val.bag` |"
    assert "| plain | 2 | not reported by plain |" in paired_model
    assert _header(_section(text, "### Plugins' numbers against `bag`")) == "| configuration | pairs | `val.z_offset` |"


def test_without_a_term_of_the_models_summary_md_has_no_section_for_them(bag_row) -> None:
    row = bag_row | {"model_terms": [], "plugin_numbers": {"val.z_offset": 0.6}}
    text = markdown([row], [Configuration("bag", ("offset",))], [])
    assert "The model's added terms" not in text and "`val.z_offset`" in _section(text, "## Plugins' numbers")


def test_summary_csv_and_json_keep_a_trained_runs_model_term_apart_from_its_plugins(bag_row, tmp_path) -> None:
    write_csv([bag_row], tmp_path / "summary.csv")
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        (line,) = reader
    assert line["model_terms"] == "bag" and reader.fieldnames[-2:] == ["val.bag", "val.z_offset"]
    (numbers,) = statistics([bag_row], [Configuration("bag", ("offset",))], ())["configurations"]
    assert list(numbers["model_terms"]) == ["val.bag"] and list(numbers["plugin_numbers"]) == ["val.z_offset"]
