"""A DAW project given instead of MIDI is named, with what to export: the skip said only ``no MThd header``.

A musician points mvae at ``My Set.als`` (or an ``.flp``, ``.rpp``, ``.mscz``, a bounced WAV): the detail now says
what the file looks like and what to give instead.
"""

from __future__ import annotations

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset


@pytest.mark.parametrize(
    ("name", "data", "looks_like"),
    [
        ("My Set.als", b"\x1f\x8b\x08\x00" + bytes(40), "gzip data, as an Ableton Live Set (.als) is"),
        ("beat.flp", b"FLhd\x06\x00\x00\x00" + bytes(40), "an FL Studio project (.flp)"),
        ("song.rpp", b'<REAPER_PROJECT 0.1 "7.0"\n', "a REAPER project (.rpp)"),
        ("score.mscz", b"PK\x03\x04" + bytes(40), "a zip archive (a MuseScore .mscz, a zipped download)"),
        ("bounce.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", "a RIFF file (WAV audio, or MIDI in an RMID wrapper)"),
    ],
)
def test_a_project_file_is_named(tmp_path, name, data, looks_like):
    path = tmp_path / name
    path.write_bytes(data)
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none"))
    (entry,) = report.entries
    assert entry["reason"] == "not a MIDI file"
    assert entry["detail"].startswith(f"no MThd header; it looks like {looks_like}")


def test_other_bytes_keep_the_plain_detail(tmp_path):
    path = tmp_path / "notes.mid"
    path.write_bytes(b"\x00\x10C D E F G\x00")  # a text file is named now (tests/test_data_midi_not_midi_files.py)
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none"))
    assert report.entries[0]["detail"] == "no MThd header"
