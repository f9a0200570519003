"""``mvae train DATA`` given no ``--out``, typed in a folder the user cannot write (a read-only mount, a file named
``runs`` in the way), said only ``error: runs: Read-only file system; choose a place you may write to``: it did not
say that the run folder was the default one it chose, nor that ``--out`` names another. It now names both (a
musician's report)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import MvaeError

_EXAMPLE = Path.home() / "mvae-runs" / "first"


@pytest.fixture
def read_only_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory is a folder where no folder can be created, as on a read-only mount: ``mkdir`` of a
    path under it fails with ``EROFS``, as the system call does there (a root user is not stopped by ``chmod``)."""
    here = tmp_path / "mount"
    here.mkdir()
    monkeypatch.chdir(here)
    real_mkdir = Path.mkdir

    def refused(self: Path, *args: object, **kwargs: object) -> None:
        if here in self.absolute().parents:
            top = here / self.absolute().relative_to(here).parts[0]
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(top.relative_to(here)))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refused)
    return here


def test_the_command_line_names_the_default_folder_and_out(read_only_here, synth_dir):
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1"])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert said.startswith(f"error: cannot create the default run folder runs{os.sep}")
    assert said.endswith(
        f" in {read_only_here} (runs: Read-only file system); give the run a folder you may write to with --out "
        f"(e.g. --out {_EXAMPLE})"
    )


def test_a_python_caller_is_told_out(read_only_here, synth_dir):
    with pytest.raises(MvaeError) as refused:
        mvae_core.train([synth_dir], epochs=1, progress=False)
    assert isinstance(refused.value, OSError)  # as before: a caller that caught OSError still does
    assert str(refused.value).endswith(
        f"(runs: Read-only file system); give the run a folder you may write to with out= (e.g. out={str(_EXAMPLE)!r})"
    )


def test_a_file_named_runs_in_the_way_is_named(tmp_path, monkeypatch, synth_dir):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").write_text("notes")
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1"])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert f"in {tmp_path} (runs is a file, not a folder); give the run a folder you may write to with --out" in said


def test_a_folder_named_by_out_is_refused_as_before(read_only_here, synth_dir):
    """The user named this folder: the system's reason about it is enough (the default's words would mislead)."""
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1", "--out", "mine/first"])
    assert result.exit_code == 2
    assert result.stderr == "error: mine: Read-only file system; choose a place you may write to\n"
