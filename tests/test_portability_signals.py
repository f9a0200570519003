"""SIGHUP (a terminal window closed, an ssh session dropped; macOS and Linux) stops a command as SIGTERM does: at a
safe point, exit code 129, instead of ending the process on the spot. Under ``nohup`` it stays ignored."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")

HANG_UP = """
import os, signal, sys, time
from mvae_core.signals import Interrupts
if sys.argv[1] == "nohup":
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
with Interrupts() as interrupts:
    if sys.argv[1] == "reading":
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(5)
        except KeyboardInterrupt:
            print("stopped reading", end=" ")
    else:
        interrupts.defer()  # training: a signal is recorded for the next step
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.05)
print(interrupts.requested(), 128 + (interrupts.signum or signal.SIGINT))  # RunInterrupted's exit code
"""


@pytest.mark.parametrize(
    ("phase", "said"),
    [("reading", "stopped reading True 129"), ("training", "True 129"), ("nohup", "False 130")],
)
def test_a_hang_up_is_an_interrupt_unless_ignored_from_the_start(phase: str, said: str):
    done = subprocess.run([sys.executable, "-c", HANG_UP, phase], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, said), done.stderr
