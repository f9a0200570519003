"""Raw Standard MIDI File bytes for fuzz inputs.

Unlike :mod:`tests.synth` (which writes valid files through mido), every byte here is chosen by the caller, so
malformed files are as easy to write as valid ones: wrong chunk lengths, running status anywhere, over-long
variable-length quantities, undefined status bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

Event = tuple[int, bytes]  # (delta ticks, raw event bytes without the delta)


def vlq(value: int, width: int | None = None) -> bytes:
    """``value`` as a MIDI variable-length quantity; ``width`` pads with 0x80 bytes (over-long, still decodable)."""
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append(value & 0x7F)
        value >>= 7
    while width is not None and len(groups) < width:
        groups.append(0)
    groups.reverse()
    return bytes([g | 0x80 for g in groups[:-1]] + [groups[-1]])


def chunk(kind: bytes, payload: bytes, length: int | None = None) -> bytes:
    """A chunk; ``length`` overrides the declared length (to lie about it)."""
    return kind + struct.pack(">L", len(payload) if length is None else length) + payload


def header(fmt: int = 1, ntracks: int = 1, division: int = 480) -> bytes:
    """An ``MThd`` chunk; the fields are packed unsigned, so any 16-bit pattern can be written."""
    return chunk(b"MThd", struct.pack(">HHH", fmt & 0xFFFF, ntracks & 0xFFFF, division & 0xFFFF))


def track(events: Iterable[Event], end: bool = True, length: int | None = None) -> bytes:
    """An ``MTrk`` chunk of ``events`` (each written as delta VLQ + bytes), plus end-of-track when ``end``."""
    body = b"".join(vlq(delta) + data for delta, data in events)
    if end:
        body += b"\x00\xff\x2f\x00"
    return chunk(b"MTrk", body, length)


def smf(tracks: list[bytes], fmt: int = 1, division: int = 480) -> bytes:
    """A whole file: header (declaring ``len(tracks)`` tracks) + the given track chunks."""
    return header(fmt, len(tracks), division) + b"".join(tracks)


def meta(kind: int, data: bytes) -> bytes:
    return bytes([0xFF, kind]) + vlq(len(data)) + data


def tempo(bpm: float) -> bytes:
    return meta(0x51, round(60_000_000 / bpm).to_bytes(3, "big"))


def tempo_us(microseconds: int) -> bytes:
    """A tempo event with a raw microseconds-per-beat value (0 and 0xFFFFFF included)."""
    return meta(0x51, microseconds.to_bytes(3, "big"))


def time_signature(numerator: int, denominator_power: int) -> bytes:
    return meta(0x58, bytes([numerator, denominator_power, 24, 8]))


def note_on(pitch: int, velocity: int = 100, channel: int = 0) -> bytes:
    return bytes([0x90 | channel, pitch, velocity])


def note_off(pitch: int, channel: int = 0) -> bytes:
    return bytes([0x80 | channel, pitch, 0])


def notes_to_events(notes: Iterable[tuple[int, int, int, int]], channel: int = 0) -> list[Event]:
    """``(pitch, start tick, end tick, velocity)`` notes as delta-timed note-on/off events (offs first on a tie)."""
    timed = []
    for pitch, start, end, velocity in notes:
        timed.append((start, 1, note_on(pitch, velocity, channel)))
        timed.append((end, 0, note_off(pitch, channel)))
    timed.sort(key=lambda e: (e[0], e[1]))
    events, now = [], 0
    for tick, _, data in timed:
        events.append((tick - now, data))
        now = tick
    return events


def melody(
    n_loops: int = 2, division: int = 480, pitch: int = 60, per_loop: int = 8
) -> list[tuple[int, int, int, int]]:
    """A plain monophonic melody: ``per_loop`` evenly spaced 16th-long notes per 2-bar loop."""
    step = division // 4
    every = 32 // per_loop
    return [(pitch + k % 7, k * every * step, k * every * step + step, 90) for k in range(n_loops * per_loop)]
