"""Generating from what is not a run's folder, or from a model that breaks the decode_notes contract, is refused by
name: no traceback, no 'no run directory there' for a file that is there, and the run a typo meant."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import InputError
from mvae_core.models import ModelError


@pytest.mark.parametrize("command", [["generate", "--out", "x.mid"], ["encode", "x.mid"], ["plot", "--out", "x.png"]])
def test_a_runs_file_given_as_run_names_its_folder(tiny_run, tmp_path, command):
    """`mvae generate RUN/config.toml` said 'no run directory there' of a file that is there."""
    args = [command[0], str(tiny_run / "config.toml"), *[str(tmp_path / a) if "." in a else a for a in command[1:]]]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 2
    says = " ".join(done.output.split())
    assert f"{tiny_run / 'config.toml'} is a file, not a run directory; give its folder: {tiny_run}" in says


def test_the_python_api_names_the_folder_too(tiny_run):
    with pytest.raises(InputError, match="is a file, not a run directory; give its folder"):
        mvae_core.load(tiny_run / "model.safetensors")


def test_a_model_whose_decode_notes_breaks_the_contract_is_named_when_generating(tiny_run, monkeypatch):
    """It ended in AttributeError: 'tuple' object has no attribute 'row' while the MIDI file was written."""
    run = mvae_core.load(tiny_run)
    monkeypatch.setattr(run.model, "decode_notes", lambda z, options: [[(0, 1)] for _ in range(len(z))])
    with pytest.raises(ModelError, match=r"^model 'melody_rnn' \(built-in\): decode_notes returned \(0, 1\)"):
        mvae_core.generate(run, z=[0.0, 0.0])


def test_the_file_tools_print_paths_as_they_are_even_with_brackets(tiny_run, tmp_path):
    """rich read '[red]' in a folder's name as markup: the printed path lost it and could not be copied."""
    folder = tmp_path / "take[red]2"
    done = CliRunner().invoke(app, ["interpolate", str(tiny_run), "--from", "0,0", "--to", "1,1", "--steps", "2",
                                    "--out", str(folder)])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"{folder / '000_z_+0.00_+0.00.mid'}  (" in done.output
    picture = tmp_path / "map[b].png"
    done = CliRunner().invoke(app, ["map", str(tiny_run), "--out", str(picture), "--grid", "2"])
    assert done.exit_code == 0 and f"{picture}  (2×2 cells" in done.output


def test_a_mistyped_run_names_the_run_beside_it_with_the_closest_name(tiny_run, tmp_path):
    """`mvae serve runs/dmeo` said only 'no run directory there' (a workshop's most common typo)."""
    import shutil

    runs = tmp_path / "runs"
    shutil.copytree(tiny_run, runs / "demo")
    (runs / "dome").mkdir()  # a folder, not a run: never suggested
    with pytest.raises(InputError) as typo:
        mvae_core.load(runs / "dmeo")
    assert str(typo.value) == f"{runs / 'dmeo'}: no run directory there; did you mean {runs / 'demo'}?"
    with pytest.raises(InputError) as far:
        mvae_core.load(runs / "solos")
    assert str(far.value) == f"{runs / 'solos'}: no run directory there"
    done = CliRunner().invoke(app, ["serve", str(runs / "dmeo")])
    assert done.exit_code == 2 and f"did you mean {runs / 'demo'}?" in " ".join(done.output.split())
