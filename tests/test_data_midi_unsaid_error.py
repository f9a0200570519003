"""A file mido refuses with an error of no message is skipped with a detail that says what is wrong and what may
repair it: running status after a SysEx (which the SMF spec cancels) gave ``corrupt or truncated MIDI (EOFError: )``
(helper-413 F8)."""

from __future__ import annotations

import struct

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset


def running_status_after_sysex() -> bytes:
    body = b"\x00\x90\x3c\x40\x18\x3c\x00"  # a note, its note-off in running status
    body += b"\x00\xf0\x03\x7e\x00\xf7"  # a SysEx event
    body += b"\x18\x3e\x40\x18\x3e\x00"  # a note in running status: none is running after the SysEx
    body += b"\x00\xff\x2f\x00"
    return b"MThd" + struct.pack(">LHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">L", len(body)) + body


def test_an_error_without_a_message_is_worded(tmp_path):
    (tmp_path / "song.mid").write_bytes(running_status_after_sysex())
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    (entry,) = report.entries
    assert entry["reason"] == "corrupt or truncated MIDI"
    assert entry["detail"].startswith("EOFError: a track's events run past its end (")
    assert entry["detail"].endswith("re-saving the file in a MIDI editor may repair it")
