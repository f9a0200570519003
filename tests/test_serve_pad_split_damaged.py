"""A run served whose split.json is damaged: the pad showed every loop of the data, held-out ones too, as its
training loops, without a word; the note now says so and how to get only the training ones back."""

from __future__ import annotations

import shutil

from mvae_core.serve.engine import Engine


def test_the_pad_of_a_run_with_a_damaged_split_file_says_its_dots_are_every_loop(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run", ignore=shutil.ignore_patterns("*.lock"))
    engine = Engine(run)
    trained = len(engine.training_points()["points"])
    (run / "split.json").write_text("[]")
    points = engine.training_points()
    assert points["note"] == (
        f"{run / 'split.json'} cannot be read (not the train and validation lists and content digests mvae writes), "
        "so the dots are every loop of the data, held-out ones too (put the file back from a backup)"
    )
    assert len(points["points"]) > trained
