"""A nearly quantized data set made from the quantized Essen tunes: most notes on the grid, a few slightly off.

Pop transcriptions look like this (about 97 % of notes within ±0.05 half-steps, the rest a little early or late),
and a timing head has to keep the exact on-grid notes exact while reproducing the few off-grid ones. The dev data
has no such set, so this script writes one: every note start of every tune in ``--data`` is moved, with probability
``--share``, by a uniform offset of ``--low`` to ``--high`` half-steps (1 half-step = half a 16th step), early or late
at random; its end moves with it. Seeded; ``manifest.csv`` is copied, so ``bench/evaluation.py`` splits the copy by
title as it splits the original::

    .venv/bin/python bench/near_quantized.py --out runs/near-quantized/essen
    .venv/bin/python bench/evaluation.py --data runs/near-quantized/essen --models melody_rnn --epochs 20

Prints how many notes moved and the share within ±0.05 half-steps that ``mvae`` then reads at rows MIDI 48..71
(``data.pitch_low = 48``, at which docs/models.md trains on the set; another window folds other notes together).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import mido
import numpy as np
from bench_args import folder, share  # bench/bench_args.py, beside this script

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset


def shifted(midi: mido.MidiFile, rng: np.random.Generator, share: float, low: float, high: float) -> int:
    """Move note starts (with their ends) in place; returns how many notes moved."""
    half_step = midi.ticks_per_beat / 8  # a 16th step is a quarter of a beat; a half-step half of that
    moved = 0
    for t, track in enumerate(midi.tracks):
        now, events, sounding = 0, [], {}
        for message in track:
            now += message.time
            events.append([now, message])
        for event in events:
            message = event[1]
            key = (getattr(message, "channel", None), getattr(message, "note", None))
            if message.type == "note_on" and message.velocity > 0:
                shift = 0
                if rng.random() < share:
                    shift = round(float(rng.choice([-1, 1]) * rng.uniform(low, high) * half_step))
                    moved += 1
                sounding[key] = shift
                event[0] = max(0, event[0] + shift)
            elif message.type in ("note_off", "note_on") and key in sounding:
                event[0] = max(0, event[0] + sounding.pop(key))
        events.sort(key=lambda e: e[0])
        track.clear()
        previous = 0
        for when, message in events:
            track.append(message.copy(time=when - previous))
            previous = when
        midi.tracks[t] = track
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=folder, default=Path("../shared/data/dev/essen_folk_quantized"))
    parser.add_argument("--out", type=Path, default=Path("runs/near-quantized/essen"))
    parser.add_argument("--share", type=share, default=0.025, help="share of notes moved off the grid")
    parser.add_argument("--low", type=float, default=0.1, help="smallest move, half-steps")
    parser.add_argument("--high", type=float, default=0.5, help="largest move, half-steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = sorted(args.data.glob("*.mid"))
    if not paths:
        parser.error(f"argument --data: {args.data}: no .mid files in it")
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    moved = total = 0
    for path in paths:
        midi = mido.MidiFile(path)
        total += sum(1 for track in midi.tracks for m in track if m.type == "note_on" and m.velocity > 0)
        moved += shifted(midi, rng, args.share, args.low, args.high)
        midi.save(args.out / path.name)
    for extra in ("manifest.csv",):
        if (args.data / extra).exists():
            shutil.copy(args.data / extra, args.out / extra)
    table, _ = load_dataset([str(args.out)], DataConfig(cache_dir="none", pitch_low=48), jobs=1)
    within = float(np.mean(np.abs(table.timeshift) <= 0.05))
    print(f"{args.out}: {moved} of {total} notes moved ({moved / total:.1%}); as read by mvae: {table.n_notes} notes "
          f"in loops, {within:.1%} within ±0.05 half-steps")  # fmt: skip


if __name__ == "__main__":
    main()
