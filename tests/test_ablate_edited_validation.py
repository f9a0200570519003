"""The ablation's pitch gaps of a run whose validation file was edited since training are missing with the word
that says so: they said 'validation files gone', the word for files deleted or moved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import mido

import mvae_core
from mvae_core.ablation.facts import EDITED_VALIDATION, NO_VALIDATION, PITCH_GAPS, generated_numbers
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
