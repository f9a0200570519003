"""A download cut short before the melody's first note holds no note: it is skipped as ``no notes``, and the detail
says first that the file was cut before its notes, which is why, and to get it whole again (the recovery's warning
was lost with the skip; then it came last)."""

from __future__ import annotations

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from tests.synth import SynthNote, write_midi


def test_a_file_cut_before_its_first_note_says_it_was_cut(tmp_path):
    whole = write_midi(tmp_path / "song.mid", [SynthNote(60, 0, 240), SynthNote(62, 240, 480)]).read_bytes()
    melody = whole.rindex(b"MTrk") + 8  # the melody track's first event: 00 90 3C 64
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(whole[: melody + 2], DataConfig(cache_dir="none"))
    assert skip.value.reason == SkipReason.NO_NOTES
    assert skip.value.detail == (
        "the file is cut short before its first note: get the whole file again (download or export it anew); no "
        "note-on in its 2 tracks, only meta events (names, tempo, meter); read leniently: the last track is cut "
        "short (2 bytes of it are there); read the events before the cut"
    )


def test_a_whole_file_without_notes_says_nothing_of_a_cut(tmp_path):
    whole = write_midi(tmp_path / "song.mid", []).read_bytes()
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(whole, DataConfig(cache_dir="none"))
    assert skip.value.reason == SkipReason.NO_NOTES and "cut short" not in skip.value.detail
