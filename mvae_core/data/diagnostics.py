"""Warnings a user can act on, from the loops of one source: several voices on one grid, timing unrelated to the
grid, bar lines that look shifted, a one-bar clip (a loop half silence).

Each check looks only at the notes that became loops (:class:`~mvae_core.data.loops.LoopBlock`) and returns
``(kind, message)``; the kinds are summed in ``mvae data inspect`` and ``data_report.json``. The thresholds were set
on the developer data (docs/data.md has the measured rates): they stay quiet on the beat-aligned jazz, piano and folk
sets except where noted, and fire on the same files taken off their grid (``bench/data_warnings.py``).

The warnings are computed on the loops in the pitch rows (after the parse cache, whose unit entries hold notes
before the rows: folding can put two notes in one cell or drop a loop) and kept in the set entry's report: a change
to a check or a threshold must bump :data:`mvae_core.data.cache.SET_VERSION`, or cached data sets keep their old
warnings.
"""

from __future__ import annotations

import numpy as np

from mvae_core.data.loops import STEPS_PER_BAR, STEPS_PER_BEAT, STEPS_PER_LOOP, LoopBlock
from mvae_core.wording import counted

POLYPHONIC_SHARE = 0.10
"""Warn when at least this share of the notes starts together with another note (chords, several voices)."""
TOGETHER = 0.1
"""Two onsets in one 16th step whose offsets differ by less than this (half-steps, a 20th of a step) start together;
fast runs put two notes in one step at different offsets and are not chords."""
UNIFORM_STD = 0.5
"""Timeshift std (half-steps) from which offsets look unrelated to the 16th grid (uniform offsets: 0.577)."""
BEAT_REGULARITY = 1.5
"""... and their beat-level regularity, ``max_k |mean(exp(2πi·k·phase))| · √n`` over k = 1..4 (beat, 8th, triplet,
16th), is below this: what random phases give (about 1), far below what music aligned to its beat gives."""
MIN_NOTES_TIMING = 100
PICKUP_RATIO = 3.0
"""Warn of shifted bar lines when one beat other than the first holds this many times beat 1's onsets..."""
WEAK_BEATS_HELD = 2.5
"""... or when the notes starting on beats 2 and 4 are held this many times as long in all as those on beats 1 and
3 (in 4/4 the long notes fall on the strong beats, so such a file's bar lines are likely a beat off: an unmarked
one-beat pickup of half notes and quarters puts every onset count alike, but not the lengths). With 2.5 the warning
fires on none of the developer files as read, and on 36 of the 599 Essen tunes moved a beat later, where onsets
alone found 9 (``bench/data_warnings.py``, docs/data.md)."""
MIN_NOTES_PICKUP = 32


def diagnose(block: LoopBlock, editable: bool = True) -> list[tuple[str, str]]:
    """Every warning that applies to ``block``, in the order: polyphonic, unaligned timing, pickup, one bar.
    ``editable``: whether the user can change the source (a file; not a tune of a bundled collection), which the
    pickup warning's advice depends on."""
    if block.n_loops == 0:
        return []
    checks = (_polyphonic(block), _unaligned(block), _pickup(block, editable), _one_bar(block))
    return [warning for warning in checks if warning is not None]


def _polyphonic(block: LoopBlock) -> tuple[str, str] | None:
    if len(block.step) < 32:
        return None
    cell = block.loop.astype(np.int64) * STEPS_PER_LOOP + block.step
    order = np.lexsort((block.timeshift, cell))
    cell, offset = cell[order], block.timeshift[order]
    pair = (cell[1:] == cell[:-1]) & (np.abs(offset[1:] - offset[:-1]) < TOGETHER)
    together = np.zeros(len(cell), dtype=bool)
    together[1:] |= pair
    together[:-1] |= pair
    share = float(together.mean())
    if share < POLYPHONIC_SHARE:
        return None
    return (
        "polyphonic",
        f"{share:.0%} of the notes in loops start together with another note (chords or several voices): more than "
        "a monophonic loop holds, and generation plays one note per step unless --poly; choose one voice with "
        "data.melody (a track, a name, or top-line)",
    )


