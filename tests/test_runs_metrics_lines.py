"""metrics.jsonl and the checkpoint after a crash: each epoch's line is on the disk before the epoch's checkpoint,
and a resume whose metrics.jsonl lacks lines of checkpointed epochs says so. A metrics.jsonl cut by hand (as a power
cut could leave a line that was never fsynced) was resumed in silence, leaving a hole in the run's curves."""

from __future__ import annotations

import os
import shutil

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.run import RunDir
from mvae_core.run_files import METRICS


def test_a_metrics_line_is_fsynced_when_it_is_written(tmp_path, monkeypatch):
    synced = []
    fsync = os.fsync

    def spy(fd):
        synced.append(os.fstat(fd).st_ino)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    RunDir(tmp_path).append_metrics({"epoch": 0, "val_elbo": 1.0})
    assert (tmp_path / METRICS).stat().st_ino in synced


def test_a_resume_warns_of_checkpointed_epochs_without_a_metrics_line(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")  # 3 epochs, checkpointed after the third
    lines = (run / METRICS).read_text().splitlines(keepends=True)
    (run / METRICS).write_text(lines[0] + lines[1][:50])  # epoch 2 torn, epoch 3 gone
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert f"{run / METRICS} has no line for epochs 2, 3 (the file was damaged or cut);" in said
    assert [r["epoch"] for r in RunDir(run).read_metrics()] == [0, 3]


def test_a_resume_over_garbled_bytes_in_metrics_jsonl_drops_them(tiny_run, tmp_path):
    """Bytes that are no UTF-8 (a disk that returned another file's block after a crash) ended the resume in a
    UnicodeDecodeError traceback, and so did every command that reads the curves; a JSON line that is no epoch's
    record (``[]``) in a KeyError."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    with open(run / METRICS, "ab") as handle:
        handle.write(b"\xff\xfe\x00garbage\n[]\n")
    assert [r["epoch"] for r in RunDir(run).read_metrics()] == [0, 1, 2]
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    assert result.exit_code == 0, result.output
    assert [r["epoch"] for r in RunDir(run).read_metrics()] == [0, 1, 2, 3]
    assert b"garbage" not in (run / METRICS).read_bytes()
