"""A parse cache written before 2f8e443 (drum words are whole words) is not reused: ``FORMAT_VERSION`` 21 keys every
entry anew. Before the bump, a file titled 'The Little Drummer Boy' that an earlier mvae parsed (and skipped as
drums only) stayed skipped from the cache once drum words were whole words, until the cache was cleared by hand."""

from __future__ import annotations

import re

from mvae_core.config import DataConfig
from mvae_core.data import cache, melody
from mvae_core.data.load import load_dataset
from tests.synth import SynthNote, SynthTrack, write_tracks

TUNE = [SynthNote(60 + (s % 7), s * 240, (s + 1) * 240, 90) for s in range(0, 64, 2)]
OLD_DRUM_NAME = melody._word_starts(("drum", "perc", "kick", "snare", "hi[- ]?hat", "hats\\b", "hh\\b", "clap"))
"""auto's drum-name match before 2f8e443: word beginnings ('Drummer' was drums)."""


def test_entries_of_the_version_before_the_drum_word_fix_are_not_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("MVAE_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    write_tracks(data / "drummer.mid", [SynthTrack(TUNE, "The Little Drummer Boy")], conductor_in=0)
    write_tracks(data / "tune.mid", [SynthTrack(TUNE, "Tune")], conductor_in=0)
    with monkeypatch.context() as old:  # what mvae at FORMAT_VERSION 20 parsed and cached
        old.setattr(cache, "FORMAT_VERSION", 20)
        old.setattr(melody, "_DRUM_NAME", OLD_DRUM_NAME)
        table, _ = load_dataset([str(data)], DataConfig(), jobs=1)
        assert [re.sub(r".*/", "", s) for s in table.sources] == ["tune.mid"]  # the title read as drums
    table, _ = load_dataset([str(data)], DataConfig(), jobs=1)
    assert sorted(re.sub(r".*/", "", s) for s in table.sources) == ["drummer.mid", "tune.mid"]
