"""bench/mapped_memory.py on a disk too small for the synthetic table it is asked to write."""

from __future__ import annotations

import subprocess
import sys

from tests.bench import BENCH


def test_a_table_larger_than_the_disk_is_refused_before_writing(tmp_path):
    """It wrote until the disk was full (minutes for 10 M loops), then ended in a traceback."""
    loops = 10**13  # about 2 PB: more than any disk here has free
    command = [sys.executable, str(BENCH / "mapped_memory.py"), "--loops", str(loops), "--ranks", "1", "--steps", "1",
               "--dir", str(tmp_path / "table")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: --dir {tmp_path / 'table'}: the table of {loops:,} loops takes about " in result.stderr
    assert "MiB free; give --dir on a larger disk, or fewer --loops" in result.stderr
    assert list(tmp_path.iterdir()) == []
