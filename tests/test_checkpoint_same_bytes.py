"""Two identical trainings wrote model files of different bytes: safetensors writes its metadata table in hash-map
order, which changes from process to process, so ``sha256sum``, a content-addressed store (DVC, git-annex) or a
byte comparison of two runs said they differed. The header is now written in one order."""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from mvae_core.checkpoint import load_model_file
from tests.side_by_side import run_together

WRITER = """
import sys, torch
from pathlib import Path
from mvae_core.checkpoint import save_model
state = {"b": torch.arange(6, dtype=torch.float32).reshape(2, 3), "a": torch.ones(3, dtype=torch.int64)}
save_model(Path(sys.argv[1]), state, {f"key{i}": f"value {i} é" for i in range(12)})
"""


def test_the_same_model_gives_the_same_bytes_in_every_process(tmp_path: Path):
    files = [tmp_path / f"model{i}.safetensors" for i in range(2)]
    # a fresh interpreter each (started together): each one hashes strings with another seed
    writers = [[sys.executable, "-c", WRITER, str(file)] for file in files]
    for done in run_together(*writers, cwd=Path(__file__).parents[1]):
        assert done.returncode == 0, done.stderr
    assert len({file.read_bytes() for file in files}) == 1
    state, metadata = load_model_file(files[0])
    assert torch.equal(state["b"], torch.arange(6, dtype=torch.float32).reshape(2, 3))
    assert torch.equal(state["a"], torch.ones(3, dtype=torch.int64))
    assert metadata == {f"key{i}": f"value {i} é" for i in range(12)}
    assert len(files[0].read_bytes()) % 8 == 0
