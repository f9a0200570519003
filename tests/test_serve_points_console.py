"""The console of `mvae serve` says when the pad ends up without training loops (their data moved or deleted): it
said only that they were being encoded in the background, and the performer learnt why from the page alone."""

from __future__ import annotations

import logging
import shutil

from mvae_core.serve.engine import Engine, TrainingPoints


def test_a_pad_without_training_loops_is_said_on_the_console(tiny_run, synth_dir, tmp_path, caplog):
    moved = tmp_path / "run"
    shutil.copytree(tiny_run, moved, ignore=shutil.ignore_patterns("*.lock"))
    config = moved / "config.toml"
    config.write_text(config.read_text().replace(str(synth_dir), str(tmp_path / "gone")))
    with caplog.at_level(logging.WARNING, logger="mvae_core.serve.engine"):
        points = TrainingPoints(Engine(moved)).start().wait(60)
    assert points["ready"] and not points["points"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "mvae_core.serve.engine"]
    assert warnings == [f"warning: the pad has no training loops: {points['note']}"]
    assert f"data {tmp_path / 'gone'}: no such file or folder" in warnings[0]


def test_a_pad_with_its_training_loops_says_nothing(tiny_run, caplog):
    with caplog.at_level(logging.WARNING, logger="mvae_core.serve.engine"):
        points = TrainingPoints(Engine(tiny_run)).start().wait(60)
    assert points["points"]
    assert not [r for r in caplog.records if r.name == "mvae_core.serve.engine"]
