"""A checkpoint whose bytes are damaged is called damaged, not unsafe: torch's weights-only unpickler refuses a byte
it does not take ("Unsupported operand 216") as it refuses a crafted file's object-building opcodes, and both were
"objects that are not plain data". A file that is no zip is no checkpoint torch.save wrote, and an opcode torch refuses
in a zip's pickle is damage; a crafted file that asks for objects (a global) still is "not plain data"."""

from __future__ import annotations

import os
import random

import pytest

from mvae_core.checkpoint import CheckpointError, load_checkpoint


def test_random_bytes_are_no_checkpoint_torch_save_wrote(tmp_path):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(bytes([216]) + random.Random(0).randbytes(4095))  # 216 (0xd8): no pickle opcode
    with pytest.raises(
        CheckpointError, match=r"checkpoint.pt is not a checkpoint torch.save wrote \(truncated or corrupt\?\)"
    ):
        load_checkpoint(path)


def test_a_pickle_that_asks_for_a_global_is_still_refused_as_not_plain_data(tmp_path, monkeypatch):
    import torch

    class Exploit:
        def __reduce__(self):
            return (os.system, ("echo hi",))

    path = tmp_path / "checkpoint.pt"
    torch.save({"model": {}, "payload": Exploit()}, path)
    with pytest.raises(CheckpointError, match=r"holds objects that are not plain data; refusing to load it"):
        load_checkpoint(path)
