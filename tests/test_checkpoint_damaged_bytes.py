"""A checkpoint whose bytes are damaged is called damaged, not unsafe: torch's weights-only unpickler refuses a byte
that is no pickle opcode at all ("Unsupported operand 216") as it refuses a crafted file's object-building opcodes,
and both were "objects that are not plain data". A crafted file still is."""

from __future__ import annotations

import random

import pytest

from mvae_core.checkpoint import CheckpointError, load_checkpoint


def test_random_bytes_are_a_truncated_or_corrupt_checkpoint(tmp_path):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(bytes([216]) + random.Random(0).randbytes(4095))  # 216 (0xd8): no pickle opcode
    with pytest.raises(
        CheckpointError, match=r"checkpoint.pt is truncated or corrupt \(byte 216 is no pickle opcode\)"
    ):
        load_checkpoint(path)


def test_a_pickle_that_builds_an_object_is_still_refused_as_not_plain_data(tmp_path):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(b"(ios\nsystem\nS'echo hi'\n.")  # MARK, INST (105, an opcode): builds os.system's result
    with pytest.raises(CheckpointError, match=r"holds objects that are not plain data; refusing to load it"):
        load_checkpoint(path)
