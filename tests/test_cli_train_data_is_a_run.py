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


def test_python_callers_are_refused_too_naming_the_call(tiny_run, tmp_path):
    """``mvae_core.train(data=[run])`` had the same trap: the check lived in the command line only."""
    import pytest

    import mvae_core

    run = shutil.copytree(tiny_run, tmp_path / "run")
    with pytest.raises(mvae_core.InputError, match=rf"^data {run} is a run folder, not MIDI files: to continue "):
        mvae_core.train(data=[run], out=tmp_path / "new", epochs=5, progress=False)
    with pytest.raises(mvae_core.InputError, match=r"mvae_core\.train\(out=.*, resume=True, epochs=5\)"):
        mvae_core.train(data=[run], out=tmp_path / "new", epochs=5, progress=False)
    assert not (tmp_path / "new").exists()


def test_a_command_run_in_process_leaves_stdout_as_it_found_it(tiny_run, tmp_path, monkeypatch):
    """Under torchrun rank 1 ``mvae train`` quiets stdout; in one process (a script, the test suite) the quiet stayed
    and every later command printed nothing (mvae models' table was empty after a rank-1 test)."""
    from mvae_core import cli_output

    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    runner.invoke(app, ["train", str(tmp_path / "nothing"), "--out", str(tmp_path / "r")])
    monkeypatch.delenv("RANK")
    monkeypatch.delenv("WORLD_SIZE")
    assert not cli_output.out.quiet
    assert "seed" in runner.invoke(app, ["models"]).stdout
