"""``mvae encode`` (and interpolate's and serve's MIDI endpoints, which read a file the same way) given something that
is there but is no regular file, a FIFO or a device, says what stands there, in the data reader's words, without
opening it; it said ``no such file``, which sent the user looking for a file that exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mvae_core.config import MvaeConfig
from mvae_core.tools import ToolError
from mvae_core.tools.encode import file_loops


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_named_as_one_and_never_opened(tmp_path):
    fifo = tmp_path / "take3.mid"
    os.mkfifo(fifo)  # opening it to read would wait for a writer for ever
    with pytest.raises(ToolError, match=r"take3\.mid: not a regular file \(a FIFO\); give a MIDI file$"):
        file_loops(fifo, MvaeConfig())


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_is_named_as_one():
    with pytest.raises(ToolError, match=r"^/dev/null: not a regular file \(a character device\); give a MIDI file$"):
        file_loops(Path("/dev/null"), MvaeConfig())


def test_a_missing_file_is_still_no_such_file(tmp_path):
    with pytest.raises(ToolError, match=r"gone\.mid: no such file$"):
        file_loops(tmp_path / "gone.mid", MvaeConfig())
