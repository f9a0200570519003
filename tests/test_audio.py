"""`--audio`: a WAV as long as the loops plus the release, from FluidSynth when it runs or the built-in synth."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core import audio
from mvae_core.cli import app
from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.errors import InputError
from mvae_core.generation import TEMPO_RANGE, DecodeOptions, Note
from mvae_core.loop_file import LOOP_TICKS, loop_seconds, timed_notes

# Rows from MIDI 48, a number (the default, "auto", is chosen as data is read)
CFG = MvaeConfig(data=DataConfig(pitch_low=48))
LOOP = [Note(4, 12, 0.9, 0.25, 0.0), Note(16, 16, 0.6, 0.25, 0.0)]
NOT_THERE = "the fluidsynth program is not installed here (Debian: apt install fluidsynth fluid-soundfont-gm)"


def _render(
    renderer: str, tempo: float = 120.0, loops: list[list[Note]] | None = None, wrap_release: bool = False
) -> audio.Audio:
    loops = [LOOP] if loops is None else loops
    notes = timed_notes(loops, CFG, DecodeOptions(tempo=tempo))
    return audio.render(notes, tempo, len(loops) * LOOP_TICKS, renderer, wrap_release=wrap_release)


def _onset_seconds(samples: np.ndarray, sample_rate: int) -> float:
    return np.flatnonzero(np.abs(samples) > 1e-3)[0] / sample_rate


@pytest.mark.parametrize("tempo", [90.0, 120.0])
def test_builtin_audio_lasts_the_loop_plus_the_release_and_starts_on_the_first_note(tempo):
    rendered = _render("builtin", tempo)
    assert rendered.renderer == "built-in synth"
    assert rendered.seconds == pytest.approx(loop_seconds(tempo) + audio.RELEASE_SECONDS, abs=1 / rendered.sample_rate)
    assert _onset_seconds(rendered.samples, rendered.sample_rate) == pytest.approx(4 * 60 / tempo / 4, abs=1e-3)
    assert 0.05 < np.abs(rendered.samples).max() <= audio.PEAK


HELD_TO_THE_END = [Note(2, 12, 0.5, 0.25, 0.0), Note(28, 14, 0.5, 0.25, 0.0)]  # the second one ends with the loop


@pytest.mark.parametrize(
    "renderer",
    [
        "builtin",
        pytest.param("fluidsynth", marks=pytest.mark.skipif(audio.fluidsynth_missing() is not None, reason=NOT_THERE)),
    ],
)
def test_wrapped_audio_is_exactly_the_loop_with_the_release_added_onto_its_start(renderer):
    """A WAV for a DAW to repeat: the loop plus a 0.5 s release went out of time when looped, and cut to the loop
    it clicked where the last note's release was cut off."""
    plain = _render(renderer, loops=[HELD_TO_THE_END])
    wrapped = _render(renderer, loops=[HELD_TO_THE_END], wrap_release=True)
    loop = round(loop_seconds(120.0) * audio.SAMPLE_RATE)
    assert len(wrapped.samples) == loop
    tail = plain.samples[loop:]
    assert np.abs(tail).max() > 1e-3  # the last note sounds on past the loop's end ...
    np.testing.assert_allclose(wrapped.samples[: len(tail)], plain.samples[: len(tail)] + tail, atol=1e-6)
    np.testing.assert_array_equal(wrapped.samples[len(tail) :], plain.samples[len(tail) : loop])  # ... onto the start


def test_wrapped_audio_at_the_fastest_tempo_folds_a_release_longer_than_the_loop():
    """At generate's highest tempo a loop is shorter than the release (0.48 s < 0.5 s): wrapping it raised a numpy
    ValueError (operands could not be broadcast together)."""
    tempo = TEMPO_RANGE[1]
    plain = _render("builtin", tempo, loops=[HELD_TO_THE_END])
    wrapped = _render("builtin", tempo, loops=[HELD_TO_THE_END], wrap_release=True)
    loop = round(loop_seconds(tempo) * audio.SAMPLE_RATE)
    assert len(wrapped.samples) == loop < len(plain.samples) - loop  # the release outlasts the loop
    folded = sum(
        np.pad(part, (0, loop - len(part))) for part in np.split(plain.samples, range(loop, len(plain.samples), loop))
    )
    np.testing.assert_allclose(
        wrapped.samples * np.abs(folded).max() / np.abs(wrapped.samples).max(), folded, atol=1e-6
    )


def test_an_empty_loop_is_silence_of_the_same_length():
    rendered = _render("builtin", loops=[[]])
    assert rendered.seconds == pytest.approx(loop_seconds(120.0) + audio.RELEASE_SECONDS, abs=1e-4)
    assert not rendered.samples.any()


def test_a_loud_chord_is_scaled_below_clipping():
    chord = [Note(0, row, 1.0, 1.0, 0.0) for row in range(0, 24, 2)]
    assert np.abs(_render("builtin", loops=[chord]).samples).max() == pytest.approx(audio.PEAK, abs=1e-6)


