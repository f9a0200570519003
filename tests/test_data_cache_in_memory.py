"""A data set that cannot be written to the parse cache (full or read-only disk) is built in memory, and the
report says so in one line: the cache folder, the error, and that every process now holds its own copy."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import DataConfig
from mvae_core.data import table_store
from mvae_core.data.load import load_dataset
from tests.synth import melody_folder

NO_SPACE = os.strerror(errno.ENOSPC)


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, NO_SPACE)


@pytest.mark.parametrize("where", ["__init__", "add"])
def test_a_set_entry_that_cannot_be_written_is_named_in_the_report(tmp_path: Path, monkeypatch, where):
    folder = melody_folder(tmp_path / "melodies", n_files=3, n_loops=2, seed=2)
    cache = tmp_path / "cache"
    monkeypatch.setattr(table_store.TableWriter, where, no_space)
    table, report = load_dataset([str(folder)], DataConfig(cache_dir=cache))
    assert table.n_loops == 6 and len(report.ok) == 3 and report.parsed_units + report.cached_units == 3
    assert report.cache_warning is not None
    assert str(cache) in report.cache_warning and NO_SPACE in report.cache_warning
    assert "every process" in report.cache_warning


def test_a_set_entry_written_has_no_warning(tmp_path: Path):
    folder = melody_folder(tmp_path / "melodies", n_files=3, n_loops=2, seed=2)
    _, report = load_dataset([str(folder)], DataConfig(cache_dir=tmp_path / "cache"))
    assert report.cache_warning is None


def test_data_inspect_prints_the_warning(tmp_path: Path, monkeypatch):
    folder = melody_folder(tmp_path / "melodies", n_files=3, n_loops=2, seed=2)
    monkeypatch.setattr(table_store.TableWriter, "__init__", no_space)
    monkeypatch.setenv("MVAE_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["data", "inspect", str(folder)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1 and NO_SPACE in lines[0], result.output


@pytest.mark.parametrize(
    ("error", "fix"),
    [
        (errno.ENOSPC, "; free space there or choose another folder (data.cache_dir, MVAE_CACHE_DIR)"),
        (errno.EROFS, "; make it writable or choose another folder (data.cache_dir, MVAE_CACHE_DIR)"),
        (errno.EEXIST, "; choose another folder (data.cache_dir, MVAE_CACHE_DIR)"),  # a file where its folder goes
    ],
)
def test_the_advice_fits_the_error(tmp_path: Path, monkeypatch, error, fix):
    """Freeing space was advised for a file in the way of the cache folder too (helper-413 F7)."""
    folder = melody_folder(tmp_path / "melodies", n_files=2, n_loops=2, seed=2)

    def refused(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(table_store.TableWriter, "__init__", refused)
    _, report = load_dataset([str(folder)], DataConfig(cache_dir=tmp_path / "cache"))
    assert report.cache_warning.endswith(fix) and report.cache_warning.count("free space") == (error == errno.ENOSPC)
