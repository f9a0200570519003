"""An unreadable file or folder in DATA says why in the same words whether a folder search found it or DATA named it,
with what to do: a dangling symbolic link names its target, a loop of links says so, a permission refused gives the
``chmod`` that grants it.

Before, a dangling link was ``No such file or directory`` from a folder search (``ls`` shows it there) and ``not a
regular file`` when named (it is a link), and neither named the target, the thing to fix (a sample library moved to
another drive); a link loop was ``Too many levels of symbolic links`` or ``not a regular file``; a file or folder at
mode 000 gave a bare ``Permission denied``."""

from __future__ import annotations

import errno
import os

import pytest

from mvae_core.data import sources
from mvae_core.data.score import SkipFile
from mvae_core.data.sources import expand, read_unit_bytes

DANGLING = "a symbolic link to {target}, which does not exist: point the link at the file's new place, or remove it"


def details(args: list[str]) -> dict[str, str]:
    """Each unreadable path of ``args`` → its detail, as :func:`expand` and the reading of its units give it."""
    units, skipped, _ = expand(args)
    said = {os.path.basename(s.name): s.detail for s in skipped}
    for unit in units:
        with pytest.raises(SkipFile) as skip:
            read_unit_bytes(unit.path)
        said[unit.path.name] = skip.value.detail
    return said


def test_a_dangling_link_names_its_target_found_or_named(tmp_path):
    target = tmp_path / "Samples" / "take1.mid"
    os.symlink(target, tmp_path / "take1.mid")
    found, named = details([str(tmp_path)]), details([str(tmp_path / "take1.mid")])
    assert found == named == {"take1.mid": DANGLING.format(target=target)}


def test_a_loop_of_links_says_so_found_or_named(tmp_path):
    os.symlink("b.mid", tmp_path / "a.mid")
    os.symlink("a.mid", tmp_path / "b.mid")
    loop = "a loop of symbolic links: it links to {}, and the links never reach a file; fix or remove it"
    assert details([str(tmp_path)]) == {"a.mid": loop.format("b.mid"), "b.mid": loop.format("a.mid")}
    assert details([str(tmp_path / "a.mid")]) == {"a.mid": loop.format("b.mid")}


def test_a_file_refused_gives_the_chmod_that_grants_it(tmp_path, monkeypatch):
    (tmp_path / "my song.mid").write_bytes(b"MThd")

    def refused(path, limit):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(sources, "read_bounded", refused)  # root reads a file at mode 000
    path = tmp_path / "my song.mid"
    assert (
        details([str(tmp_path)])
        == details([str(path)])
        == {"my song.mid": f"Permission denied; give yourself read access to the file with chmod u+r '{path}'"}
    )


def test_a_folder_refused_gives_the_chmod_that_grants_it(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    scandir = os.scandir

    def refused(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)  # what os.walk lists a folder with: root may list one at mode 000
    expected = {"locked": f"Permission denied; give yourself read access to the folder with chmod u+rx {locked}"}
    assert details([str(tmp_path)]) == details([str(locked)]) == expected


def test_a_folder_on_the_way_that_may_not_be_entered_is_named_with_its_chmod(tmp_path, monkeypatch):
    """The chmod u+r of the file itself was given, which fails: the folder on the way may not be entered
    (helper-494)."""
    inner = tmp_path / "inner"
    inner.mkdir()
    path = inner / "a.mid"
    path.write_bytes(b"MThd")
    access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: access(p, mode) and not (p == inner and mode == os.X_OK))
    refused = PermissionError(errno.EACCES, "Permission denied", str(path))
    assert sources.unreadable_detail(path, refused) == (
        f"Permission denied: the folder {inner} on the way to it may not be entered; enter it with chmod u+x {inner}"
    )
