"""A run whose validation file was edited since training: its validation loops are refused, and the ablation says so.

``validation_loops`` (the validation loops behind the ablation's pitch gaps) refuses such a run: ``split.json``
records each file's content. Before, it picked the files by name only, so an edited file silently fed the numbers,
which then were not the run's held-out numbers. The ablation's pitch gaps of such a run are missing with the word
that says so: they said 'validation files gone', the word for files deleted or moved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import mido
import pretty_midi
import pytest

import mvae_core
from mvae_core.ablation.facts import EDITED_VALIDATION, NO_VALIDATION, PITCH_GAPS, generated_numbers
from mvae_core.errors import DataChanged
from mvae_core.run import RunDir
from mvae_core.run_data import validation_loops
from tests.training import TINY


def test_an_edited_validation_file_is_named_edited_and_a_deleted_one_gone(synth_dir, tmp_path):
    data, run = shutil.copytree(synth_dir, tmp_path / "midi"), tmp_path / "run"
    mvae_core.train(data=[data], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    held = Path(json.loads((run / "split.json").read_text(encoding="utf-8"))["validation"][0])
    song = mido.MidiFile(held)
    note = next(m for track in song.tracks for m in track if m.type == "note_on" and m.velocity > 0)
    note.velocity = 1 if note.velocity != 1 else 2  # one velocity fixed in a DAW
    song.save(held)
    assert generated_numbers(run, samples=4)["missing"] == dict.fromkeys(PITCH_GAPS.values(), EDITED_VALIDATION)
    for name in json.loads((run / "split.json").read_text(encoding="utf-8"))["validation"]:
        Path(name).unlink()
    assert generated_numbers(run, samples=4)["missing"] == dict.fromkeys(PITCH_GAPS.values(), NO_VALIDATION)


@pytest.fixture
def run_and_data(synth_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(synth_dir, data)
    out = tmp_path / "run"
    mvae_core.train([data], out, overrides=TINY, plugins=[], epochs=1, progress=False)
    return out, data


def test_an_edited_validation_file_is_refused(run_and_data: tuple[Path, Path]) -> None:
    out, data = run_and_data
    run = RunDir(out)
    before = validation_loops(run, jobs=1)
    (name, *_) = json.loads((out / "split.json").read_text())["validation"]
    path = next(p for p in data.iterdir() if name.endswith(p.name))
    midi = pretty_midi.PrettyMIDI(str(path))
    midi.instruments[0].notes[0].pitch += 2  # still a melody, loops as many: only the content differs
    midi.write(str(path))
    with pytest.raises(DataChanged, match=rf"1 of its validation files changed since the run trained \(.*{path.name}"):
        validation_loops(run, jobs=1)
    assert len(before) > 0


def test_an_edited_training_file_does_not_touch_the_validation_loops(run_and_data: tuple[Path, Path]) -> None:
    out, data = run_and_data
    (name, *_) = json.loads((out / "split.json").read_text())["train"]
    path = next(p for p in data.iterdir() if name.endswith(p.name))
    midi = pretty_midi.PrettyMIDI(str(path))
    midi.instruments[0].notes[0].pitch += 2
    midi.write(str(path))
    assert len(validation_loops(RunDir(out), jobs=1)) > 0
