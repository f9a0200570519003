"""A drum clip a DAW exported on channel 1 (Ableton Live's ``Drums1``) under ``data.melody = all`` and ``top-line``.

``auto`` left such a part out as drums, but ``top-line`` and ``all`` took it as melody: a piano file beside
``Drums1`` got the closed hi-hat on every gap of the piano line, half its cells drum hits, with no warning, and the
``polyphonic`` and ``merged parts`` warnings recommend ``top-line``. Now every rule without a selector leaves it out
and counts its notes as drum notes; a selector that names the part (``track:N``, ``name:Drums1``, ``channel:N``) still
takes it. A merge of several parts names the selector that takes one of them."""

from __future__ import annotations

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from tests.synth import SynthNote, SynthTrack, write_tracks

STEP = 240
PIANO = [SynthNote(64 + (s % 5), s * STEP, (s + 1) * STEP, 90) for s in range(0, 64, 4)]  # a note every 4 steps
HATS = [SynthNote(42, s * STEP, s * STEP + 60, 100) for s in range(2, 64, 4)]  # a hat on every gap between them


def ableton_file(tmp_path):
    """Type 1: track 1 'Drums1' on channel 1 (hats between the piano's notes), track 2 'Piano' on channel 2."""
    tracks = [SynthTrack(HATS, "Drums1", channel=0), SynthTrack(PIANO, "Piano", channel=1)]
    return write_tracks(tmp_path / "ableton_drums_ch1.mid", tracks).read_bytes()


@pytest.mark.parametrize("rule", [["auto"], ["top-line"], ["all"]])
def test_a_rule_without_a_selector_leaves_the_drum_clip_out_as_drums(tmp_path, rule):
    score = read_midi_bytes(ableton_file(tmp_path), DataConfig(melody=rule))
    assert sorted(score.start.tolist()) == [n.start for n in PIANO]  # before: top-line and all took the 16 hats
    assert 42 not in score.pitch.tolist()
    assert score.counters == {"drum_notes": len(HATS), "left_out_notes": 0}
    assert "Drums1" not in score.melody and "'Piano'" in score.melody
    assert not [w for kind, w in score.warnings if kind == "merged parts"]


@pytest.mark.parametrize("rule", [["track:1"], ["name:Drums1"], ["channel:1"]])
def test_a_selector_naming_the_drum_clip_takes_it(tmp_path, rule):
    score = read_midi_bytes(ableton_file(tmp_path), DataConfig(melody=rule))
    assert score.pitch.tolist() == [42] * len(HATS)


def test_a_selector_with_top_line_takes_the_drum_clip_it_names(tmp_path):
    score = read_midi_bytes(ableton_file(tmp_path), DataConfig(melody=["name:drums1", "name:piano", "top-line"]))
    assert len(score.pitch) == len(PIANO) + len(HATS)


@pytest.mark.parametrize("rule", [["top-line"], ["all"]])
def test_a_drum_clip_alone_is_drums_only_under_top_line_and_all(tmp_path, rule):
    path = write_tracks(tmp_path / "clip.mid", [SynthTrack(HATS, "Drums1")])
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(path.read_bytes(), DataConfig(melody=rule))
    assert skip.value.reason is SkipReason.DRUMS_ONLY
    assert 'set data.melody = "name:Drums1"' in skip.value.detail


def test_a_merge_names_the_selector_that_takes_one_part(tmp_path):
    bass = [SynthNote(n.pitch - 24, n.start, n.end, 80) for n in PIANO]
    path = write_tracks(tmp_path / "two.mid", [SynthTrack(PIANO, "Keys"), SynthTrack(bass, "Low", channel=1)])
    score = read_midi_bytes(path.read_bytes(), DataConfig(melody=["all"]))
    merged = [w for kind, w in score.warnings if kind == "merged parts"]
    assert len(merged) == 1 and merged[0].startswith("merged 2 pitched parts (track 1 'Keys'")
    assert merged[0].endswith(
        'choose the melody with data.melody: "track:N" for one of them (N as listed), or top-line'
    )
