"""``interpolate(run, [0, 0], [1, 1], loop=3)`` ignored ``loop`` without a word, where ``mvae interpolate --loop 3``
without a MIDI end is refused: the caller meant a MIDI end and would get a line between two points."""

from __future__ import annotations

import pytest

import mvae_core


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


def test_loop_without_a_midi_end_is_refused_naming_it(run):
    with pytest.raises(mvae_core.OptionError, match=r"^loop 3 picks a loop of a MIDI file, and start and end are "):
        mvae_core.interpolate(run, [0, 0], [1, 1], steps=3, loop=3)
    with pytest.raises(mvae_core.OptionError, match=r"^loop 0 picks"):  # given, even as the default's value
        mvae_core.interpolate(run, [0, 0], [1, 1], steps=3, loop=0)


def test_loop_picks_a_loop_of_a_midi_end_and_defaults_to_the_first(run, synth_dir):
    midi = sorted(synth_dir.glob("*.mid"))[0]
    first = mvae_core.interpolate(run, midi, [0, 0], steps=2)
    assert first == mvae_core.interpolate(run, midi, [0, 0], steps=2, loop=0)
    codes = mvae_core.encode(run, midi)  # batched: equal to float32 rounding
    assert first.paths[0, 0].tolist() == pytest.approx(codes[0].mu, abs=1e-5)
    second = mvae_core.interpolate(run, [0, 0], midi, steps=2, loop=1)
    assert second.paths[-1, 0].tolist() == pytest.approx(codes[1].mu, abs=1e-5)


def test_loop_counts_from_the_end_as_an_index_into_encodes_list(run, synth_dir):
    """``loop=-1`` was refused as "not a usable loop", where ``codes[-1]`` and ``loops.midi(-1)`` are the last."""
    midi = sorted(synth_dir.glob("*.mid"))[0]
    count = len(mvae_core.encode(run, midi))
    last = mvae_core.interpolate(run, midi, [0, 0], steps=2, loop=-1)
    assert last == mvae_core.interpolate(run, midi, [0, 0], steps=2, loop=count - 1)
    with pytest.raises(mvae_core.OptionError, match=rf"^loop {-count - 1} is not a usable loop of "):
        mvae_core.interpolate(run, midi, [0, 0], steps=2, loop=-count - 1)
