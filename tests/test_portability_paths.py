"""Files and folders a musician names: long names near the file system's limit, non-ASCII and spaces."""

from __future__ import annotations

from pathlib import Path

from mvae_core.files import atomic_write


def test_a_file_name_near_the_limit_is_written(tmp_path: Path):
    """A name of 250 bytes is valid (255 is the limit of ext4, APFS and NTFS); its temporary name must be too."""
    for name in ("x" * 246 + ".mid", "曲" * 80 + ".mid", "Café Ü " * 27 + ".png"):
        assert len(name.encode()) <= 255
        path = tmp_path / name
        atomic_write(path, lambda tmp: tmp.write_bytes(b"MThd"))
        assert path.read_bytes() == b"MThd"
    assert len(list(tmp_path.iterdir())) == 3  # no temporary left
