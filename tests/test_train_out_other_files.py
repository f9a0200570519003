"""A new run never writes over files in its folder that no run there wrote (helper-435 F1): an experiment's own
``config.toml`` (the ``--config`` file itself), a user's ``split.json``, a model kept without its run; nor into its
DATA folder. What a run that stopped before training left (its config, or only its split and data report) is
started over, as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import InputError
from tests.training import TINY

SETS = [arg for override in TINY for arg in ("--set", override)]


def _train(*args: object) -> object:
    return CliRunner().invoke(app, ["train", *map(str, args), *SETS, "--epochs", "1", "--jobs", "1"])


def test_the_config_file_in_the_out_folder_is_not_written_over(synth_dir, tmp_path):
    exp = tmp_path / "exp1"
    exp.mkdir()
    text = "# my carefully commented config\n[train]\nepochs = 1  # small\n"
    (exp / "config.toml").write_text(text)
    result = _train(synth_dir, "--config", exp / "config.toml", "--out", exp)
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert f"{exp} holds config.toml, which a new run there would write over" in said
    assert "choose another output directory (a new folder) with --out, or move it out of" in said
    assert (exp / "config.toml").read_text() == text and sorted(p.name for p in exp.iterdir()) == ["config.toml"]


def test_a_users_split_json_is_refused_from_python_too(synth_dir, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "split.json").write_text('{"mine": 1}')
    (tmp_path / "mine" / "model.safetensors").write_text("not a model")
    with pytest.raises(InputError, match=r"holds split\.json, model\.safetensors, which .* with out=, or move them"):
        mvae_core.train(synth_dir, tmp_path / "mine", overrides=TINY, epochs=1, progress=False)
    assert (tmp_path / "mine" / "split.json").read_text() == '{"mine": 1}'


def test_the_data_folder_is_no_run_folder(synth_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(synth_dir, data)
    result = _train(data, "--out", data)
    assert result.exit_code == 2, result.output
    assert f"{data} is the DATA folder {data}: the run's files would lie among its MIDI files" in " ".join(
        result.output.split()
    )
    assert not (data / "config.toml").exists()


def test_an_empty_folder_and_what_a_stopped_run_left_are_trained_into(synth_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _train(synth_dir, "--out", empty).exit_code == 0
    # a run stopped after its data was read, before its config.toml: its split.json and data_report.json
    setup = tmp_path / "setup"
    setup.mkdir()
    for name in ("split.json", "data_report.json"):
        shutil.copy(empty / name, setup / name)
    result = _train(synth_dir, "--out", setup)
    assert result.exit_code == 0, result.output
    # a run stopped after its config.toml, before anything trained
    begun = tmp_path / "begun"
    shutil.copytree(empty, begun)
    for name in ("checkpoint.pt", "model.safetensors", "metrics.jsonl"):
        (begun / name).unlink()
    result = _train(synth_dir, "--out", begun)
    assert result.exit_code == 0, result.output
    assert len((begun / "metrics.jsonl").read_text().splitlines()) == 1


def test_a_split_json_of_another_shape_without_a_config_is_refused(synth_dir, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "data_report.json").write_text('{"files": []}')  # as mvae writes it
    (folder / "split.json").write_text("[1, 2]")
    result = _train(synth_dir, "--out", folder)
    assert result.exit_code == 2 and f"{folder} holds split.json, which" in " ".join(result.output.split())


def test_a_run_folder_keeps_its_own_refusal(tiny_run: Path, synth_dir):
    result = _train(synth_dir, "--out", tiny_run)
    assert result.exit_code == 2 and "already holds a run" in result.output
