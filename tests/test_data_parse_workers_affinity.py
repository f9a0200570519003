"""The default number of parse workers is the cores this process may use (its CPU affinity: taskset, Slurm, a
cpuset), not the machine's: a 4-core allocation on a 128-core node spawned 128 workers (helper-413 F6). The ablation
runner (mvae_core.cores) shares the one answer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.cores import cores
from mvae_core.data import load
from mvae_core.data.sources import Unit


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")
def test_one_allowed_core_of_many_parses_in_this_process(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(load, "ProcessPoolExecutor", lambda *a, **k: pytest.fail("worker processes were started"))
    contents = {Unit("midi", Path(f"/none/{i}.mid"), f"{i}.mid"): b"not MIDI" for i in range(load.PARALLEL_MIN_UNITS)}
    results = list(load._parse_all(contents, DataConfig(cache_dir="none"), None))
    assert len(results) == load.PARALLEL_MIN_UNITS and cores() == 1
