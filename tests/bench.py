"""The scripts under ``bench/`` as modules, so tests can use their functions (each keeps its work under ``main``)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import torch

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(script: Path | str) -> ModuleType:
    """Import ``bench/<script>`` (a name, or a path) as a module named ``bench_<stem>``, with its folder on
    ``sys.path`` while it is imported, as when it runs: a script imports the modules beside it
    (``bench/bench_args.py``), which only a test that ran before it had put within reach."""
    path = BENCH / script if isinstance(script, str) else script
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module


@contextlib.contextmanager
def _as_its_command(script: str, args: tuple[str, ...]) -> Iterator[None]:
    """``sys.argv`` and ``sys.path`` as ``python bench/<script> args`` has them; afterwards torch's random state and
    thread count are as they were, so the tests after it are not moved."""
    threads, argv = torch.get_num_threads(), sys.argv
    sys.argv = [str(BENCH / script), *args]
    sys.path.insert(0, str(BENCH))
    try:
        with torch.random.fork_rng():
            yield
    finally:
        sys.argv = argv
        sys.path.remove(str(BENCH))
        torch.set_num_threads(threads)


def run_main(script: str, *args: str) -> str:
    """``python bench/<script> args`` in this process: its ``main()``, without a new interpreter's imports (seconds
    of torch and ONNX each); what it printed on stdout. A bad option's ``SystemExit`` propagates, as the exit code
    of the command."""
    out = io.StringIO()
    with _as_its_command(script, args), contextlib.redirect_stdout(out):
        load_bench(script).main()
    return out.getvalue()


def run_script(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python bench/<script> args`` in this process, as :func:`run_main`, ended as the interpreter ends it: exit
    code 0, ``sys.exit``'s number, or 1 with ``sys.exit``'s message on stderr. Any other exception propagates (a
    traceback fails the test, whatever exit code it asserts)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with _as_its_command(script, args), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            load_bench(script).main()
        except SystemExit as exited:
            code = exited.code
    if isinstance(code, str):
        err.write(code + "\n")
    returncode = 1 if isinstance(code, str) else code or 0
    return subprocess.CompletedProcess([sys.executable, script, *args], returncode, out.getvalue(), err.getvalue())
