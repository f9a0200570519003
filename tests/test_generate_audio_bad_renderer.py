"""``mvae generate --audio`` refuses a bad --renderer or --soundfont before it writes any MIDI file, as it refuses a bad
--audio name (it wrote the MIDI files, then failed)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def run(synth_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("generate") / "run"
    tiny = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--plugins", "none", "--epochs", "1"]
    result = runner.invoke(app, ["train", str(synth_dir), *tiny, "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--renderer", "fluidsynt"], "error: --renderer must be one of auto, fluidsynth, builtin, got 'fluidsynt'; did "
         "you mean 'fluidsynth'?"),
        (["--soundfont", "missing.sf2"], "missing.sf2: no such SoundFont file (.sf2)"),
    ],
)  # fmt: skip
def test_a_bad_renderer_or_soundfont_writes_nothing(run, tmp_path, options, message):
    out = tmp_path / "loops"
    result = runner.invoke(app, ["generate", str(run), "--out", str(out), "--audio", str(tmp_path / "wav"), *options])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert not out.exists() and result.stdout == ""
