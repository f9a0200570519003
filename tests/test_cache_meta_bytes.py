"""A parse-cache entry keeps its sources' names, reasons and warnings as UTF-8 bytes: as a numpy string (4 bytes a
character) they took most of corpus:essen's cache once the corpus listed every tune it skips (10.9 MB; now 6.7)."""

from __future__ import annotations

import numpy as np

from mvae_core.data.cache import _pack, _unpack
from mvae_core.data.sources import ParsedSource


def test_an_entry_s_text_is_stored_at_a_byte_a_character_and_read_back_as_written():
    results = [
        ParsedSource("corpus:essen/altdeu10#7", "no 4/4 bar", "M:3/4", warnings=[("pickup", "a bar short")]),
        ParsedSource("Café ☕/solo.mid", "not MIDI", "starts with b'PK' (a zip)", melody="the part named Flûte"),
    ]
    arrays = _pack(results)
    meta = arrays["meta"]
    assert meta.dtype == np.uint8
    back = _unpack(arrays)
    assert [(r.name, r.reason, r.detail, r.warnings, r.melody) for r in back] == [
        (r.name, r.reason, r.detail, r.warnings, r.melody) for r in results
    ]
