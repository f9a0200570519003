"""Read a Standard MIDI File leniently, the way a careful reader recovers what a file holds (decoding is mido's).

In order, each recovery counted as a warning on the file (:attr:`SmfFile.warnings`):

1. chunks are read one by one: a chunk that is not ``MTrk`` (the SMF spec says to skip unknown chunks) is skipped;
   a header that declares more or fewer tracks than the file holds is believed as far as the file goes;
2. a data byte above 127 (a corrupt or hand-edited file) is clipped to 127 (mido's ``clip``) when it is the only
   thing that keeps the file from parsing;
3. a meta event that mido cannot decode (a key signature of 8 sharps, an SMPTE offset of an unknown frame rate, a
   tempo of the wrong length: data that hand-edited and old files get wrong) is left out when such events are what
   keeps the file from parsing: each becomes a sequencer-specific event of the same length, which is ignored. Not a
   time signature: the bars depend on it;
4. a last track cut short (a truncated download) keeps the events before the cut.

What cannot be recovered raises :class:`~mvae_core.data.score.SkipFile` (corrupt, or "no notes" for a header with
no tracks). Nothing here interprets the events; :mod:`.midi_notes` does.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

import mido
from mido.messages.specs import SPEC_BY_STATUS
from mido.midifiles.meta import MetaSpec, build_meta_message

from mvae_core.data.score import SkipFile, SkipReason
from mvae_core.wording import counted

HEADER = b"MThd"
TRACK = b"MTrk"
MAX_TRIM = 8
"""Bytes a truncated last track may lose at its cut (the rest of an event cut in the middle) before it is dropped."""


@dataclass
class SmfFile:
    """The tracks of one file (mido), its ticks per beat, and what had to be recovered."""

    ticks_per_beat: int
    tracks: list[mido.MidiTrack]
    warnings: list[str] = field(default_factory=list)


def read_smf(data: bytes) -> SmfFile:
    """Parse ``data`` (bytes starting with ``MThd``) as leniently as the module docstring says."""
    header, chunks, warnings = _chunks(data)
    fmt, declared, division = header
    if division == 0 or division & 0x8000:
        raise SkipFile(SkipReason.CORRUPT, _division_problem(division))
    if not chunks:
        detail = (
            "the header lists no tracks"
            if declared == 0
            else f"the header lists {counted(declared, 'track')}; none found"
        )
        raise SkipFile(SkipReason.NO_NOTES if declared == 0 else SkipReason.CORRUPT, detail)
    if len(chunks) != declared:
        warnings.append(
            f"the header declares {counted(declared, 'track')}, the file holds {len(chunks)}; read {len(chunks)}"
        )
    bodies = [body for body, _ in chunks]
    cut = chunks[-1][1]  # only the last chunk can run past the end of the file
    tracks = _parse(bodies[:-1] if cut else bodies, fmt, division, warnings)
    if cut:  # keep what the cut last track holds before the cut
        tracks.extend(_truncated_track(bodies[-1], fmt, division, warnings))
    if not tracks:  # its only track is cut short within its first events: nothing of the file can be read
        raise SkipFile(
            SkipReason.CORRUPT,
            f"its only track is cut short ({len(bodies[-1]):,} bytes of it are there) before any event that can be "
            "read: download or copy the file again",
        )
    if fmt == 2 and len(tracks) > 1:
        tracks = [one_after_another(tracks)]
    return SmfFile(division, tracks, warnings)


def _division_problem(division: int) -> str:
    """Why a header's time division gives no grid: 0 ticks per quarter note, or SMPTE time (the high bit set: the
    negative frame rate in the high byte, ticks per frame in the low byte)."""
    if division == 0:
        return "the header gives 0 ticks per quarter note: no grid can be laid on its notes"
    fps, per_frame = 256 - (division >> 8), division & 0xFF
    return (
        f"SMPTE time division ({fps} frames/s x {per_frame} ticks per frame): the file counts time in seconds, not "
        "beats, so it has no 16th grid; export it again with a tempo (ticks per quarter note, the usual MIDI export)"
    )


def one_after_another(tracks: list[mido.MidiTrack]) -> mido.MidiTrack:
    """The patterns of a type-2 file as they sound: each after the one before, as one track (a type-2 file's tracks
    are independent sequences, not parts played together). Each pattern's end of track goes, its time stays."""
    merged = mido.MidiTrack()
    pending = 0
    for track in tracks:
        for message in track:
            if message.type == "end_of_track":
                pending += message.time
                continue
            merged.append(message.copy(time=message.time + pending))
            pending = 0
    merged.append(mido.MetaMessage("end_of_track", time=pending))
    return merged


