"""summary.csv and summary.json keep a loss term the runs' model adds (``melody_rnn``'s ``bag`` where
``model.melody_rnn.bag_weight`` > 0) apart from the plugins' numbers, as summary.md's section "The model's added
terms" does: summary.csv names the run's model's terms in its ``model_terms`` column and puts their ``val.<term>``
columns before the plugins', and summary.json gives them under ``model_terms`` beside ``plugin_numbers``, per
configuration and per pair. Before, both files listed ``val.bag`` among the plugins' numbers, so a script reading them
credited the model's term to a plugin. The rows are made by hand (no training): :func:`run_row`'s ``model_terms`` is
tested in tests/test_model_terms_ablation.py."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mvae_core.ablation.columns import COLUMNS, METRICS
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("bag", ("offset",), ("model.melody_rnn.bag_weight=0.25",)), Configuration("plain", ("offset",))]
PAGE = Path(__file__).resolve().parents[1] / "docs" / "ablation.md"


def _row(config: str, seed: int, model_terms: list[str], numbers: dict[str, float]) -> dict[str, Any]:
    """An ok run of ``config`` whose model adds ``model_terms`` and whose last epoch reports ``numbers``."""
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "model": "melody_rnn",
            "status": "ok", "action": "new", "produced": "new", "exit_code": 0, "failure": None, "error": "",
            "stopped_by": "max epochs", "stop_reason": [], "warnings": [], "best_epoch": 1, "validation_loops": "v",
            "model_terms": model_terms, "plugin_numbers": numbers} | dict.fromkeys(METRICS, 1.0)  # fmt: skip


def _rows() -> list[dict[str, Any]]:
    """Two seeds of ``bag`` (its model adds ``bag``) and of ``plain`` (it adds none), both with a plugin's term and
    recorded number."""
    return [
        _row("bag", 0, ["bag"], {"val.bag": 0.4, "val.z_offset": 0.5, "plugins.offset.calls": 3}),
        _row("bag", 1, ["bag"], {"val.bag": 0.6, "val.z_offset": 0.7, "plugins.offset.calls": 3}),
        _row("plain", 0, [], {"val.z_offset": 0.6, "plugins.offset.calls": 3}),
        _row("plain", 1, [], {"val.z_offset": 0.9, "plugins.offset.calls": 3}),
    ]


def _read_csv(rows: list[dict[str, Any]], tmp_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    write_csv(rows, tmp_path / "summary.csv")
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_summary_csv_names_the_models_terms_and_puts_their_columns_before_the_plugins(tmp_path) -> None:
    header, lines = _read_csv(_rows(), tmp_path)
    assert header == [*COLUMNS, "val.bag", "plugins.offset.calls", "val.z_offset"]
    assert COLUMNS[-1] == "model_terms"
    assert [(line["config"], line["model_terms"], line["val.bag"]) for line in lines] == [
        ("bag", "bag", "0.4"), ("bag", "bag", "0.6"), ("plain", "", ""), ("plain", "", "")]  # fmt: skip


def test_summary_csv_without_a_models_term_keeps_the_plugins_columns_sorted(tmp_path) -> None:
    rows = [r for r in _rows() if r["config"] == "plain"]
    header, lines = _read_csv(rows, tmp_path)
    assert header == [*COLUMNS, "plugins.offset.calls", "val.z_offset"]
    assert {line["model_terms"] for line in lines} == {""}


def test_summary_json_gives_the_models_terms_apart_from_the_plugins_numbers_per_configuration() -> None:
    bag, plain = statistics(_rows(), ARMS, ())["configurations"]
    assert list(bag["model_terms"]) == ["val.bag"]
    assert (bag["model_terms"]["val.bag"]["n"], bag["model_terms"]["val.bag"]["mean"]) == (2, 0.5)
    assert list(bag["plugin_numbers"]) == list(plain["plugin_numbers"]) == ["plugins.offset.calls", "val.z_offset"]
    assert plain["model_terms"] == {}  # its model adds no term, as summary.md's –


def test_summary_json_pairs_the_models_terms_apart_from_the_plugins_numbers() -> None:
    (plain,) = statistics(_rows(), ARMS, ("bag",))["paired"]["bag"]
    assert list(plain["model_terms"]) == ["val.bag"]
    assert plain["model_terms"]["val.bag"]["n"] == 0
    assert plain["model_terms"]["val.bag"]["missing"] == {"not reported by plain": 2}
    assert list(plain["plugin_numbers"]) == ["plugins.offset.calls", "val.z_offset"]
    assert plain["plugin_numbers"]["val.z_offset"]["mean"] == pytest.approx(0.15)  # (0.1 + 0.2) / 2


def test_the_three_files_agree_on_which_columns_are_the_models(tmp_path) -> None:
    rows = _rows()
    text = markdown(rows, ARMS, [], references=("plain",))
    section = text.split("## The model's added terms", 1)[1].split("\n## ", 1)[0]
    md_columns = re.findall(r"`(val\.\w+)`", next(x for x in section.splitlines() if x.startswith("| configuration")))
    numbers = statistics(rows, ARMS, ("plain",))
    csv_columns = {f"val.{term}" for line in _read_csv(rows, tmp_path)[1] for term in line["model_terms"].split()}
    (bag,) = numbers["paired"]["plain"]
    assert md_columns == list(numbers["configurations"][0]["model_terms"]) == list(bag["model_terms"])
    assert set(md_columns) == csv_columns


def test_ablation_md_names_every_key_of_summary_jsons_entries() -> None:
    """docs/ablation.md's summary.json table names each key a configuration's and a pair's entry has."""
    table = PAGE.read_text(encoding="utf-8").split("\n### summary.json\n", 1)[1].split("\n### ", 1)[0]
    numbers = json.loads(json.dumps(statistics(_rows(), ARMS, ("bag",))))
    for path, entry in (
        ("configurations[]", numbers["configurations"][0]),
        ("paired[…][]", numbers["paired"]["bag"][0]),
    ):
        said = " ".join(line for line in table.splitlines() if line.startswith(f"| `{path.split('[', 1)[0]}"))
        for key in entry:
            assert f"`{key}`" in said or f"`{path}.{key}`" in said, key
