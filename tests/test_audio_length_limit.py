"""Audio too long to hold in memory (``mvae generate --loops 10000 --tempo 4 --audio``) ended in a traceback
(numpy's MemoryError: 'Unable to allocate 394. GiB'); it is now refused with the length and the fix."""

from __future__ import annotations

import pytest

from mvae_core import audio
from mvae_core.errors import InputError
from mvae_core.loop_file import LOOP_TICKS


def test_audio_past_the_limit_is_refused_with_its_length_and_the_fix():
    with pytest.raises(InputError) as error:
        audio.render([], 4.0, 10_000 * LOOP_TICKS, renderer="builtin")
    assert str(error.value) == (
        "the audio would last 20,000 minutes (the loops at 4 bpm); mvae renders at most 30 minutes to one WAV: render "
        "fewer loops, or at a faster tempo"
    )


def test_audio_within_the_limit_is_rendered():
    rendered = audio.render([], 120.0, 2 * LOOP_TICKS, renderer="builtin")
    assert len(rendered.samples) == round((8.0 + audio.RELEASE_SECONDS) * audio.SAMPLE_RATE)


@pytest.mark.skipif(audio.fluidsynth_missing() is not None, reason="the fluidsynth program is not installed")
def test_a_fluidsynth_that_does_not_finish_in_time_is_an_error_not_a_traceback(monkeypatch):
    """subprocess.TimeoutExpired escaped from render (a slow machine rendering minutes of audio)."""
    import subprocess

    def slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(audio.subprocess, "run", slow)
    with pytest.raises(
        InputError, match=r"^fluidsynth did not finish rendering within 300 s with .*--renderer builtin"
    ):
        audio.render([], 120.0, LOOP_TICKS, renderer="fluidsynth")
