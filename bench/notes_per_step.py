"""Notes per loop of data folders, and how many of them one note per step keeps: what a model that writes one note
per 16th step (``melody_rnn``: a token per step, the highest row's onset) can write of that data.

Why: ``mvae evaluate`` compares a model's notes per loop with the evaluated (held-out) data's. When the held-out
players play more notes than the players a model learned from, or more notes than one per step (two notes inside one
16th: fast runs, grace notes), the model writes fewer notes than the held-out loops hold for reasons outside the model.
This script tells those apart: each folder is read with ``RUN``'s data settings, as ``mvae evaluate`` reads it::

    .venv/bin/python bench/notes_per_step.py RUN FOLDER [FOLDER ...]

Prints, per folder: its loops, notes per loop, steps with a note per loop (one note per step) and their ratio; ends
with one JSON line. Data facts only: no model is run (the model's own notes per loop are ``mvae evaluate``'s).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from bench_args import existing  # bench/bench_args.py, beside this script

import mvae_core
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.data.table import NoteTable
from mvae_core.errors import MvaeError


def density(table: NoteTable) -> dict[str, float | int | None]:
    """``table``'s loops, notes per loop and steps holding at least one note per loop (``None`` without loops)."""
    if not table.n_loops:
        return {"loops": 0, "notes_per_loop": None, "steps_with_a_note_per_loop": None, "one_per_step_share": None}
    index, owner = table.note_index(np.arange(table.n_loops))
    cells = np.unique(owner.astype(np.int64) * STEPS_PER_LOOP + table.step[index])
    notes, steps = len(index), len(cells)
    return {
        "loops": int(table.n_loops),
        "notes_per_loop": notes / table.n_loops,
        "steps_with_a_note_per_loop": steps / table.n_loops,
        "one_per_step_share": steps / notes if notes else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a trained run directory: its data settings read the folders")
    parser.add_argument("folders", nargs="+", type=existing, help="data folders (or files) to count")
    args = parser.parse_args()
    try:
        data_settings = mvae_core.load(args.run).config.data
    except MvaeError as error:  # not a run
        parser.error(f"argument run: {error}")
    args.folders = [str(path) for path in args.folders]
    rows, width = {}, max(len("folder"), *(len(folder) for folder in args.folders))
    print(f"{'folder':<{width}} {'loops':>6} {'notes/loop':>11} {'steps with a note/loop':>23} {'share':>6}")
    for folder in args.folders:
        table, _ = load_dataset([folder], data_settings, jobs=1)
        row = rows[folder] = density(table)
        shown = {key: "n/a" if value is None else value for key, value in row.items()}
        numbers = (
            f"{_number(shown['notes_per_loop']):>11} {_number(shown['steps_with_a_note_per_loop']):>23} "
            f"{_number(shown['one_per_step_share'], 3):>6}"
        )
        print(f"{folder:<{width}} {shown['loops']:>6} {numbers}")
    print(json.dumps({"run": args.run, "folders": rows}))


def _number(value: float | str, digits: int = 2) -> str:
    """``value`` rounded for the table; a word stays a word."""
    return value if isinstance(value, str) else f"{value:.{digits}f}"


if __name__ == "__main__":
    main()
