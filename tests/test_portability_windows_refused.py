"""On native Windows ``import mvae_core`` (and so the ``mvae`` command) failed deep inside with "No module named
'fcntl'", which says nothing of what to do; docs/quickstart.md says to use WSL, and the import now says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

IMPORT_AS_ON_WINDOWS = "import sys; sys.platform = 'win32'; import mvae_core"


def test_importing_mvae_on_windows_says_to_use_wsl():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_AS_ON_WINDOWS], capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "ImportError: mvae does not run natively on Windows (it locks run folders and caches with POSIX flock): "
        "install and run it in WSL, the Windows Subsystem for Linux (docs/quickstart.md, Platforms)"
    )
