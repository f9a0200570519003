"""A run retrained from another run's config.toml (``--config RUN/config.toml``, how docs/evaluation.md reproduces a
run) trains the same settings; when that run's ``[provenance]`` recorded other versions (a thread count, a commit)
or other DATA arguments (another order gives another split), the new run's numbers are not that run's. The note
says which differ; before, [provenance] was dropped in silence."""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

import mvae_core
from mvae_core.session import numerics
from tests.training import TINY


def test_a_retrain_names_what_differs_from_the_run_its_config_came_from(synth_dir, tmp_path, capsys):
    first = tmp_path / "first"
    mvae_core.train([synth_dir], first, overrides=TINY, plugins=[], epochs=1, progress=False)
    config = first / "config.toml"
    mvae_core.train([synth_dir], tmp_path / "same", config=config, progress=True)
    assert "trained otherwise" not in capsys.readouterr().out  # the same versions and DATA: nothing to say

    files = sorted(synth_dir.glob("*.mid"))
    ordered = tmp_path / "data"
    ordered.mkdir()
    for file in files[:2]:
        shutil.copy(file, ordered / file.name)
    text = config.read_text(encoding="utf-8").replace(
        f'"{synth_dir}"', f'"{ordered / files[1].name}", "{ordered / files[0].name}"'
    )
    threads = numerics(torch.device("cpu"))["torch.threads"]
    config.write_text(text.replace(f'"torch.threads" = "{threads}"', '"torch.threads" = "64"'), encoding="utf-8")
    mvae_core.train(
        [ordered / files[0].name, ordered / files[1].name], tmp_path / "again", config=config, progress=True
    )
    said = " ".join(capsys.readouterr().out.split())
    assert (
        f"{config} is the config of a run trained otherwise (torch.threads 64 → {threads}; DATA "
        f"{ordered / files[1].name} {ordered / files[0].name} → {ordered / files[0].name} {ordered / files[1].name}): "
        "this run trains the same settings, and its numbers can differ from that run's"
    ) in said


def test_a_config_without_provenance_says_nothing(synth_dir, tmp_path: Path, capsys):
    config = tmp_path / "mine.toml"
    config.write_text("[train]\nepochs = 1\n", encoding="utf-8")
    mvae_core.train([synth_dir], tmp_path / "run", config=config, overrides=TINY, plugins=[], progress=True)
    assert "trained otherwise" not in capsys.readouterr().out


def test_the_command_line_says_it_too(synth_dir, tmp_path: Path, wide_console):
    """``mvae train DATA --config RUN/config.toml`` (the command docs/evaluation.md gives) passes the file itself to
    the library, so the note is the same."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    first = tmp_path / "first"
    mvae_core.train([synth_dir], first, overrides=TINY, plugins=[], epochs=1, progress=False)
    config = first / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("\ntorch = ", '\ntorch = "1.0" #'), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--config", str(config), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert f"{config} is the config of a run trained otherwise (torch 1.0 → {torch.__version__}):" in result.stdout
