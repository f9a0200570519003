"""A run served where its training data is not (copied to the laptop of a gig): the pad's note says the model plays
all the same and how to get the dots back."""

from __future__ import annotations

import shutil

from mvae_core.serve.engine import Engine


def test_the_note_of_a_pad_without_its_data_says_the_model_plays_and_how_to_get_the_dots(tiny_run, synth_dir, tmp_path):
    """It said 'training data not readable (data …: no such file or folder …; check the path)' and no more, though
    mvae serve takes no data path: a performer could not tell whether the run was broken."""
    moved = tmp_path / "run"
    shutil.copytree(tiny_run, moved, ignore=shutil.ignore_patterns("*.lock"))
    config = moved / "config.toml"
    config.write_text(config.read_text().replace(str(synth_dir), str(tmp_path / "gone")))
    note = Engine(moved).training_points()["note"]
    assert note.startswith(f"training data not readable (data {tmp_path / 'gone'}: no such file or folder")
    assert note.endswith(
        "; the model plays all the same; the dots need the run's training data at that path (a run copied to another "
        "machine, the laptop of a gig, leaves its data behind: copy the data to the same path there)"
    )
