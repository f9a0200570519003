"""``mvae interpolate --audio``: a musician hears a morph between two loops without a DAW. interpolate had no
``--audio`` (``No such option: --audio``); it now takes generate's ``--audio``, ``--renderer``, ``--soundfont`` and
``--wrap-release`` with the same checks (one source: :class:`mvae_core.cli_tools.AudioOptions`), a WAV per point
named as its MIDI file, and with ``--one-file`` ``interpolation.wav``, the morph heard whole."""

from __future__ import annotations

import wave
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.audio import RELEASE_SECONDS
from mvae_core.cli import app
from mvae_core.loop_file import loop_seconds

runner = CliRunner()
LINE = ("--from", "0,0", "--to", "1,1", "--steps", "3", "--tempo", "120")


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def said(result) -> str:
    return " ".join(result.stderr.split())


def seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_interpolate_renders_a_wav_per_point_and_the_whole_morph(tiny_run: Path, tmp_path: Path) -> None:
    out, sounds = tmp_path / "morph", tmp_path / "wav"
    result = mvae(
        "interpolate", tiny_run, *LINE, "--one-file", "--out", out, "--audio", sounds, "--renderer", "builtin"
    )
    assert result.exit_code == 0, result.output
    midi = sorted(path.stem for path in out.iterdir())
    assert sorted(path.stem for path in sounds.iterdir()) == midi  # interpolation too
    assert "interpolation" in midi and len(midi) == 4
    assert seconds(sounds / "interpolation.wav") == loop_seconds(120, 3) + RELEASE_SECONDS  # 3 loops and the release
    assert f"{sounds / 'interpolation.wav'}  (built-in synth)" in result.stdout


def test_interpolate_wraps_the_release_as_generate_does(tiny_run: Path, tmp_path: Path) -> None:
    args = ("--audio", tmp_path / "wav", "--renderer", "builtin", "--wrap-release")
    result = mvae("interpolate", tiny_run, *LINE, "--out", tmp_path / "morph", *args)
    assert result.exit_code == 0, result.output
    assert {seconds(path) for path in (tmp_path / "wav").iterdir()} == {loop_seconds(120)}


def test_interpolate_refuses_a_wav_option_without_audio_and_writes_nothing(tiny_run: Path, tmp_path: Path) -> None:
    for option in (("--renderer", "builtin"), ("--wrap-release",)):
        result = mvae("interpolate", tiny_run, *LINE, "--out", tmp_path / "morph", *option)
        assert result.exit_code == 2, result.output
        assert f"{option[0]} shapes the WAV files of --audio, and no --audio is given; add --audio PATH" in said(result)
    bad = mvae("interpolate", tiny_run, *LINE, "--out", tmp_path / "morph", "--audio", tmp_path, "--renderer", "fluid")
    assert bad.exit_code == 2 and "did you mean 'fluidsynth'" in said(bad), bad.output
    assert not (tmp_path / "morph").exists()


def test_an_earlier_morphs_wav_stops_the_midi_too(tiny_run: Path, tmp_path: Path) -> None:
    out, sounds = tmp_path / "morph", tmp_path / "wav"
    sounds.mkdir()
    (sounds / "interpolation.wav").write_bytes(b"the morph I liked")
    args = ("--one-file", "--out", out, "--audio", sounds, "--renderer", "builtin")
    result = mvae("interpolate", tiny_run, *LINE, *args)
    assert result.exit_code == 2, result.output
    assert f"error: {sounds / 'interpolation.wav'} is already there" in said(result)
    assert "give another --out and --audio" in said(result)
    assert not out.exists() and [p.name for p in sounds.iterdir()] == ["interpolation.wav"]
    assert mvae("interpolate", tiny_run, *LINE, *args, "--overwrite").exit_code == 0
    assert (sounds / "interpolation.wav").read_bytes() != b"the morph I liked"


def test_a_morph_too_long_to_render_is_refused_before_any_midi_file(tiny_run: Path, tmp_path: Path) -> None:
    """interpolation.wav of 200 loops at 4 bpm would last 400 minutes: refused before the MIDI files are written
    (mvae renders 30 minutes to one WAV at most), not after them."""
    args = ("--steps", "200", "--tempo", "4", "--one-file", "--audio", tmp_path / "wav", "--renderer", "builtin")
    result = mvae("interpolate", tiny_run, "--from", "0,0", "--to", "1,1", *args, "--out", tmp_path / "morph")
    assert result.exit_code == 2, result.output
    assert "the audio would last 400 minutes (the loops at 4 bpm)" in said(result)
    assert not (tmp_path / "morph").exists()
