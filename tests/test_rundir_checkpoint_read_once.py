"""A resume reads ``checkpoint.pt`` once: the settings it compares with ``config.toml`` and the state it restores come
from the same read, under the run's lock. Before, it was read twice (its settings, mapped, before the lock; then the
whole file to restore), each a parse of the file (about 20 ms each for a default-size model's checkpoint)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

import mvae_core
from mvae_core.run_files import CHECKPOINT


def test_a_resume_reads_its_checkpoint_once(tiny_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    reads = []
    load = torch.load

    def counted(file, *args, **kwargs):
        reads.append(Path(file).name)
        return load(file, *args, **kwargs)

    monkeypatch.setattr(torch, "load", counted)
    result = mvae_core.train(out=run, resume=True, progress=False)  # its 3 epochs are done: nothing trains
    assert result.outcome == "already finished"
    assert reads.count(CHECKPOINT) == 1
