"""bench/notes_per_step.py tells a data set's notes per loop from the steps that hold a note (what a model writing one
note per 16th step can write of it): two notes inside one 16th count as two notes on one step."""

from __future__ import annotations

import json
from pathlib import Path

import pretty_midi

from tests.bench import run_main

STEP = 0.125  # seconds per 16th at pretty_midi's 120 bpm
SINGLE_STEPS = (0, 4, 8, 12, 16, 20)  # one note each
DOUBLE_STEPS = (2, 10, 18, 26)  # a note, and another 30 ms later inside the same 16th


def _two_notes_in_some_steps(folder: Path) -> Path:
    """One 2-bar loop of 14 short notes on 10 steps."""
    melody = pretty_midi.Instrument(program=0, name="melody")
    for step in SINGLE_STEPS:
        melody.notes.append(pretty_midi.Note(velocity=90, pitch=60, start=step * STEP, end=step * STEP + 0.02))
    for step in DOUBLE_STEPS:
        for pitch, late in ((62, 0.0), (64, 0.03)):
            start = step * STEP + late
            melody.notes.append(pretty_midi.Note(velocity=90, pitch=pitch, start=start, end=start + 0.02))
    song = pretty_midi.PrettyMIDI()
    song.instruments.append(melody)
    folder.mkdir()
    song.write(str(folder / "runs.mid"))
    return folder


def test_two_notes_in_one_step_are_two_notes_on_one_step(tiny_run: Path, tmp_path: Path) -> None:
    folder = _two_notes_in_some_steps(tmp_path / "data")
    lines = run_main("notes_per_step.py", str(tiny_run), str(folder)).strip().splitlines()
    row = json.loads(lines[-1])["folders"][str(folder)]
    notes, steps = len(SINGLE_STEPS) + 2 * len(DOUBLE_STEPS), len(SINGLE_STEPS) + len(DOUBLE_STEPS)
    assert row == {"loops": 1, "notes_per_loop": notes, "steps_with_a_note_per_loop": steps,
                   "one_per_step_share": steps / notes}  # fmt: skip
    assert "14.00" in lines[1] and "10.00" in lines[1] and "0.714" in lines[1]


def test_a_folder_without_loops_reads_n_a(tiny_run: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    lines = run_main("notes_per_step.py", str(tiny_run), str(tmp_path / "empty")).strip().splitlines()
    assert json.loads(lines[-1])["folders"][str(tmp_path / "empty")]["notes_per_loop"] is None
    assert "n/a" in lines[1]
