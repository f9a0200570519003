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
