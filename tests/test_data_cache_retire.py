"""The parse cache keeps one set entry per data set: each edit of a file, each new format of the cache and each new
mvae wrote a new whole copy of the table beside the old ones, which no read would find again (246 of them, 75 MB,
on one machine; gigabytes each for a data set larger than memory)."""

from __future__ import annotations

from mvae_core.config import DataConfig
from mvae_core.data import cache as cache_module
from mvae_core.data.load import load_dataset
from tests.synth import melody_folder, random_melody, write_midi


def _sets(cache_dir):
    return sorted(path.name for path in (cache_dir / "sets").glob("set-*"))


def test_an_edit_or_a_new_format_replaces_the_set_entry_and_other_settings_keep_theirs(tmp_path, monkeypatch):
    import numpy as np

    folder = melody_folder(tmp_path / "midi", n_files=3, n_loops=2, seed=1)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, _ = load_dataset([str(folder)], cfg)
    assert len(_sets(cfg.cache_dir)) == 1
    write_midi(folder / "melody_01.mid", random_melody(np.random.default_rng(9), 2))  # an edit: a new set entry
    load_dataset([str(folder)], cfg)
    assert len(_sets(cfg.cache_dir)) == 1  # the earlier one is gone
    monkeypatch.setattr(cache_module, "SET_VERSION", cache_module.SET_VERSION + 1)  # a newer mvae
    load_dataset([str(folder)], cfg)
    assert len(_sets(cfg.cache_dir)) == 1
    other = cfg.model_copy(update={"min_onsets": cfg.min_onsets + 1})  # another data set: both kept
    load_dataset([str(folder)], other)
    assert len(_sets(cfg.cache_dir)) == 2
    assert first.n_loops > 0  # a table mapped from a removed entry still reads (POSIX unlinks the name only)
    assert int(np.asarray(first.row[: first.offsets[1]]).sum()) >= 0
