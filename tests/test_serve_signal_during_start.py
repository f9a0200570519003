"""Ctrl-C while ``mvae serve`` starts its HTTP thread: the server starts, stops and exits 130 with its ``stopped:``
line. A signal used to raise KeyboardInterrupt wherever it landed; inside ``Thread.start`` it left the HTTP thread
neither started nor joinable, and the command ended in a RuntimeError traceback (exit 1; seen at the 14th of a /tmp
script's Ctrl-Cs, timed at random after "Ctrl-C stops." on a heavily loaded machine)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.interrupt import DUMP_ON_ABORT, exit_code_or_stacks

SCRIPT = """
import os, signal, sys, threading
from mvae_core.cli import main
from mvae_core.serve.server import LiveServer
start = threading.Thread.start
def signalled_start(thread):
    if getattr(thread._target, "__self__", None).__class__.__module__ == "uvicorn.server":
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the HTTP thread is about to start
    start(thread)
threading.Thread.start = signalled_start
sys.argv = ["mvae", "serve", sys.argv[1], "--port", "0"]
main()
"""


def test_ctrl_c_as_the_http_thread_starts_stops_the_server_cleanly(tiny_run):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **DUMP_ON_ABORT}
    command = [sys.executable, "-c", SCRIPT, str(tiny_run)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        code = exit_code_or_stacks(process, timeout=60)
        stdout, stderr = process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in stderr
    assert code == 130, stderr
    assert stdout.rstrip().endswith("Ctrl-C stops.")  # it had started: ready, then stopped
    assert "stopped: the server at http://127.0.0.1:" in stderr and "stopped (SIGINT)" in stderr
