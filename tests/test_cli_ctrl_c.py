"""Ctrl-C that escapes a command (no handler of its own around that moment) ends it with one ``stopped:`` line on
stderr and exit 130; typer alone ends it with exit 130 and not a word."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mvae_core import plugin_catalog
from mvae_core.cli import app


def test_ctrl_c_escaping_a_command_is_one_line_and_exit_130(monkeypatch):
    def interrupted() -> list:
        raise KeyboardInterrupt

    monkeypatch.setattr(plugin_catalog, "catalog", interrupted)
    result = CliRunner().invoke(app, ["plugins"])
    assert (result.exit_code, result.output) == (130, "stopped: interrupted\n")


# A command busy in code of its own that handles no Ctrl-C, interrupted by a real SIGINT from outside.
BUSY = """
import sys, time
from mvae_core import plugin_catalog
def busy():
    print("busy", flush=True)
    time.sleep(60)
plugin_catalog.catalog = busy
from mvae_core.entry import main
sys.argv = ["mvae", "plugins"]
main()
"""


@pytest.mark.parametrize(
    ("signum", "said"),
    [(signal.SIGINT, "stopped: interrupted\n"), (signal.SIGTERM, "stopped: terminated (SIGTERM)\n")],
    ids=["sigint", "sigterm"],
)
def test_a_signal_during_a_command_is_one_line_and_its_exit_code(signum, said):
    """SIGTERM (a service manager, a job scheduler) ended a command that handles none with exit 143 and not a word."""
    proc = subprocess.Popen([sys.executable, "-c", BUSY], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "busy\n"  # it is inside the command's busy code
        os.kill(proc.pid, signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert (proc.returncode, stderr) == (128 + signum, said)


# SIGTERM while mvae starts: before the command line is imported.
STARTING = """
import builtins, sys, time
real_import = builtins.__import__
def slow_import(name, *args, **kwargs):
    if name == "mvae_core.cli":
        print("importing", flush=True)
        time.sleep(60)
    return real_import(name, *args, **kwargs)
builtins.__import__ = slow_import
from mvae_core.entry import main
sys.argv = ["mvae", "plugins"]
main()
"""


def test_a_sigterm_while_mvae_starts_is_one_line_and_exit_143():
    proc = subprocess.Popen([sys.executable, "-c", STARTING], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "importing\n"
        os.kill(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert (proc.returncode, stderr) == (
        143,
        "stopped: terminated (SIGTERM) while mvae was starting; nothing was done\n",
    )
