"""A copy transposed across the edge of the pitch rows is still a copy: with ``data.out_of_range = "fold"`` (the
default) the notes beyond the top row move down an octave, at other places in the original and in the transposed
copy, so their rows no longer differ by one shift. Such a pair got no ``same notes`` warning, could fall on both
sides of the split (validation then scored the notes the model trained on) and was not found by ``mvae evaluate``."""

from __future__ import annotations

import json

import numpy as np

from mvae_core.config import DataConfig
from mvae_core.data.load import SAME_NOTES, load_dataset, same_notes_message
from mvae_core.data.split import split_by_source
from mvae_core.run import RunDir
from tests.synth import SynthNote, random_melody, write_midi

# Rows MIDI 48..71 ("auto", the default, would choose rows that fold none)
CFG = DataConfig(cache_dir="none", pitch_low=48)
TOP = 48 + 24  # the first pitch above those rows, folded down an octave


def _tune(transpose: int = 0, loops: int = 3) -> list[SynthNote]:
    """A line from A3 up to C5 and back, every loop: its top notes reach the edge of the default rows."""
    pitches = [57, 60, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62]
    step = 240  # a 16th at 960 ticks per beat
    notes = []
    for loop in range(loops):
        for k, pitch in enumerate(pitches):
            start = (loop * 32 + 2 * k) * step
            notes.append(SynthNote(pitch + transpose, start, start + step, 90 + k))
    return notes


def _data(folder, copy_shift: int = 2) -> tuple[str, str]:
    original = write_midi(folder / "a flute.mid", _tune())
    copy = write_midi(folder / f"b flute up {copy_shift}.mid", _tune(copy_shift))  # 72.. fold, 71 does not
    for i in range(5):  # other tunes
        write_midi(folder / f"other {i}.mid", random_melody(np.random.default_rng(i), 3))
    return str(original), str(copy)


def test_a_copy_transposed_across_the_top_row_is_named_and_kept_on_its_originals_side(tmp_path):
    original, copy = _data(tmp_path)
    assert max(n.pitch for n in _tune(2)) >= TOP > max(n.pitch for n in _tune()) - 1  # both fold, at other notes
    table, report = load_dataset([str(tmp_path)], CFG)
    warned = {e["source"]: e.get("warnings", []) for e in report.entries}
    assert warned[copy] == [{"kind": SAME_NOTES, "message": same_notes_message(original, 2, octaves_apart=True)}]
    assert warned[copy][0]["message"].startswith(
        "the same notes transposed by 2 semitones up or 10 down, up to octaves"
    )
    assert same_notes_message(original, -12, octaves_apart=True).startswith("the same notes up to octaves (pitch class")
    assert sum(bool(w) for w in warned.values()) == 1  # the other tunes are other music
    straddled = 0
    for seed in range(30):
        train, val, _ = split_by_source(table, CFG, seed)
        assert {original, copy} <= train.sources or {original, copy} <= val.sources, seed
        straddled += original in val.sources
    assert straddled > 0  # the pair validated in some seeds: the group moves as one


def test_an_unfolded_transposed_copy_still_names_its_shift(tmp_path):
    original = write_midi(tmp_path / "a.mid", _tune(-1))  # 56..71 and 53..68: nothing folds in either
    copy = write_midi(tmp_path / "b down 3.mid", _tune(-4))
    _, report = load_dataset([str(tmp_path)], CFG)
    assert report.entries[1]["warnings"] == [{"kind": SAME_NOTES, "message": same_notes_message(str(original), -3)}]
    assert report.entries[1]["source"] == str(copy)


def test_evaluate_finds_a_held_out_copy_folded_at_other_rows(tmp_path):
    original, _ = _data(tmp_path / "train")
    held = write_midi(tmp_path / "held" / "flute in F.mid", _tune(5))  # 72..77 fold, 71 does not
    cfg = CFG
    _, trained = load_dataset([str(tmp_path / "train")], cfg)
    _, evaluated = load_dataset([str(held)], cfg)
    run = RunDir(tmp_path / "run")
    run.path.mkdir()
    sources = [e["source"] for e in trained.entries]
    (run.path / "split.json").write_text(
        json.dumps({"train": sources, "validation": [], "content": trained.content()}), encoding="utf-8"
    )
    (run.path / "data_report.json").write_text(json.dumps(trained.to_json()), encoding="utf-8")
    assert run.trained_on(evaluated.content(), evaluated.music()) == [str(held)]
    # a run written before reports kept "music_classes" finds the copies its "music" digests find, as before
    old = trained.to_json()
    for entry in old["files"]:
        entry.pop("music_classes", None)
    (run.path / "data_report.json").write_text(json.dumps(old), encoding="utf-8")
    assert run.trained_on(evaluated.content(), evaluated.music()) == []
    assert original in sources
