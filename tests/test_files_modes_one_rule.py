"""New files and folders get one mode each, from one place: the run's ``.lock`` is ``0o666`` less the umask as every
run file (it was ``0o644``, so under umask 002, a group-shared runs folder, another member could not open it to
lock), a new folder ``0o777`` less the umask (:func:`mvae_core.files.folder_mode`); and ``mvae serve``'s default
address and port are those of the server (:mod:`mvae_core.serve.knobs`)."""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mvae_core.files import folder_mode
from mvae_core.run import RunDir
from mvae_core.run_files import LOCK


@pytest.fixture
def group_umask() -> Iterator[None]:
    """The umask of a group-shared folder (002) while the test runs; the test process's own afterwards."""
    was = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(was)


def test_the_lock_file_is_group_writable_under_a_group_umask(tmp_path: Path, group_umask: None) -> None:
    run = tmp_path / "run"
    with RunDir(run).training_lock():
        assert (run / LOCK).stat().st_mode & 0o777 == 0o664


def test_a_new_folder_is_0777_less_the_umask(group_umask: None) -> None:
    assert folder_mode() == 0o775


def test_serve_listens_where_the_server_does_by_default() -> None:
    from mvae_core.cli_serve import serve
    from mvae_core.serve.knobs import DEFAULT_PORT, LOOPBACK
    from mvae_core.serve.server import LiveServer

    command, server = inspect.signature(serve).parameters, inspect.signature(LiveServer).parameters
    assert command["host"].default == server["host"].default == LOOPBACK == "127.0.0.1"
    assert command["port"].default == server["port"].default == DEFAULT_PORT == 8000
