"""The ``mvae`` entry point: Ctrl-C while the command line is still being imported ends with one line, exit 130."""

from __future__ import annotations

import subprocess
import sys

# A process in which importing mvae_core.cli is interrupted, as Ctrl-C in the first tenths of a second would be.
INTERRUPTED_IMPORT = """
import importlib.abc, sys

class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "mvae_core.cli":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
from mvae_core.entry import main
main()
"""


def test_ctrl_c_while_the_command_line_loads_is_one_line_and_exit_130():
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "stopped: interrupted while mvae was starting; nothing was done\n"


def test_ctrl_c_before_a_command_handles_it_is_one_line_and_exit_130():
    """While typer builds the commands from their signatures, before any command's own handling."""
    script = (
        "import mvae_core.cli\n"
        "def interrupted():\n    raise KeyboardInterrupt\n"
        "mvae_core.cli.main = interrupted\n"
        "from mvae_core.entry import main\nmain()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (130, "stopped: interrupted\n")


def test_the_entry_point_runs_the_command_line():
    done = subprocess.run([sys.executable, "-c", "from mvae_core.entry import main; main()", "--help"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0 and "Usage" in done.stdout, done.stderr
