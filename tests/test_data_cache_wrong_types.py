"""Parse-cache entries that are well-formed JSON of the wrong shape (a shared cache, a dev build that kept the format
version) are misses, rebuilt with the damaged-entry warning, never a traceback on every load (helper-413 F5); the
warning names ``meta.json`` when that file is not JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from tests.synth import melody_folder
from tests.test_data_cache import assert_same_table

N_FILES = 2


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return melody_folder(tmp_path / "melodies", n_files=N_FILES, n_loops=2, seed=4)


@pytest.mark.parametrize("meta", [b"null", b"[]", b'{"format": 2, "loops": 1e400, "notes": 1}'])
def test_a_set_entry_whose_meta_json_has_the_wrong_shape_is_rebuilt_with_a_warning(folder, tmp_path, meta):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)
    (entry,) = (tmp_path / "cache" / "sets").iterdir()
    (entry / "meta.json").write_bytes(meta)
    table, report = load_dataset([str(folder)], cfg)
    assert report.cache_warning is not None and "was damaged" in report.cache_warning
    assert_same_table(table, load_dataset([str(folder)], DataConfig(cache_dir="none"))[0])


def test_a_set_entry_whose_meta_json_is_not_json_names_it(folder, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)
    (entry,) = (tmp_path / "cache" / "sets").iterdir()
    (entry / "meta.json").write_bytes(b'{"format": "2')
    _, report = load_dataset([str(folder)], cfg)
    assert f"{entry}: meta.json: Unterminated string" in report.cache_warning


@pytest.mark.parametrize("meta", [b"null", b"[1]", b'[{"reason": null, "notes": "x", "loops": 1}]', b"{}"])
def test_a_unit_entry_whose_report_has_the_wrong_shape_is_parsed_again(folder, tmp_path, meta):
    cache = tmp_path / "cache"
    cfg = DataConfig(cache_dir=cache)
    first, _ = load_dataset([str(folder)], cfg)
    for entry in cache.rglob("*.npz"):
        with np.load(entry, allow_pickle=False) as arrays:
            kept = {name: arrays[name] for name in arrays.files}
        np.savez(entry, **(kept | {"meta": np.frombuffer(meta, np.uint8)}))
    shutil.rmtree(cache / "sets")
    second, report = load_dataset([str(folder)], cfg)
    assert report.parsed_units == N_FILES
    assert_same_table(first, second)
