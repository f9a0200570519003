"""Spawned parse workers run none of the caller's code, however the caller was started, and leave a hang-up to it.

``python -m script`` (no ``if __name__ == "__main__"`` guard): the workers re-imported the script by its module name,
ran it again each (reading the data again), and the parse ended in a BrokenProcessPool traceback. A closed terminal
sends SIGHUP to every process of its group: the workers died with tracebacks of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from mvae_core.data.load import WORKERS_IGNORE, _ignore_interrupts
from tests.synth import melody_folder


def test_a_script_run_as_a_module_without_a_guard_is_not_rerun_by_the_workers(tmp_path) -> None:
    melody_folder(tmp_path / "data", n_files=34, n_loops=2, seed=3)  # >= 32 files: parsed by worker processes
    (tmp_path / "read_it.py").write_text(
        "from mvae_core.config import DataConfig\n"
        "from mvae_core.data.load import load_dataset\n"
        "print('script body ran')\n"
        "table, report = load_dataset(['data'], DataConfig(cache_dir='none'), jobs=2)\n"
        "print('loops', table.n_loops)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-m", "read_it"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("script body ran") == 1 and "loops 68" in done.stdout


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_a_worker_ignores_a_hang_up_and_ctrl_c() -> None:
    assert signal.SIGHUP in WORKERS_IGNORE and signal.SIGINT in WORKERS_IGNORE
    previous = {signum: signal.getsignal(signum) for signum in WORKERS_IGNORE}
    try:
        _ignore_interrupts()  # what each worker runs first
        assert all(signal.getsignal(signum) is signal.SIG_IGN for signum in WORKERS_IGNORE)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
