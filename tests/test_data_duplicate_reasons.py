"""Byte-identical copies of a file that is skipped are skipped for its reason, so that the counts per reason count
every such file: ten empty files in a collection read ``empty file: 10``, not ``empty file: 1, duplicate: 9``.
Copies of a used file are still ``duplicate``."""

from __future__ import annotations

import shutil

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipReason


def test_copies_of_a_skipped_file_count_under_its_reason(synth_dir, tmp_path):
    data = shutil.copytree(synth_dir, tmp_path / "data")
    for name in ("empty a.mid", "empty b.mid", "empty c.mid"):
        (data / name).write_bytes(b"")
    for name in ("notes a.mid", "notes b.mid"):
        (data / name).write_text("not MIDI")
    shutil.copy(data / "melody_01.mid", data / "zz copy.mid")
    table, report = load_dataset([str(data)], DataConfig(cache_dir="none"))
    assert report.skipped_by_reason() == {
        SkipReason.EMPTY.value: 3,
        SkipReason.NOT_MIDI.value: 2,
        SkipReason.DUPLICATE.value: 1,
    }
    entry = {e["source"]: e for e in report.entries}
    assert entry[str(data / "empty b.mid")]["detail"] == f"the same bytes as {data / 'empty a.mid'}"
    assert entry[str(data / "notes b.mid")]["detail"] == (
        f"the same bytes as {data / 'notes a.mid'}: no MThd header; it looks like a text file (notes, lyrics, ABC): "
        "give the MIDI file itself"
    )
    assert len(table.sources) == 6
