"""Once the ``mvae`` command has ended, a signal while the process exits (a second Ctrl-C, a scheduler's SIGTERM
after its SIGINT, a closed terminal) is ignored: the command has nothing left to stop and its exit code is decided.
Before, SIGINT and SIGTERM raised inside the interpreter's exit hooks (a traceback, a hook left half done) and SIGHUP
ended the process with no exit code of mvae's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from mvae_core.signals import HANDLED

SCRIPT = """
import atexit, os, sys
atexit.register(os.kill, os.getpid(), int(sys.argv[1]))  # a signal as the interpreter exits, after the command
from mvae_core.entry import main
sys.argv = ["mvae", "--version"]
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", HANDLED, ids=[signal.Signals(s).name for s in HANDLED])
def test_a_signal_while_mvae_exits_is_ignored(signum: int):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(int(signum))], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.getcwd()}, timeout=60, check=False)  # fmt: skip
    assert (done.returncode, done.stdout.startswith("mvae "), done.stderr) == (0, True, "")
