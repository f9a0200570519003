"""Runs started in one second without an output folder (a sweep launched with ``&``) got the same default folder,
``runs/<YYYYmmdd-HHMMSS>``: all but one were refused as busy and told to ``--resume`` a run that was not theirs. A
default folder another run holds is now numbered on (``runs/<time>-2``)."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import mvae_core
from mvae_core.run_files import LOCK
from tests.training import TINY


def test_a_run_without_out_takes_the_next_number_when_its_default_folder_is_held(synth_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    now = time.time()
    held = {}
    for second in range(-1, 30):  # every default folder this test's run may pick, held as a running training holds it
        folder = Path("runs") / time.strftime("%Y%m%d-%H%M%S", time.localtime(now + second))
        folder.mkdir(parents=True, exist_ok=True)
        held[folder.name] = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT)
        fcntl.flock(held[folder.name], fcntl.LOCK_EX)
    try:
        result = mvae_core.train([synth_dir], overrides=TINY, plugins=[], epochs=1, progress=False)
    finally:
        for fd in held.values():
            os.close(fd)
    assert result.path.name.removesuffix("-2") in held and result.path.name.endswith("-2")
    assert (result.path / "model.safetensors").exists()
    assert all(os.listdir(Path("runs") / name) == [LOCK] for name in held)  # the held folders are untouched
