"""A SoundFont cut short (a download stopped half-way) has the right header, so it passed the check, and fluidsynth,
failing to load it, played its own default SoundFont and exited 0: the WAV was made with another SoundFont than the
one given, and mvae said 'FluidSynth (piano.sf2)'. It is now refused naming the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mvae_core import audio
from mvae_core.errors import InputError
from mvae_core.loop_file import LOOP_TICKS, TimedNote

SHIPPED = Path(importlib.util.find_spec("pretty_midi").origin).parent / "TimGM6mb.sf2"


@pytest.mark.skipif(audio.fluidsynth_missing() is not None, reason="the fluidsynth program is not installed")
def test_a_soundfont_cut_short_is_refused_not_replaced_by_fluidsynths_default(tmp_path):
    cut = tmp_path / "piano.sf2"
    cut.write_bytes(SHIPPED.read_bytes()[:50_000])
    notes = [TimedNote(pitch=60, start=0, end=480, velocity=100, step=0)]
    with pytest.raises(InputError) as error:
        audio.render(notes, 120.0, LOOP_TICKS, renderer="fluidsynth", soundfont=cut)
    assert str(error.value).startswith(f"fluidsynth cannot load the SoundFont {cut} (")
    assert str(error.value).endswith(
        "): it is cut short or damaged, and fluidsynth would play its default SoundFont instead; give a complete .sf2"
    )
    assert audio.render(notes, 120.0, LOOP_TICKS, renderer="fluidsynth", soundfont=SHIPPED).renderer == (
        "FluidSynth (TimGM6mb.sf2)"
    )
