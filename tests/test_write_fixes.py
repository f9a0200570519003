"""A write the system refuses says what to do, in the same words wherever it fails (files.WRITE_FIXES):
``mvae generate --out`` into a read-only folder said only ``cannot write …: Read-only file system``, while
``mvae train --out`` there added ``; choose a place you may write to``. A run file's failure gets no fix from the
writer: the run's ending says its own (free space, then resume)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import files
from mvae_core.cli import app
from mvae_core.files import WriteFailed, atomic_write, check_writable_folder

runner = CliRunner()
PLACE = "choose a place you may write to"


def _refuse(code: int):
    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return refused


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (errno.EROFS, f"Read-only file system; {PLACE}"),
        (errno.EACCES, f"Permission denied; {PLACE}"),
        (errno.ENOSPC, "No space left on device; free some disk space or choose another disk"),
    ],
)
def test_an_output_the_system_refuses_says_what_to_do(tmp_path, monkeypatch, code, said):
    monkeypatch.setattr(files.os, "replace", _refuse(code))
    target = tmp_path / "loop.mid"
    with pytest.raises(WriteFailed) as refused:
        atomic_write(target, lambda tmp: tmp.write_bytes(b"MThd"), durable=False)
    assert str(refused.value) == f"cannot write {target}: {said}"
    assert list(tmp_path.iterdir()) == []


def test_a_run_file_names_the_reason_alone(tmp_path, monkeypatch):
    """The run's ending adds its own step (free space, then resume); 'choose another disk' would contradict it."""
    monkeypatch.setattr(files.os, "replace", _refuse(errno.ENOSPC))
    with pytest.raises(WriteFailed, match=r"checkpoint\.pt: No space left on device$"):
        atomic_write(tmp_path / "checkpoint.pt", lambda tmp: tmp.write_bytes(b"x"))


def test_a_folder_the_system_refuses_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(files.tempfile, "TemporaryFile", _refuse(errno.EACCES))
    with pytest.raises(WriteFailed) as refused:
        check_writable_folder(tmp_path / "loops")
    assert str(refused.value) == f"cannot write into {tmp_path / 'loops'}: Permission denied; {PLACE}"


def test_generate_into_a_read_only_place_says_what_to_do(tiny_run, tmp_path, monkeypatch):
    """As root too: the temporary file of each loop cannot be made, as on a read-only mount."""
    monkeypatch.setattr(files.tempfile, "mkstemp", _refuse(errno.EROFS))
    out = tmp_path / "loops"
    result = runner.invoke(app, ["generate", str(tiny_run), "--random", "2", "--out", str(out)])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: cannot write {out / '000_'}") and line.endswith(f": Read-only file system; {PLACE}")


def _writable(folder: Path) -> bool:
    """Whether this process may make a file in ``folder`` (the file is removed again)."""
    try:
        (folder / "probe").touch()
    except PermissionError:
        return False
    (folder / "probe").unlink()
    return True


@pytest.mark.parametrize("command", [["generate", "--random", "2"], ["bend", "--sigma", "0.1"]])
def test_a_folder_without_write_permission_says_what_to_do(tiny_run, tmp_path, command):
    shut = tmp_path / "shut"
    shut.mkdir()
    shut.chmod(0o555)
    try:
        if os.geteuid() == 0 and _writable(shut):  # root with CAP_DAC_OVERRIDE (the CI): the mode does not bind it
            pytest.skip("this process writes into a folder of mode 0o555 (root)")
        out = shut / "x"
        result = runner.invoke(app, [command[0], str(tiny_run), *command[1:], "--out", str(out)])
    finally:
        shut.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: cannot write {out}")
    assert result.stderr.endswith(f": Permission denied; {PLACE}\n")
    assert not Path(out).exists()
