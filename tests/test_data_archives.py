"""A MIDI pack downloaded and never unpacked: mvae does not read inside archives, and says so (the data table's
``archives not read`` row, and the reason when no loop was found) instead of passing over them in silence."""

from __future__ import annotations

import io
import zipfile

from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.report import data_summary, print_summary, skip_reasons
from tests.synth import melody_folder

UNPACK = "mvae does not read inside archives: unpack them to use their MIDI files"


def _table_text(summary) -> str:
    console = Console(file=io.StringIO(), width=300)
    print_summary(console, summary)
    return " ".join(console.file.getvalue().split())


def test_archives_in_the_folders_are_named_as_not_read(tmp_path):
    data = melody_folder(tmp_path / "midi", n_files=2, n_loops=2)
    with zipfile.ZipFile(data / "pack.zip", "w") as pack:
        pack.write(data / "melody_00.mid", "inside.mid")
    (data / "old").mkdir()
    (data / "old" / "more.TAR.GZ").write_bytes(b"")
    cfg = DataConfig(cache_dir="none")
    table, report = load_dataset([str(data)], cfg)
    assert report.archives == [str(data / "old" / "more.TAR.GZ"), str(data / "pack.zip")]
    assert len(table.sources) == 2  # the zip's file is not read
    row = f"archives not read │ 2: {data / 'old' / 'more.TAR.GZ'} and 1 more; {UNPACK} │"
    assert row in _table_text(data_summary(table, report, cfg))


def test_a_folder_of_an_archive_alone_says_so(tmp_path):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "pack.zip").write_bytes(b"PK")
    cfg = DataConfig(cache_dir="none")
    table, report = load_dataset([str(tmp_path / "downloads")], cfg)
    pack = tmp_path / "downloads" / "pack.zip"
    assert skip_reasons(report) == f"no MIDI files found; archives not read: 1: {pack}; {UNPACK}"
    assert f"archives not read │ 1: {pack}; {UNPACK} │" in _table_text(data_summary(table, report, cfg))
