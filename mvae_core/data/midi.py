"""Read one MIDI file (pretty_midi) into a :class:`TickScore`, or raise :class:`SkipFile` with a reason.

Every failure a user's MIDI can cause ends here as a reason, never as a crash: unreadable, empty, not MIDI,
truncated or corrupt, absurd tempo, no notes, drums only, no 4/4 bar.
"""

from __future__ import annotations

import io
import warnings

import mido
import numpy as np
import pretty_midi

from mvae_core.data.score import SkipFile, SkipReason, TickScore, four_four_segments


def read_midi_bytes(data: bytes, min_bpm: float, max_bpm: float) -> TickScore:
    """Parse MIDI bytes. All non-drum instruments are merged into one note list."""
    if not data:
        raise SkipFile(SkipReason.EMPTY)
    if not data.startswith(b"MThd"):
        raise SkipFile(SkipReason.NOT_MIDI, "no MThd header")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            IndexError,
            TypeError,
            ArithmeticError,  # e.g. ZeroDivisionError for a header with 0 ticks per beat
            mido.KeySignatureError,
        ) as exc:
            raise SkipFile(SkipReason.CORRUPT, f"{type(exc).__name__}: {exc}"[:200]) from None
    if pm.resolution <= 0:
        raise SkipFile(SkipReason.CORRUPT, f"ticks per beat = {pm.resolution}")

    pitched = [inst for inst in pm.instruments if not inst.is_drum]
    notes = [n for inst in pitched for n in inst.notes]
    if not notes:
        has_drums = any(inst.notes for inst in pm.instruments if inst.is_drum)
        raise SkipFile(SkipReason.DRUMS_ONLY if has_drums else SkipReason.NO_NOTES)

    to_tick = pm.time_to_tick
    start = np.array([to_tick(n.start) for n in notes], dtype=np.int64)
    end = np.array([to_tick(n.end) for n in notes], dtype=np.int64)
    _check_tempo(pm, int(start.min()), int(max(end.max(), start.max() + 1)), min_bpm, max_bpm)
    signatures = [(to_tick(ts.time), ts.numerator, ts.denominator) for ts in pm.time_signature_changes]
    segments, other_bars = four_four_segments(signatures, pm.resolution, int(start.max()))
    if not segments:
        raise SkipFile(SkipReason.NO_FOUR_FOUR, f"{other_bars} bars in other meters")

    def seconds_at(ticks: np.ndarray) -> np.ndarray:
        return np.array([pm.tick_to_time(int(t)) for t in np.atleast_1d(ticks)], dtype=np.float64)

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


def _check_tempo(pm: pretty_midi.PrettyMIDI, first: int, last: int, min_bpm: float, max_bpm: float) -> None:
    """Skip files whose average tempo over their notes is absurd (local per-beat extremes are normal)."""
    _, tempi = pm.get_tempo_changes()
    seconds = pm.tick_to_time(last) - pm.tick_to_time(first)
    if not np.all(np.isfinite(tempi)) or np.any(tempi <= 0) or seconds <= 0:
        raise SkipFile(SkipReason.ABSURD_TEMPO, "non-positive or non-finite tempo")
    bpm = 60.0 * (last - first) / pm.resolution / seconds
    if not min_bpm <= bpm <= max_bpm:
        raise SkipFile(SkipReason.ABSURD_TEMPO, f"average {bpm:.3g} bpm outside {min_bpm:g}..{max_bpm:g}")
