"""A run whose weights are finite but overflow on the loops (model.safetensors edited or damaged: every weight
×1e30): ``mvae encode --json`` printed ``NaN`` (which is no JSON) and exited 0, its table showed ``nan``, and
``mvae interpolate --from-midi`` blamed the point ('start [nan, nan]: every number must be finite'). Each now says
the model encodes the loops to numbers that are not finite, and how to get a working model back."""

from __future__ import annotations

import shutil

import pytest
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from typer.testing import CliRunner

from mvae_core.cli import app

SAID = "numbers that are not finite (NaN or infinite): its weights overflow on them, so the run's model.safetensors"


@pytest.fixture
def overflowing(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run", ignore=shutil.ignore_patterns("*.lock"))
    path = run / "model.safetensors"
    with safe_open(str(path), "pt") as handle:
        metadata = handle.metadata()
    weights = {name: t * 1e30 if t.is_floating_point() else t for name, t in load_file(path).items()}
    save_file(weights, path, metadata=metadata)
    return run


@pytest.mark.parametrize("json", [["--json"], []])
def test_encode_of_a_model_that_overflows_is_an_error_not_nan(overflowing, synth_dir, json):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    result = CliRunner().invoke(app, ["encode", str(overflowing), str(midi), *json])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "of these 4 loops to " + SAID in result.stderr


def test_interpolate_from_a_file_names_the_model_not_the_point(overflowing, synth_dir, tmp_path):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    args = ["interpolate", str(overflowing), "--from-midi", str(midi), "--to", "0,0", "--out", str(tmp_path / "i")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "encodes this loop to " + SAID in result.stderr


def test_generate_from_a_built_in_model_that_overflows_names_the_file_not_the_models_code(overflowing, tmp_path):
    """It said the built-in model broke the contract of 'docs/models.md, Writing a model', as if mvae's own code were
    at fault."""
    result = CliRunner().invoke(app, ["generate", str(overflowing), "--z", "0,0", "--out", str(tmp_path / "g")])
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert said.endswith(
        "a built-in model's numbers are NaN or infinite only where its weights overflow: the run's model.safetensors "
        "was likely edited or damaged: restore it from a backup, or train again"
    )
    assert "Writing a model" not in said