def _chunks(data: bytes) -> tuple[tuple[int, int, int], list[tuple[bytes, bool]], list[str]]:
    """The header ``(format, declared tracks, division)`` and every ``MTrk`` body as ``(bytes, truncated)``."""
    if len(data) < 14:
        raise SkipFile(SkipReason.CORRUPT, f"the header is cut short ({len(data)} bytes)")
    size = struct.unpack(">L", data[4:8])[0]
    if size < 6:
        raise SkipFile(SkipReason.CORRUPT, f"header chunk of {size} bytes (6 needed)")
    header = struct.unpack(">HHH", data[8:14])
    chunks: list[tuple[bytes, bool]] = []
    skipped: dict[bytes, list[int]] = {}  # chunk name → the length of each chunk of that name (not a track)
    pos = 8 + size
    while pos + 8 <= len(data):
        name, length = struct.unpack(">4sL", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if name == TRACK:
            chunks.append((body, len(body) < length))
        else:
            skipped.setdefault(name, []).append(length)
        pos += 8 + length
    warnings = [_skipped_chunks(name, lengths) for name, lengths in skipped.items()]
    if 0 < len(data) - pos < 8:
        warnings.append(f"ignored {counted(len(data) - pos, 'byte')} after the last chunk")
    return header, chunks, warnings


def _skipped_chunks(name: bytes, lengths: list[int]) -> str:
    """One warning for every chunk named ``name`` that is not a track: a file padded with zeros reads as a
    chunk '00000000' of 0 bytes every 8 bytes, a million of them in 8 MiB, and said each had flooded the report."""
    shown = name.decode("latin-1") if name.isascii() and name.decode("ascii").isprintable() else name.hex()
    if len(lengths) == 1:
        return f"skipped a chunk {shown!r} of {lengths[0]:,} bytes (not a track)"
    return f"skipped {len(lengths):,} chunks {shown!r} of {sum(lengths):,} bytes in all (not tracks)"


def _parse(bodies: list[bytes], fmt: int, division: int, warnings: list[str]) -> list[mido.MidiTrack]:
    """mido's tracks of complete track bodies; with clipped data bytes, and then without the meta events mido cannot
    decode, only when they keep it from parsing."""
    try:
        return _mido(_file(bodies, fmt, division), clip=False)
    except Exception as strict:
        problem = f"{type(strict).__name__}: {str(strict) or _UNSAID.get(type(strict), 'no reason given')}"[:200]
    try:
        tracks = _mido(_file(bodies, fmt, division), clip=True)
        warnings.append(CLIPPED)
        return tracks
    except Exception:
        pass
    scanned = [_without_bad_metas(body) for body in bodies]
    dropped = [event for _, events in scanned for event in events]
    if not dropped:
        raise SkipFile(SkipReason.CORRUPT, problem)
    cleaned = _file([body for body, _ in scanned], fmt, division)
    for clip in (False, True):
        try:
            tracks = _mido(cleaned, clip=clip)
        except Exception:
            continue
        shown = "; ".join(dropped[:3]) + ("; …" if len(dropped) > 3 else "")
        warnings.append(f"left out {counted(len(dropped), 'meta event')} that cannot be decoded ({shown})")
        if clip:
            warnings.append(CLIPPED)
        return tracks
    raise SkipFile(SkipReason.CORRUPT, problem)


_UNSAID = {
    EOFError: (
        "a track's events run past its end (it is cut short, or a note after a SysEx event relies on running status, "
        "which a SysEx cancels); re-saving the file in a MIDI editor may repair it"
    )
}
"""What a ``CORRUPT`` detail says for an error mido raises without a message (``EOFError: `` named no cause)."""
CLIPPED = "clipped data bytes above 127 (the file is corrupt or was edited by hand)"
SEQUENCER_SPECIFIC = 0x7F
TIME_SIGNATURE = 0x58
_META_NAMES = {spec.type_byte: spec.__name__.removeprefix("MetaSpec_") for spec in MetaSpec.__subclasses__()}


def _without_bad_metas(body: bytes) -> tuple[bytes, list[str]]:
    """``body`` with every meta event mido cannot decode turned into a sequencer-specific one (type 0x7F, the same
    length, ignored by everything that reads the notes), and those events as ``key_signature: <mido's error>``;
    ``body`` unchanged and no event when one is a time signature (without it the bars would be read wrong).
    The scan follows mido's reading (running status, sysex, metas) and stops where the bytes stop making sense."""
    out, found = bytearray(body), []
    pos, status = 0, None
    try:
        while pos < len(body):
            _, pos = _varlen(body, pos)
            byte = body[pos]
            if byte < 0x80:  # running status: the byte is data
                if status is None:
                    break
                byte, pos = status, pos - 1
            elif byte != 0xFF:
                status = byte
            if byte == 0xFF:
                kind = body[pos + 1]
                length, start = _varlen(body, pos + 2)
                try:
                    build_meta_message(kind, list(body[start : start + length]))
                except Exception as error:
                    if kind == TIME_SIGNATURE:  # the bars depend on it: left out, the file would be read wrong
                        return body, []
                    name = _META_NAMES.get(kind, f"meta 0x{kind:02x}")
                    found.append(f"{name}: {type(error).__name__}: {error}"[:120])
                    out[pos + 1] = SEQUENCER_SPECIFIC
                pos = start + length
            elif byte in (0xF0, 0xF7):
                length, start = _varlen(body, pos + 1)
                pos = start + length
            else:
                pos += SPEC_BY_STATUS[byte]["length"]
    except (IndexError, KeyError, ValueError):
        pass
    return bytes(out), found


CUT_SHORT = "the last track is cut short"
"""How the reading's warnings about a truncated file begin (:func:`_truncated_track`)."""


def _truncated_track(body: bytes, fmt: int, division: int, warnings: list[str]) -> list[mido.MidiTrack]:
    """The events of a track cut short: its body as far as whole events go (losing at most :data:`MAX_TRIM` bytes)."""
    for trim in range(min(MAX_TRIM, len(body)) + 1):
        try:
            [track] = _mido(_file([body[: len(body) - trim]], fmt, division), clip=True)
        except Exception:
            continue
        warnings.append(f"{CUT_SHORT} ({len(body):,} bytes of it are there); read the events before the cut")
        return [track]
    warnings.append(f"{CUT_SHORT} inside a long event; left it out")
    return []


def _file(bodies: list[bytes], fmt: int, division: int) -> bytes:
    """A well-formed SMF holding exactly ``bodies`` as its tracks."""
    parts = [HEADER, struct.pack(">LHHH", 6, fmt, len(bodies), division)]
    for body in bodies:
        parts += [TRACK, struct.pack(">L", len(body)), body]
    return b"".join(parts)


def _mido(data: bytes, clip: bool) -> list[mido.MidiTrack]:
    return mido.MidiFile(file=io.BytesIO(data), clip=clip, charset="latin1").tracks


def _varlen(body: bytes, pos: int) -> tuple[int, int]:
    """The variable-length number at ``pos`` (at most 4 bytes) and the position after it; ValueError past 4 bytes,
    IndexError at the end of ``body``."""
    value = 0
    for end in range(pos, pos + 4):
        value = (value << 7) | (body[end] & 0x7F)
        if body[end] < 0x80:
            return value, end + 1
    raise ValueError("a variable-length number longer than 4 bytes")
