"""``mvae bend --out`` on a disk that refuses the copy (read-only, full) named the hidden folder it builds the copy in
(``.b.vpssxzer.bending``) when that folder could not be made; now the copy asked for, as for a later failure."""

from __future__ import annotations

import errno
import os

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.tools import bend


def test_a_read_only_destination_names_the_copy_asked_for(tiny_run, tmp_path, monkeypatch):
    def read_only(dir: str, prefix: str, suffix: str) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.path.join(dir, f"{prefix}x{suffix}"))

    monkeypatch.setattr(bend.tempfile, "mkdtemp", read_only)
    out = tmp_path / "bent"
    result = CliRunner().invoke(app, ["bend", str(tiny_run), "--sigma", "0.1", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write {out} (nothing was written): Read-only file system; choose a place you may write to\n"
    )
    assert list(tmp_path.iterdir()) == []
