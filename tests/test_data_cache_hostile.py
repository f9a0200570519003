"""A parse cache shared by a class (docs/data.md) can hold entries another user planted: a 2.3 MB unit entry whose
member deflates to 2.4 GB cost `mvae data inspect` 2.4 GB and 11 s and was counted as cached, and a digest index
nested 100,000 deep ended in a RecursionError traceback. Both now read as damaged: a miss, and an empty index."""

from __future__ import annotations

import zipfile

import numpy as np

from mvae_core.data.cache import ParseCache
from mvae_core.data.digests import INDEX, FileDigests


def test_a_compressed_unit_entry_is_a_miss_and_not_unpacked(tmp_path):
    cache = ParseCache(tmp_path)
    key = "ab" + "0" * 62
    (tmp_path / "ab").mkdir()
    archive = zipfile.ZipFile(cache._path(key), "w", compression=zipfile.ZIP_DEFLATED)
    with archive, archive.open("meta.npy", "w") as member:  # what np.savez_compressed writes; mvae writes np.savez
        np.lib.format.write_array(member, np.zeros(1 << 20, np.uint8))
    assert cache.has(key)
    assert cache._read(key) is None and cache.get(key) is None


def test_a_digest_index_nested_too_deep_reads_as_empty(tmp_path):
    (tmp_path / INDEX).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert FileDigests(tmp_path).entries == {}
