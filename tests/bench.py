"""The scripts under ``bench/`` as modules, so tests can use their functions (each keeps its work under ``main``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(script: Path | str) -> ModuleType:
    """Import ``bench/<script>`` (a name, or a path) as a module named ``bench_<stem>``. A script that imports the
    scripts beside it needs ``bench/`` on ``sys.path`` first, as when it runs."""
    path = BENCH / script if isinstance(script, str) else script
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