def test_wav_is_16_bit_mono_at_the_sample_rate():
    rendered = _render("builtin")
    buffer = io.BytesIO(audio.wav_bytes(rendered))
    with wave.open(buffer) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, audio.SAMPLE_RATE)
        assert wav.getnframes() == len(rendered.samples)


@pytest.mark.skipif(audio.fluidsynth_missing() is not None, reason=NOT_THERE)
def test_fluidsynth_audio_lasts_the_loop_plus_the_release_and_starts_on_the_first_note():
    rendered = _render("fluidsynth")
    assert rendered.renderer.startswith("FluidSynth")
    assert rendered.seconds == pytest.approx(loop_seconds(120.0) + audio.RELEASE_SECONDS, abs=1 / rendered.sample_rate)
    assert _onset_seconds(rendered.samples, rendered.sample_rate) == pytest.approx(0.5, abs=0.01)
    assert np.abs(rendered.samples).max() > 0.05


def test_asking_for_fluidsynth_where_it_cannot_run_says_what_to_install(monkeypatch):
    monkeypatch.setattr(audio.shutil, "which", lambda name: None)  # no fluidsynth program on the PATH
    with pytest.raises(InputError, match="apt install fluidsynth"):
        _render("fluidsynth")
    assert _render("auto").renderer == "built-in synth"


def test_a_missing_soundfont_is_named(tmp_path):
    with pytest.raises(InputError, match="no such SoundFont"):
        audio.find_soundfont(tmp_path / "piano.sf2")


def test_generate_writes_wav_beside_midi(tiny_run, tmp_path):
    args = [
        "generate",
        str(tiny_run),
        "--z",
        "0.5,-1",
        "--out",
        str(tmp_path / "a.mid"),
        "--audio",
        str(tmp_path / "a.wav"),
    ]
    result = CliRunner().invoke(app, [*args, "--renderer", "builtin", "--tempo", "100"])
    assert result.exit_code == 0, result.output
    assert "(built-in synth)" in result.output
    with wave.open(str(tmp_path / "a.wav")) as wav:
        assert wav.getnframes() / wav.getframerate() == pytest.approx(
            loop_seconds(100.0) + audio.RELEASE_SECONDS, abs=1e-4
        )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--random", "2", "--audio", "two.wav"], "names one WAV file but 2 points"),
        (
            ["--z", "0,0", "--audio", "a.wav", "--renderer", "loud"],
            "--renderer must be one of auto, fluidsynth, builtin, got 'loud'",
        ),
        (["--z", "0,0", "--audio", "a.wav", "--soundfont", "nope.sf2"], "--soundfont nope.sf2: no such SoundFont file"),
    ],
)
def test_bad_audio_options_exit_2_naming_them(tiny_run, tmp_path, monkeypatch, extra, expected):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["generate", str(tiny_run), "--out", "out", *extra])
    assert result.exit_code == 2
    assert expected in result.output


def test_json_output_stays_clean_with_ci_set(synth_dir):
    """pyfluidsynth prints to stdout on import when $CI is set, and pretty_midi imports it when installed: mvae
    renders with the fluidsynth program instead, so `--json` output parses in CI too."""
    import json
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "mvae_core.cli", "data", "inspect", str(synth_dir), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CI": "true"}, check=True)
    assert json.loads(done.stdout)["summary"]["loops"] > 0


def test_generate_wrap_release_writes_wavs_exactly_as_long_as_their_loops(tiny_run, tmp_path):
    runner = CliRunner()
    args = ["generate", str(tiny_run), "--random", "2", "--bars", "2", "--out", str(tmp_path / "mid")]
    done = runner.invoke(app, [*args, "--audio", str(tmp_path / "wav"), "--renderer", "builtin", "--wrap-release"])
    assert done.exit_code == 0, done.output
    wavs = sorted((tmp_path / "wav").glob("*.wav"))
    assert len(wavs) == 2
    for wav_file in wavs:
        with wave.open(str(wav_file)) as wav:
            assert wav.getnframes() == round(2 * loop_seconds(120.0) * audio.SAMPLE_RATE)


def test_wrap_release_without_audio_exits_2_saying_what_to_add(tiny_run, tmp_path):
    done = CliRunner().invoke(app, ["generate", str(tiny_run), "--out", str(tmp_path / "a.mid"), "--wrap-release"])
    assert done.exit_code == 2
    assert "--wrap-release shapes the WAV files of --audio, and no --audio is given; add --audio PATH" in done.output
    assert not (tmp_path / "a.mid").exists()


def test_audio_shows_its_length_rate_and_renderer_not_its_samples():
    """``Generated.audio(0)`` in a notebook printed the whole sample array."""
    shown = repr(audio.Audio(np.zeros(88200, dtype=np.float32), 44100, "builtin"))
    assert shown == "Audio(2.000 s, 44100 Hz, renderer='builtin')"
