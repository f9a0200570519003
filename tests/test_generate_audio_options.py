"""``mvae generate``'s options that only shape the WAV files of ``--audio`` (``--renderer``, ``--soundfont``,
``--wrap-release``) are checked before any MIDI file is written.

Without ``--audio`` they are refused alike (exit 2 naming them and --audio), before the run is read or any file
written: ``--soundfont`` and ``--renderer`` were ignored in silence, so a musician got MIDI files only and no word
why. With ``--audio``, a bad --renderer or --soundfont is refused before any MIDI file is written, as a bad --audio
name is (it wrote the MIDI files, then failed)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--soundfont", "piano.sf2"], "--soundfont shapes"),
        (["--renderer", "builtin"], "--renderer shapes"),
        (["--renderer", "auto"], "--renderer shapes"),  # typed, even as the default
        (["--wrap-release"], "--wrap-release shapes"),
        (["--renderer", "builtin", "--soundfont", "piano.sf2"], "--renderer, --soundfont shape"),
    ],
)
def test_an_audio_option_without_audio_exits_2_naming_it(tmp_path, options, named):
    out = tmp_path / "loops"
    result = runner.invoke(app, ["generate", str(tmp_path / "no-run"), "--out", str(out), *options])
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert f"{named} the WAV files of --audio, and no --audio is given; add --audio PATH" in message
    assert result.stdout == "" and not out.exists()


def test_without_audio_options_generate_goes_on_to_read_the_run(tmp_path):
    result = runner.invoke(app, ["generate", str(tmp_path / "no-run"), "--out", str(tmp_path / "loops")])
    assert result.exit_code == 2
    assert "--audio" not in result.stderr  # the missing run is what it says, not the audio options


@pytest.fixture
def run(tiny_run):
    """The session's trained run: these tests only read it."""
    return tiny_run


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


def test_audio_too_long_to_render_writes_no_midi_file(run, tmp_path):
    """A WAV longer than mvae renders was refused after the MIDI files were written (``written before it: ...``);
    its length is known before, so it is refused before them."""
    out, options = tmp_path / "loops", ["--loops", "200", "--tempo", "4", "--renderer", "builtin"]
    result = runner.invoke(app, ["generate", str(run), "--out", str(out), "--audio", str(tmp_path / "wav"), *options])
    assert result.exit_code == 2
    assert "error: the audio would last 400 minutes (the loops at 4 bpm)" in " ".join(result.stderr.split())
    assert "written before it" not in result.stderr
    assert not out.exists() and result.stdout == ""
