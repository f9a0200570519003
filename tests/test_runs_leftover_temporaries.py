"""A run file's write killed midway (``kill -9`` or a power cut while the checkpoint is written) leaves its
temporary, hidden by a leading dot and up to the size of a checkpoint; nothing removed it, so a run killed now and
then over a week gathered them unseen. The next training of the run (a resume) removes them and says so."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.run_files import CHECKPOINT


def killed_while_writing(path):
    """Write ``path`` through atomic_write in a process that is killed (SIGKILL) halfway through the write."""
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from mvae_core.files import atomic_write

        def write(tmp):
            tmp.write_bytes(b"half a checkpoint" * 1000)
            os.kill(os.getpid(), signal.SIGKILL)

        atomic_write(Path({str(path)!r}), write)
    """)
    assert subprocess.run([sys.executable, "-c", script], timeout=60).returncode == -9


def test_a_resume_removes_the_temporaries_of_killed_writes_and_nothing_else(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    killed_while_writing(run / CHECKPOINT)
    (run / ".checkpoint.pt.bak").write_bytes(b"the user's")  # not a temporary of mvae's
    leftovers = [p.name for p in run.glob(".checkpoint.*.tmp.pt")]
    assert len(leftovers) == 1
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert f"removed 1 temporary file of {run} (< 0.1 MiB: {leftovers[0]}) that writes killed midway left" in said
    assert not list(run.glob(".checkpoint.*.tmp.pt")) and (run / ".checkpoint.pt.bak").exists()
