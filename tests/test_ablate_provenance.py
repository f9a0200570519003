"""What produced an ablation's numbers, as its summary.md says: the model of each configuration, the settings every
run shares (the command's --set, which the table of configurations does not show) and the mvae that trained them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.version import VERSION

CONFIGS = """
[configs.none]
plugins = []

[configs.seed-none]
plugins = []
set = ['model.name = "seed"']
"""


@pytest.fixture(scope="module")
def ablation(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ablation of two configurations of different models, with --set every run shares; its folder."""
    here = tmp_path_factory.mktemp("provenance")
    configs, out = here / "models.toml", here / "abl"
    configs.write_text(CONFIGS, encoding="utf-8")
    args = ["ablate", str(synth_dir), "--configs", str(configs), "--seeds", "1", "--epochs", "1", "--jobs", "2"]
    args += ["--samples", "8", "--set", "model.hidden=32", "--set", "data.transpositions=[]", "--out", str(out)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_the_summary_names_each_configuration_s_model_and_the_settings_every_run_shares(ablation):
    summary = (ablation / "summary.md").read_text(encoding="utf-8")
    # before: only "| seed-none | none | `model.name = "seed"` |"; nothing said the runs had hidden 32, no
    # transpositions, nor that `none` was melody_rnn
    assert "Model: per configuration (none: `melody_rnn`, seed-none: `seed`)." in summary
    assert "`model.hidden = 32`, `data.transpositions = []`;" in summary
    assert f"Trained by mvae {VERSION} (2 runs); summarised by mvae {VERSION}." in summary
    assert Path(ablation / "configs" / "seed-none.toml").is_file()


@pytest.mark.slow
def test_summary_csv_names_each_run_s_model(ablation):
    with open(ablation / "summary.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # before: no column said which model a row is, so two ablations' csv files could not be told apart once joined
    assert [(r["config"], r["model"]) for r in rows] == [("none", "melody_rnn"), ("seed-none", "seed")]
