"""``mvae generate --audio``: what makes the WAV files fail before any is written (FluidSynth missing for
``--renderer fluidsynth``, an audio folder that cannot be made) is refused before any MIDI file is written, as a bad
``--renderer`` or ``--soundfont`` is; a failure while they are written (FluidSynth on one loop, a full disk) says
exactly which files were written. Before, the MIDI files were written and the error named none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import audio
from mvae_core.cli import app
from mvae_core.errors import InputError

runner = CliRunner()


def _generate(run: Path, out: Path, wav: str, *options: str):
    args = ["generate", str(run), "--random", "3", "--out", str(out), "--audio", wav, *options]
    return runner.invoke(app, args, env={"NO_COLOR": "1"}, terminal_width=400)


def test_fluidsynth_asked_for_and_missing_writes_nothing(tiny_run, tmp_path, monkeypatch):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)  # no fluidsynth program on the PATH
    out = tmp_path / "loops"
    result = _generate(tiny_run, out, str(tmp_path / "wav"), "--renderer", "fluidsynth")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: FluidSynth cannot run here: the fluidsynth program is not installed")
    assert not out.exists() and not (tmp_path / "wav").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
def test_an_audio_folder_that_cannot_be_made_writes_nothing(tiny_run, tmp_path):
    out = tmp_path / "loops"
    result = _generate(tiny_run, out, "/proc/mvae-no-such-folder")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write into /proc/mvae-no-such-folder: No such file or directory")
    assert not out.exists()


def test_a_failure_while_the_wavs_are_written_names_what_was_written(tiny_run, tmp_path, monkeypatch):
    rendered = audio._builtin
    calls = []

    def fails_on_the_second_loop(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise InputError("the synth failed on this loop")
        return rendered(*args, **kwargs)

    monkeypatch.setattr(audio, "_builtin", fails_on_the_second_loop)
    out, wav = tmp_path / "loops", tmp_path / "wav"
    result = _generate(tiny_run, out, str(wav), "--renderer", "builtin")
    assert result.exit_code == 2
    midi, wavs = sorted(out.iterdir()), sorted(wav.iterdir())
    assert len(midi) == 3 and len(wavs) == 1
    assert result.stderr == (
        f"error: the synth failed on this loop; written before it: the 3 MIDI files ({', '.join(map(str, midi))}) "
        f"and 1 of the 3 WAV files ({wavs[0]})\n"
    )
