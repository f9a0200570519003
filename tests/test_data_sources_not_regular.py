"""A FIFO or a device named as DATA is skipped as ``unreadable`` with what stands there, ``not a regular file (a
FIFO)``, as the same FIFO found by a folder search is and as docs/data.md says; named directly it said only ``not a
regular file``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mvae_core.data.sources import expand


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_as_data_is_skipped_as_one(tmp_path):
    fifo = tmp_path / "pipe.mid"
    os.mkfifo(fifo)
    named = expand([str(fifo)])[1]
    found = expand([str(tmp_path)])[1]
    assert [(s.reason, s.detail) for s in named] == [("unreadable", "not a regular file (a FIFO)")]
    assert found == []  # a folder's FIFO is a unit: read_unit_bytes says the same when it comes to read it


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_named_as_data_is_skipped_as_one():
    (skipped,) = expand(["/dev/null"])[1]
    assert (skipped.reason, skipped.detail) == ("unreadable", "not a regular file (a character device)")
