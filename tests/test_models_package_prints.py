"""A model package that prints as it is imported (a banner, a debug print at its module's top, a library it imports)
sends that to stderr in every command, not only in ``mvae models --json``: ``mvae encode --json`` and ``mvae evaluate
--json`` of a run of the model began their stdout with the print, and a script's ``json.loads`` failed."""

from __future__ import annotations

import importlib.metadata
import json

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.models.seed import SeedModel
from tests.training import TINY

BANNER = "hello from mvae-chatty"


class Chatty(SeedModel):
    description = "The seed decoder, printing as its package is imported."


class _Dist:
    name, version = "mvae-chatty", "1.0"


class _EntryPoint:
    name, dist = "chatty", _Dist()

    def load(self) -> type[SeedModel]:
        print(BANNER)  # each load, as a package's first import prints
        return Chatty


@pytest.fixture
def chatty_run(monkeypatch, synth_dir, tmp_path):
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [_EntryPoint()] if group == "mvae.models" else []
    )
    out = tmp_path / "run"
    mvae_core.train([synth_dir], out, overrides=[*TINY, 'model.name="chatty"'], plugins=[], epochs=1, progress=False)
    return out


@pytest.mark.parametrize("command", ["encode", "evaluate"])
def test_what_a_model_package_prints_goes_to_stderr_so_json_parses(chatty_run, synth_dir, command):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    args = [str(chatty_run), str(midi)] if command == "encode" else [str(chatty_run), str(synth_dir), "--samples", "8"]
    result = CliRunner().invoke(app, [command, *args, "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    assert BANNER in result.stderr and BANNER not in result.stdout