def _unaligned(block: LoopBlock) -> tuple[str, str] | None:
    n = len(block.step)
    if n < MIN_NOTES_TIMING:
        return None
    std = float(block.timeshift.astype(np.float64).std())
    position = block.step.astype(np.float64) + block.timeshift / 2.0  # loops are 8 beats: beat phase survives
    phase = 2j * np.pi * (position % STEPS_PER_BEAT) / STEPS_PER_BEAT
    regularity = max(abs(np.mean(np.exp(k * phase))) for k in (1, 2, 3, 4)) * np.sqrt(n)
    if std < UNIFORM_STD or regularity >= BEAT_REGULARITY:
        return None
    return (
        "unaligned timing",
        f"the timing looks unrelated to the grid: offsets spread like chance (timeshift std {std:.2f} half-steps; "
        "0.58 is uniform) with no regularity at the beat, as in a recording whose tempo map does not follow the "
        "performance: its timing would train the timing head on noise. Quantize it, or supply a file aligned to its "
        "beat (a busy line can look like this too, at any tempo: runs of 16ths, triplets or double time spread its "
        "onsets over the grid; if the file follows its beat, ignore this)",
    )


def _pickup(block: LoopBlock, editable: bool) -> tuple[str, str] | None:
    step_in_bar = block.step % STEPS_PER_BAR
    on_beat = [step_in_bar == beat * STEPS_PER_BEAT for beat in range(4)]
    on_beats = np.array([int(np.sum(notes)) for notes in on_beat])
    if on_beats.sum() < MIN_NOTES_PICKUP:
        return None
    strongest = int(on_beats.argmax())
    if strongest != 0 and on_beats[strongest] >= PICKUP_RATIO * max(on_beats[0], 1):
        evidence = (
            f"most onsets fall on beat {strongest + 1} of the bar ({on_beats[strongest]} notes there, "
            f"{on_beats[0]} on beat 1)"
        )
        return _shifted_bars(evidence, strongest, editable)
    held = np.array([float(block.duration[notes].sum()) for notes in on_beat])
    if held[1] + held[3] > 0 and held[1] + held[3] >= WEAK_BEATS_HELD * (held[0] + held[2]):
        weak = 1 if held[1] >= held[3] else 3
        ratio = "no" if held[0] + held[2] == 0 else f"{(held[1] + held[3]) / (held[0] + held[2]):.1f}x as"
        evidence = (
            f"the notes on beats 2 and 4 are held {ratio} long as those on beats 1 and 3, where 4/4 holds its "
            "long notes"
        )
        return _shifted_bars(evidence, weak, editable)
    return None


def _shifted_bars(evidence: str, beats: int, editable: bool) -> tuple[str, str]:
    """The ``pickup`` warning: ``evidence`` that the file's downbeat is its beat ``beats + 1``; its advice is to shift
    the file when the user can (``editable``), else that there is nothing to do (a bundled collection's tune)."""
    advice = (
        "shift the file so that bar 1 starts on its first downbeat"
        if editable
        else "the tune is part of a bundled collection, so there is nothing to do"
    )
    return (
        "pickup",
        f"{evidence}: the bar lines may be {counted(beats, 'beat')} off, e.g. a pickup the file does not mark. Loops then "
        f"start mid-phrase; {advice}",
    )


def _one_bar(block: LoopBlock) -> tuple[str, str] | None:
    """A source whose only loop has every onset in its first bar: a one-bar clip, which a DAW loops every bar."""
    if block.n_loops != 1 or int(block.step.max()) >= STEPS_PER_BAR:
        return None
    return (
        "one bar",
        "every note starts in the first bar of its only loop: a one-bar clip, whose 2-bar loop is half silence, and "
        "a model trained on such loops learns to rest in bar 2. If the clip repeats every bar, repeat it to 2 bars in "
        "your DAW before exporting",
    )
