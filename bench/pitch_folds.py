"""Pitch structure with every group held out once: k-fold cross-validation by performer (or title, piece, file).

Usage (from the repository root; needs ../shared/data/dev)::

    nice -n 19 .venv/bin/python bench/pitch_folds.py --data ../shared/data/dev/wjd_performed --folds 6 \
        --epochs 20 --samples 4096 --out runs/bench-pitch-folds

The groups of ``--data`` (``performer`` in WJD's ``manifest.csv``, as :func:`evaluation.split_groups` finds them)
are put in ``--folds`` folds by the seeded permutation of ``bench/evaluation.py``: fold ``k`` holds the groups that
``split_groups`` holds out at ``--holdout (k + 1) / folds`` and not at ``k / folds``, so fold 0 is the held-out group
of ``bench/evaluation.py --seed`` with its default ``--holdout`` of 1/6 when ``--folds`` is 6. For each fold a
``melody_rnn`` model (default settings, train seed 0) trains through ``mvae train`` on the other folds' files, and
``--samples`` loops are drawn from its prior and decoded as ``mvae evaluate`` draws them
(:func:`mvae_core.evaluation.generate_loops`, seed 0, temperature 1). Each fold's row is
:func:`mvae_core.pitch_structure.compare` of those loops against the fold's held-out loops (``mvae evaluate``'s pitch
numbers for that run and folder). The pooled row is
:func:`~mvae_core.pitch_structure.compare_to_baseline` of the folds' loops together: every held-out loop of every
fold (each loop of the data once), the generated loops of each fold in proportion to its held-out loops (the first
``round(samples × loops / most loops)`` of them, so that no fold's model weighs more against the data than its
players do), and as baseline each fold's own random notes (:func:`~mvae_core.pitch_structure.marginal_baseline` of
those loops against that fold's pitch histogram, as its row draws them). A run already in ``OUT`` is resumed or
reused when it was trained with this command's settings (:func:`evaluation.config_changes`); ``OUT/<data>/folds.json``
keeps the last result, which the command's last line also prints as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

import evaluation  # bench/evaluation.py, beside this script: the split, the training and the reuse of runs
import numpy as np
import torch
from bench_args import count, folder  # bench/bench_args.py, beside this script

from mvae_core.pitch_structure import NO_GAP, LoopNotes, compare, compare_to_baseline, marginal_baseline, no_gap

MODEL_SETS = ['model.name="melody_rnn"', "model.timing_head=categorical", "model.latent_dim=2", "data.pitch_low=48"]
"""The settings of ``bench/evaluation.py --models melody_rnn`` (the documented model): its run trains with these, at
the rows MIDI 48..71, the same in every fold (pooling needs one window; ``"auto"`` could choose others per fold) and
those the documented numbers were measured at."""
SCORED = ("in_key", "mean_interval", "stepwise", "pc_entropy")
"""The features whose gap the target scores (``notes`` has none: the baseline keeps the generated rhythm)."""
EVALUATE_SEED = 0
"""``mvae evaluate``'s default seed: the prior points, the note choice and the baseline's draw."""


def fold_files(folder: Path, folds: int, seed: int) -> tuple[list[list[Path]], str]:
    """The files of each of ``folds`` folds and the grouping column: no group in two folds, every file in one.
    Exits naming the counts when a fold would be empty (more folds than groups)."""
    held = [set[Path]()]
    for k in range(1, folds + 1):
        _, out, column = evaluation.split_groups(folder, k / folds, seed)
        held.append(set(out))
    parts = [sorted(held[k + 1] - held[k]) for k in range(folds)]
    if not all(parts):
        sys.exit(f"--folds {folds} is more than the groups of {folder} ({column}): give fewer folds")
    return parts, column


def group_names(folder: Path, column: str, files: list[Path]) -> list[str]:
    """The ``column`` values of ``files`` in ``folder``'s ``manifest.csv`` (file names when it has none), sorted."""
    if column == "file":
        return sorted(p.name for p in files)
    rows = csv.DictReader((folder / "manifest.csv").open(encoding="utf-8"))
    names = {p.name for p in files}
    return sorted({row[column] for row in rows if row["file"] in names})


