"""Copies of one file in other bytes (re-saved at another resolution, merged to type 0) are two sources with the
same loops: mvae warns, naming the first; both are used, as one group of the train/validation split
(tests/test_split_copies.py), so their loops count twice."""

from __future__ import annotations

import mido

from mvae_core.config import DataConfig
from mvae_core.data.load import SAME_NOTES, load_dataset, same_notes_message
from tests.synth import random_melody, write_midi

NO_CACHE = {"cache_dir": "none"}


def _type0(source, target):
    """``source`` merged into one track (type 0), as many tools export it: other bytes, the same notes."""
    midi = mido.MidiFile(source)
    merged = mido.MidiFile(type=0, ticks_per_beat=midi.ticks_per_beat)
    merged.tracks.append(mido.merge_tracks(midi.tracks))
    merged.save(target)


def test_a_converted_copy_is_named_as_having_the_same_notes(tmp_path):
    import numpy as np

    rng = np.random.default_rng(3)
    write_midi(tmp_path / "a song.mid", random_melody(rng, 4, resolution=480, offset_std=0.2), resolution=480)
    write_midi(tmp_path / "b other.mid", random_melody(rng, 4))
    _type0(tmp_path / "a song.mid", tmp_path / "c song type0.mid")
    write_midi(
        tmp_path / "d song 960.mid", random_melody(np.random.default_rng(3), 4, offset_std=0.2)
    )  # twice the ticks, same grid
    table, report = load_dataset([str(tmp_path)], DataConfig(**NO_CACHE))
    warned = {e["source"]: e.get("warnings", []) for e in report.entries}
    first = str(tmp_path / "a song.mid")
    same = {"kind": SAME_NOTES, "message": same_notes_message(first)}
    assert warned[str(tmp_path / "c song type0.mid")] == [same]
    assert warned[str(tmp_path / "d song 960.mid")] == [same]
    assert warned[first] == warned[str(tmp_path / "b other.mid")] == []
    assert report.warnings_by_kind() == {SAME_NOTES: 2} and len(table.sources) == 4  # reported, still used


def test_a_corpus_tune_twice_is_not_something_to_delete():
    """`make demo`'s first screen was ten warnings telling a newcomer to delete tunes inside the music21 package."""
    mine = same_notes_message("songs/a.mid")
    bundled = same_notes_message("corpus:essen/ballad30#124", semitones=-5)
    assert mine.endswith("; delete one of the two if that is not meant") and "(a re-saved, converted" in mine
    assert bundled.endswith("; nothing to do") and "(one tune twice in the collection)" in bundled
    assert "5 semitones lower" in bundled and "delete" not in bundled
