"""``train.keep_freed_memory`` (mvae_core/allocator.py): freed tensors' pages are reused, not faulted back in.

The allocator cases run in fresh interpreters: glibc's malloc settings belong to the process and cannot be put back."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mvae_core import trainer as trainer_module
from mvae_core.allocator import on_glibc
from tests.side_by_side import finish, start
from tests.training import make_trainer, tiny_config

glibc_only = pytest.mark.skipif(not on_glibc(), reason="tunes glibc's malloc only")

CYCLES = """
import json, resource, sys
import torch
from mvae_core.allocator import keep_freed_memory
applied = keep_freed_memory() if sys.argv[1] == "keep" else None
def cycle():  # what a training step does to the heap: 48 MB of tensors allocated, written and freed
    tensors = [torch.ones(2**18) for _ in range(48)]
    del tensors
for _ in range(3):  # the heap settles into its layout
    cycle()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    cycle()
print(json.dumps({"applied": applied, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""


def start_cycles(mode: str, **env: str) -> subprocess.Popen[str]:
    """:data:`CYCLES` in a fresh interpreter with ``env`` added (its page faults are its own: two can run at once)."""
    return start([sys.executable, "-c", CYCLES, mode], env={**os.environ, **env})


def cycles_result(process: subprocess.Popen[str]) -> dict:
    done = finish(process)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@glibc_only
def test_kept_memory_is_reused_without_page_faults():
    pages_per_cycle = 48 * 2**18 * 4 // 4096
    # glibc's thresholds as they start out (its adaptive ones move from there, differently from run to run): every
    # freed page goes back to the OS, and the next cycle faults it in again
    processes = [start_cycles("default", MALLOC_MMAP_THRESHOLD_=str(128 * 1024)), start_cycles("keep")]
    static, kept = (cycles_result(process) for process in processes)
    assert static["faults"] > 9 * pages_per_cycle
    assert kept["applied"] is True
    assert kept["faults"] < pages_per_cycle // 10  # 10 cycles on the same pages


@glibc_only
@pytest.mark.parametrize(
    "env",
    [{"MALLOC_TRIM_THRESHOLD_": "1048576"}, {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1048576"}],
    ids=["variable", "tunable"],
)
def test_a_users_own_malloc_settings_win(env):
    # the decision alone, in a fresh interpreter with the user's environment: no torch import, no cycles (~2 s each)
    script = "import json\nfrom mvae_core.allocator import keep_freed_memory\nprint(json.dumps(keep_freed_memory()))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) is False


@pytest.mark.parametrize("setting", [True, False])
def test_the_trainer_applies_it_when_configured(synth_dir, monkeypatch, setting):
    calls = []
    monkeypatch.setattr(trainer_module, "keep_freed_memory", lambda: calls.append(True) or True)
    make_trainer(synth_dir, tiny_config(f"train.keep_freed_memory={str(setting).lower()}"))
    assert calls == ([True] if setting else [])