def train_fold(run: Path, train_dir: Path, epochs: int) -> None:
    """Train (or resume, or find finished) the fold's ``melody_rnn`` run at ``run`` on ``train_dir``; exits when an
    earlier run there has other settings, or when training fails."""
    if (run / "config.toml").exists():
        if changes := evaluation.config_changes(run, MODEL_SETS, epochs, 0):
            sys.exit(f"{run} was trained with other settings ({'; '.join(changes)}); give another --out, or delete it")
        done = evaluation.mvae("train", "--resume", str(run))
    else:
        done = evaluation.mvae("train", str(train_dir), "--out", str(run), "--epochs", str(epochs), "--seed", "0",
                               *[a for s in MODEL_SETS for a in ("--set", s)])  # fmt: skip
    if done.returncode:
        sys.exit(f"training {run} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def fold_loops(run: Path, held_dir: Path, samples: int) -> tuple[LoopNotes, LoopNotes, int, list[str] | None]:
    """(held-out loops, generated loops, pitch_low, trained_on) of one fold: every loop of ``held_dir`` read with the
    run's data settings, ``samples`` loops generated as ``mvae evaluate`` generates them, and the held-out files the
    run trained on or copies of them (:meth:`~mvae_core.run.RunDir.trained_on`, as ``mvae evaluate`` finds them)."""
    from mvae_core.api import load
    from mvae_core.data.load import load_dataset
    from mvae_core.evaluation import generate_loops
    from mvae_core.run import RunDir

    trained = load(run)
    table, report = load_dataset([str(held_dir)], trained.config.data, 1)
    trained.model.eval()
    with torch.no_grad():
        generated = generate_loops(trained.model, trained.config, samples, EVALUATE_SEED)
    data = LoopNotes.from_table(table, np.arange(table.n_loops))
    trained_on = RunDir(run).trained_on(report.content(), report.music())
    return data, LoopNotes.from_notes(generated), trained.config.data.pitch_low, trained_on


def first_loops(notes: LoopNotes, n: int) -> LoopNotes:
    """The first ``n`` loops of ``notes``."""
    kept = notes.loop < n
    return LoopNotes(min(n, notes.n_loops), notes.loop[kept], notes.step[kept], notes.row[kept])


def concatenate(parts: list[LoopNotes]) -> LoopNotes:
    """``parts``' loops one after the other, as one :class:`LoopNotes` (loop ids shifted)."""
    starts = np.cumsum([0, *(p.n_loops for p in parts)])
    return LoopNotes(
        int(starts[-1]),
        np.concatenate([p.loop + s for p, s in zip(parts, starts, strict=False)]).astype(np.int64),
        np.concatenate([p.step for p in parts]).astype(np.int64),
        np.concatenate([p.row for p in parts]).astype(np.int64),
    )


def pooled_sizes(folds: list[tuple[LoopNotes, LoopNotes]]) -> list[int]:
    """How many of each fold's generated loops :func:`pooled` takes: ``round(g × its held-out loops / the most
    held-out loops of a fold)`` (``g`` the fewest generated of a fold, at least 1), so that each fold's model weighs
    in the pooled generated loops as its players weigh in the pooled data."""
    most, fewest = max(d.n_loops for d, _ in folds), min(g.n_loops for _, g in folds)
    return [max(1, round(fewest * held.n_loops / most)) for held, _ in folds]


def pooled(folds: list[tuple[LoopNotes, LoopNotes]], pitch_low: int, seed: int) -> dict[str, dict[str, Any]]:
    """:func:`compare_to_baseline` over ``folds`` ((held-out, generated) loops each): all held-out loops; the first
    :func:`pooled_sizes` of each fold's generated loops, with that fold's :func:`marginal_baseline` (drawn with
    ``seed`` from all of its generated loops, as its own :func:`compare` draws it, then cut the same)."""
    data, generated, baseline = [], [], []
    for (held, made), n in zip(folds, pooled_sizes(folds), strict=True):
        data.append(held)
        generated.append(first_loops(made, n))
        baseline.append(first_loops(marginal_baseline(made, held, seed), n))
    return compare_to_baseline(concatenate(data), concatenate(generated), concatenate(baseline), pitch_low)


def row(label: str, pitch: dict[str, dict[str, Any]]) -> str:
    """One printed row: per scored feature gen / data / random, the gap closed (or ``no gap``) and the separation."""
    cells = [
        f"{feature} {_n(v['generated'])}/{_n(v['data'])}/{_n(v['baseline'])} gap {NO_GAP if no_gap(v) else _n(v['gap_closed'], 2)} sep {_n(v['separation'], 2)}"
        for feature, v in ((f, pitch[f]) for f in SCORED)
    ]
    notes = pitch["notes"]
    return f"{label:8s} | " + " | ".join(cells) + f" | notes/loop {_n(notes['generated'], 1)}/{_n(notes['data'], 1)}"


def _n(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=folder, required=True)
    parser.add_argument("--folds", type=count, default=6)
    parser.add_argument("--epochs", type=count, default=20)
    parser.add_argument("--samples", type=count, default=4096, help="generated loops per fold (before pooling)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the order of the groups (bench/evaluation.py's)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench-pitch-folds"))
    args = parser.parse_args()
    if args.folds < 2:
        parser.error(f"argument --folds: {args.folds}: give 2 or more (each fold is held out once)")
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))  # as the trainings (evaluation.mvae)
    parts, column = fold_files(args.data, args.folds, args.seed)
    base = args.out / args.data.name
    print(f"{args.data.name}: {args.folds} folds by {column}, melody_rnn, {args.epochs} epochs, {args.samples} loops")
    print("per feature: generated/data/random, gap closed, separation (random vs data, pooled SDs)")
    folds, results = [], []
    for k, held_files in enumerate(parts):
        train_files = [p for j, part in enumerate(parts) if j != k for p in part]
        where = base / f"fold{k}"
        train_dir = evaluation.link_all(train_files, where / "train")
        held_dir = evaluation.link_all(held_files, where / "heldout")
        run = where / f"melody_rnn-categorical-z2-e{args.epochs}"
        train_fold(run, train_dir, args.epochs)
        held, made, pitch_low, trained_on = fold_loops(run, held_dir, args.samples)
        if trained_on:
            print(f"{run} trained on {len(trained_on)} of fold {k}'s held-out files or copies of them: "
                  f"{', '.join(trained_on)}", file=sys.stderr)  # fmt: skip
        if folds and pitch_low != results[0]["pitch_low"]:
            sys.exit(f"{run} reads pitches from {pitch_low}, fold 0's from {results[0]['pitch_low']}: cannot pool")
        folds.append((held, made))
        pitch = compare(held, made, pitch_low, EVALUATE_SEED)
        names = group_names(args.data, column, held_files)
        results.append({"fold": k, "groups": names, "files": len(held_files), "loops": held.n_loops,
                        "pitch_low": pitch_low, "trained_on": trained_on, "pitch": pitch})  # fmt: skip
        print(row(f"fold {k}", pitch), f"| {held.n_loops} loops: {', '.join(names)}", flush=True)
    together, sizes = pooled(folds, results[0]["pitch_low"], EVALUATE_SEED), pooled_sizes(folds)
    print(row("pooled", together), f"| {sum(r['loops'] for r in results)} loops, every {column} once;",
          f"{sum(sizes)} generated ({', '.join(map(str, sizes))} of the folds')")  # fmt: skip
    summary = {"data": args.data.name, "folds": args.folds, "epochs": args.epochs, "samples": args.samples,
               "seed": args.seed, "per_fold": results, "pooled": together, "pooled_generated": sizes}  # fmt: skip
    (base / "folds.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
