"""docs/scaling.md's check that no Ray process is left after `ray stop` or after ending a node's processes by hand.
It was `ps -eo pid,args | grep -E 'raylet|gcs_server'`, which always printed one line and exited 0 (its own `grep`,
whose arguments hold both names); with `[r]aylet|[g]cs_server` the pattern does not match its own text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = re.compile(r"`ps -eo pid,args \| grep -E '([^']+)'`")


def test_the_check_finds_ray_processes_and_not_itself():
    text = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    (pattern,) = CHECK.findall(text)
    grep = shutil.which("grep")
    if grep is None:
        pytest.skip("grep is not installed")
    ps = [  # as `ps -eo pid,args` lists them: the shell's quotes are gone from the grep's own line
        f" 8527 grep -E {pattern}",
        " 4153 /venv/lib/python3.11/site-packages/ray/core/src/ray/raylet/raylet --raylet_socket_name=/tmp/ray/s",
        " 4102 /venv/lib/python3.11/site-packages/ray/core/src/ray/gcs/gcs_server --log_dir=/tmp/ray/session/logs",
        " 4200 python -m mvae_core.cli train midi --out runs/solos",
    ]
    found = subprocess.run([grep, "-E", pattern], input="\n".join(ps) + "\n", capture_output=True, text=True)
    assert found.stdout.splitlines() == ps[1:3], found.stdout
    alone = subprocess.run([grep, "-E", pattern], input=ps[0] + "\n", capture_output=True, text=True)
    assert alone.returncode == 1 and alone.stdout == "", "the check finds its own grep"
