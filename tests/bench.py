"""The scripts under ``bench/`` as modules, so tests can use their functions (each keeps its work under ``main``)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import torch

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(script: Path | str) -> ModuleType:
    """Import ``bench/<script>`` (a name, or a path) as a module named ``bench_<stem>``. A script that imports the
    scripts beside it needs ``bench/`` on ``sys.path`` first, as when it runs."""
    path = BENCH / script if isinstance(script, str) else script
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_main(script: str, *args: str) -> str:
    """``python bench/<script> args`` in this process: its ``main()`` with ``sys.argv`` and ``bench/`` first on
    ``sys.path``, as the command runs it, without a new interpreter's imports (seconds of torch and ONNX each);
    what it printed on stdout. A bad option's ``SystemExit`` propagates, as the exit code of the command. torch's
    random state and thread count are as they were afterwards, so the tests after it are not moved."""
    out, threads, argv = io.StringIO(), torch.get_num_threads(), sys.argv
    sys.argv = [str(BENCH / script), *args]
    sys.path.insert(0, str(BENCH))
    try:
        with torch.random.fork_rng(), contextlib.redirect_stdout(out):
            load_bench(script).main()
    finally:
        sys.argv = argv
        sys.path.remove(str(BENCH))
        torch.set_num_threads(threads)
    return out.getvalue()
