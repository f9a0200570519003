"""Meta events mido cannot decode, or that make no sense, as hand-edited and old files hold them, no longer cost the
whole file.

One key signature of 8 sharps (mido: KeySignatureError) or an SMPTE offset of an unknown frame rate (KeyError: 7)
made a file of good notes ``corrupt or truncated MIDI``. Such an event is left out with a ``recovered`` warning; a
broken time signature still skips the file, since its bars depend on it.

A time signature of 0 beats a bar (``0/4``) has no bar length. It skipped the file as ``no 4/4 bar (2977 bars in
0/4)``, counting every tick as a bar. It is ignored with a ``recovered`` warning: the meter before it goes on."""

from __future__ import annotations

import struct

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from tests.synth import SynthNote, write_midi


def smf(meta: bytes, running: bool = False) -> bytes:
    """A type-0 file at 192 ticks per beat: 32 8th notes and ``meta``, at tick 0 before them, or with ``running``
    after them, the notes in running status (so that a reader must follow it to find the meta)."""
    notes = b""
    for i in range(32):
        pitch = bytes([60 + i % 7])
        if running:
            notes += (b"\x00" if i else b"\x00\x90") + pitch + b"\x64\x60" + pitch + b"\x00"
        else:
            notes += b"\x00\x90" + pitch + b"\x64\x60\x80" + pitch + b"\x00"
    body = (notes + meta if running else meta + notes) + b"\x00\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 192) + b"MTrk" + struct.pack(">I", len(body)) + body


@pytest.mark.parametrize(
    ("meta", "named"),
    [
        (b"\x00\xff\x59\x02\x08\x00", "key_signature: KeySignatureError: Could not decode key with 8 sharps"),
        (b"\x00\xff\x54\x05\xff\x00\x00\x00\x00", "smpte_offset: KeyError: 7"),
        (b"\x00\xff\x51\x02\x07\xa1", "set_tempo: IndexError"),
    ],
)
def test_an_undecodable_meta_is_left_out_and_the_notes_read(meta, named):
    for running in (False, True):
        score = read_midi_bytes(smf(meta, running), DataConfig())
        assert len(score.pitch) == 32
        [(kind, message)] = score.warnings
        assert kind == "recovered"
        assert message.startswith(f"left out 1 meta event that cannot be decoded ({named}")


def test_a_broken_time_signature_still_skips_the_file():
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(smf(b"\x00\xff\x58\x03\x04\x02\x18"), DataConfig())
    assert skip.value.reason is SkipReason.CORRUPT
    assert skip.value.detail.startswith("IndexError")


STEP = 240


def test_a_zero_beat_meter_is_ignored_and_said(tmp_path):
    notes = [SynthNote(60 + s % 7, s * STEP, (s + 1) * STEP) for s in range(0, 64, 2)]
    path = write_midi(tmp_path / "song.mid", notes, time_signatures=[(0, 4, 4), (32 * STEP, 0, 4)])
    score = read_midi_bytes(path.read_bytes(), DataConfig())
    assert score.segments == [(0, None)]
    assert score.other_meter_bars == 0
    assert ("recovered", "ignored 1 time signature of 0 beats a bar (the first at tick 7,680)") in score.warnings
