"""A resume rewrites ``metrics.jsonl`` up to its checkpoint (RunDir.truncate_metrics). Since every reader gets the
lines through ``as_written`` (a value of another type than the trainer writes read as missing), that rewrite wrote
those readings back, so a resume deleted such values from the file for good: a hand-written note in a line, or a value
of a type a later trainer writes and ``metrics_record`` does not know yet. The lines it keeps are now kept as they
were written."""

from __future__ import annotations

import json
import shutil

import mvae_core
from mvae_core.run import RunDir

NOTED = {"onset_f1": "not measured: see notes.md", "lr": [0.001, 0.0005]}


def test_a_resume_keeps_the_values_of_the_lines_it_keeps(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    lines = (run / "metrics.jsonl").read_text().splitlines()
    first = json.loads(lines[0]) | NOTED
    (run / "metrics.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")

    mvae_core.train(out=run, resume=True, epochs=4, progress=False)

    kept = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [record["epoch"] for record in kept] == [0, 1, 2, 3]
    assert kept[0] == first  # as it was in the file, not as the readers see it
    assert "onset_f1" not in RunDir(run).read_metrics()[0]  # which still read it as missing


def test_truncating_drops_only_later_and_torn_lines(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    lines = (run / "metrics.jsonl").read_text().splitlines()
    noted = json.dumps(json.loads(lines[1]) | NOTED)
    (run / "metrics.jsonl").write_text("\n".join([lines[0], '{"epoch": 1, "lr"', noted, lines[2]]) + "\n")

    assert RunDir(run).truncate_metrics(1) == []

    assert (run / "metrics.jsonl").read_text().splitlines() == [json.dumps(json.loads(lines[0])), noted]


def test_a_line_whose_epoch_is_no_whole_number_is_no_epoch(tiny_run, tmp_path):
    """``"epoch": true`` (a garbled or hand-edited line) counted as epoch 1: a lost line of epoch 1 went untold."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    lines = (run / "metrics.jsonl").read_text().splitlines()
    (run / "metrics.jsonl").write_text("\n".join([lines[0], json.dumps(json.loads(lines[1]) | {"epoch": True})]) + "\n")

    assert [record["epoch"] for record in RunDir(run).read_metrics()] == [0]
    assert RunDir(run).truncate_metrics(1) == [1]
