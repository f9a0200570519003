"""Read one MIDI file (mido, then pretty_midi) into a :class:`TickScore`, or raise :class:`SkipFile` with a reason.

Every failure a user's MIDI can cause ends here as a reason, never as a crash or a hang: empty, not MIDI,
truncated or corrupt, too large, absurd tempo, no notes, drums only, no 4/4 bar.

Guards that keep every parse short (see docs/data.md, "What happens to bad files"):

* a run of more than :data:`MAX_HIGH_BYTE_RUN` bytes >= 0x80 is corrupt: mido decodes a variable-length number
  (at most 4 bytes in valid MIDI) byte by byte into an ever-growing integer, so one long run costs quadratic time;
* a file with an event at or past :data:`MAX_TICKS` is too large: pretty_midi builds a tick → seconds table as
  long as the file and refuses files past 10,000,000 ticks (a delta time of up to 0x0FFFFFFF is one event away).

The file's byte size is limited where units are read (:data:`mvae_core.data.sources.MAX_UNIT_BYTES`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import TypeVar

import mido
import numpy as np
import pretty_midi

from mvae_core.data.score import SkipFile, SkipReason, TickScore, four_four_segments

T = TypeVar("T")
MAX_HIGH_BYTE_RUN = 4096
MAX_TICKS = 10_000_000  # pretty_midi's MAX_TICK: it raises at and beyond it


def read_midi_bytes(data: bytes, min_bpm: float, max_bpm: float) -> TickScore:
    """Parse MIDI bytes. All non-drum instruments are merged into one note list."""
    if not data:
        raise SkipFile(SkipReason.EMPTY)
    if not data.startswith(b"MThd"):
        raise SkipFile(SkipReason.NOT_MIDI, "no MThd header")
    _check_high_byte_runs(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        midi = _parse(lambda: mido.MidiFile(file=io.BytesIO(data), charset="latin1"))
        if midi.ticks_per_beat <= 0:  # mido reads the division signed: SMPTE time codes come out negative
            raise SkipFile(SkipReason.CORRUPT, f"ticks per beat = {midi.ticks_per_beat} (SMPTE timing is not read)")
        last = max((sum(message.time for message in track) for track in midi.tracks), default=0)
        if last >= MAX_TICKS:
            raise SkipFile(SkipReason.TOO_LARGE, f"an event at tick {last:,}; the limit is {MAX_TICKS:,} ticks")
        pm = _parse(lambda: pretty_midi.PrettyMIDI(mido_object=midi))

    pitched = [inst for inst in pm.instruments if not inst.is_drum]
    notes = [n for inst in pitched for n in inst.notes]
    if not notes:
        has_drums = any(inst.notes for inst in pm.instruments if inst.is_drum)
        raise SkipFile(SkipReason.DRUMS_ONLY if has_drums else SkipReason.NO_NOTES)

    to_tick = pm.time_to_tick
    start = np.array([to_tick(n.start) for n in notes], dtype=np.int64)
    end = np.array([to_tick(n.end) for n in notes], dtype=np.int64)
    seconds_at = _seconds_at(pm)
    _check_tempo(seconds_at, pm.resolution, int(start.min()), int(max(end.max(), start.max() + 1)), min_bpm, max_bpm)
    signatures = [(to_tick(ts.time), ts.numerator, ts.denominator) for ts in pm.time_signature_changes]
    segments, other_bars = four_four_segments(signatures, pm.resolution, int(start.max()))
    if not segments:
        raise SkipFile(SkipReason.NO_FOUR_FOUR, f"{other_bars} bars in other meters")

    return TickScore(
        resolution=pm.resolution,
        pitch=np.array([n.pitch for n in notes], dtype=np.int16),
        start=start,
        end=np.maximum(end, start),
        velocity=np.array([n.velocity for n in notes], dtype=np.int16),
        segments=segments,
        seconds_at=seconds_at,
        other_meter_bars=other_bars,
    )


def _check_tempo(
    seconds_at: Callable[[np.ndarray], np.ndarray],
    resolution: int,
    first: int,
    last: int,
    min_bpm: float,
    max_bpm: float,
) -> None:
    """Skip files whose average tempo over their notes is absurd (local per-beat extremes are normal)."""
    seconds = float(np.diff(seconds_at(np.array([first, last])))[0])
    if not np.isfinite(seconds) or seconds <= 0:
        raise SkipFile(SkipReason.ABSURD_TEMPO, "non-positive or non-finite tempo")
    bpm = 60.0 * (last - first) / resolution / seconds
    if not min_bpm <= bpm <= max_bpm:
        raise SkipFile(SkipReason.ABSURD_TEMPO, f"average {bpm:.3g} bpm outside {min_bpm:g}..{max_bpm:g}")


def _parse(parser: Callable[[], T]) -> T:
    """Run a third-party parser on untrusted bytes: any exception it raises means the file cannot be read.

    mido and pretty_midi raise OSError, EOFError, ValueError, KeyError, IndexError, TypeError, ZeroDivisionError,
    mido.KeySignatureError … on odd input; none of them may end a whole data set's load.
    """
    try:
        return parser()
    except Exception as exc:
        raise SkipFile(SkipReason.CORRUPT, f"{type(exc).__name__}: {exc}"[:200]) from None


def _check_high_byte_runs(data: bytes) -> None:
    """Skip data whose longest run of bytes >= 0x80 is over :data:`MAX_HIGH_BYTE_RUN` (linear time)."""
    high = np.frombuffer(data, dtype=np.uint8) >= 0x80
    if not high.any():
        return
    edges = np.flatnonzero(np.diff(np.concatenate(([0], high.astype(np.int8), [0]))))
    longest = int((edges[1::2] - edges[::2]).max())
    if longest > MAX_HIGH_BYTE_RUN:
        detail = (
            f"{longest:,} bytes >= 0x80 in a row (a MIDI number is at most 4 bytes; the limit is {MAX_HIGH_BYTE_RUN:,})"
        )
        raise SkipFile(SkipReason.CORRUPT, detail)


def _seconds_at(pm: pretty_midi.PrettyMIDI) -> Callable[[np.ndarray], np.ndarray]:
    """Ticks → seconds by the tempo map, also at and past :data:`MAX_TICKS` (a loop may end there).

    Past the file's last event the tempo is constant, so times beyond pretty_midi's table extend linearly.
    Raises :class:`SkipFile` for a non-positive or non-finite tempo.
    """
    _, tempi = pm.get_tempo_changes()
    if not np.all(np.isfinite(tempi)) or np.any(tempi <= 0):
        raise SkipFile(SkipReason.ABSURD_TEMPO, "non-positive or non-finite tempo")
    last = MAX_TICKS - 1
    seconds_per_tick = 60.0 / (float(tempi[-1]) * pm.resolution)

    def seconds_at(ticks: np.ndarray) -> np.ndarray:
        return np.array(
            [
                pm.tick_to_time(int(t)) if t < last else pm.tick_to_time(last) + (int(t) - last) * seconds_per_tick
                for t in np.atleast_1d(ticks)
            ],
            dtype=np.float64,
        )

    return seconds_at
