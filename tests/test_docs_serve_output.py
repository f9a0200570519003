"""docs/live.md shows what ``mvae serve`` prints when it starts: the same lines, in the same order, as a real server
prints them (numbers, ports and the run's path aside, which depend on the run and the machine)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.interrupt import DUMP_ON_ABORT, exit_code_or_stacks

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ".venv/bin/mvae serve runs/demo --osc-port 9000 --osc-reply-port 9001"


def shape(line: str, run: str) -> str:
    """``line`` with the run's path as RUN and every number as N."""
    return re.sub(r"\d+(\.\d+)?", "N", line.rstrip().replace(run, "RUN"))


def documented_start() -> list[str]:
    """The block right after the serve command's block in docs/live.md."""
    text = (ROOT / "docs" / "live.md").read_text(encoding="utf-8")
    after = text.split(f"```sh\n{COMMAND}\n```\n", 1)[1]
    block = re.match(r"\s*```\n(.*?)```", after, flags=re.S)
    assert block, "no output block after the serve command"
    return block.group(1).splitlines()


def test_live_md_shows_the_lines_mvae_serve_prints_as_it_starts(tiny_run):
    command = [sys.executable, "-m", "mvae_core.cli", "serve", str(tiny_run), "--port", "0"]
    command += ["--osc-port", "0", "--osc-reply-port", "9001"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **DUMP_ON_ABORT}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        printed: list[str] = []
        while not printed or printed[-1] != "Ctrl-C stops.":
            line = process.stdout.readline()
            assert line, f"the server ended: {process.stderr.read()}"
            printed.append(line.rstrip())
        process.send_signal(signal.SIGINT)
        assert exit_code_or_stacks(process, timeout=30) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    documented = [shape(line, "runs/demo") for line in documented_start()]
    assert documented == [shape(line, str(tiny_run)) for line in printed]
