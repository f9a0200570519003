"""Checkpoints are written atomically and loaded without executing code."""

from __future__ import annotations

import os
import pickle

import pytest
import torch

from mvae_core.checkpoint import CheckpointError, atomic_write, load_checkpoint, load_model_state, save_checkpoint

MARKER = "mvae-test-code-was-executed"


class _Exploit:
    def __reduce__(self):
        return (exec, (f"import os; os.environ[{MARKER!r}] = 'yes'",))


def test_the_exploit_really_runs_code_when_unpickled(monkeypatch):
    monkeypatch.delenv(MARKER, raising=False)
    pickle.loads(pickle.dumps(_Exploit()))
    assert os.environ.get(MARKER) == "yes"


def test_a_crafted_pickle_checkpoint_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(MARKER, raising=False)
    path = tmp_path / "checkpoint.pt"
    torch.save({"model": {}, "payload": _Exploit()}, path)
    with pytest.raises(CheckpointError, match="not plain data; refusing"):
        load_checkpoint(path)
    assert MARKER not in os.environ


def test_a_raw_pickle_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(MARKER, raising=False)
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(pickle.dumps({"model": _Exploit()}))
    with pytest.raises(CheckpointError):
        load_checkpoint(path)
    assert MARKER not in os.environ


def test_round_trip_and_truncation(tmp_path):
    path = tmp_path / "checkpoint.pt"
    payload = {"model": {"w": torch.arange(1000.0)}, "epoch": 3, "plugins": {"p": {"best": 1.5, "wait": 2}}}
    save_checkpoint(path, payload)
    loaded = load_checkpoint(path)
    assert loaded["epoch"] == 3 and loaded["plugins"] == payload["plugins"]
    assert torch.equal(loaded["model"]["w"], payload["model"]["w"])
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(path)
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")


def test_corrupt_model_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x00\x01garbage")
    with pytest.raises(CheckpointError, match=r"model\.safetensors is truncated or corrupt"):
        load_model_state(path)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old")

    def failing(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, failing)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]  # no temporary file left behind
