"""A download cut short inside the first event of its only track holds nothing to read: it is a corrupt file, not a
file of ``no notes`` said to have "0 track(s), only meta events"."""

from __future__ import annotations

import struct

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason


def test_a_file_whose_only_track_is_cut_before_any_event_is_corrupt():
    body = b"\x00\xf0" + bytes([0x9F, 0x20]) + b"\x01" * 300  # a SysEx of 4,000 bytes, cut after 300 of them
    data = b"MThd" + struct.pack(">LHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">L", 5000) + body
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(data, DataConfig(cache_dir="none"))
    assert skip.value.reason == SkipReason.CORRUPT
    assert skip.value.detail == (
        "its only track is cut short (304 bytes of it are there) before any event that can be read: download or copy "
        "the file again"
    )
