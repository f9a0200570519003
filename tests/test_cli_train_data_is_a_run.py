"""``mvae train RUN`` with a run folder as DATA, the way a newcomer tries to continue a run without ``--resume``:
it trained a new model on the few loops ``mvae generate`` had written into ``RUN/samples``, and said nothing. It is
refused, naming ``--resume`` and the folder to give for training on generated loops."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


def test_a_run_folder_as_data_is_refused_naming_resume(tiny_run, synth_dir, tmp_path, wide_console):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / "samples").mkdir()
    for midi in sorted(synth_dir.glob("*.mid")):  # loops mvae generate wrote, as far as train can tell
        shutil.copy(midi, run / "samples")
    new = tmp_path / "new"
    result = runner.invoke(app, ["train", str(run), "--epochs", "5", "--set", "model.hidden=32", "--out", str(new)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: DATA {run} is a run folder, not MIDI files"), result.stderr
    assert f"mvae train --resume {run} --epochs 5" in result.stderr
    assert f"give the folder they are in, e.g. {run / 'samples'}" in result.stderr
    assert not new.exists()
