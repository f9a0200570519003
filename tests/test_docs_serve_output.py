"""docs/live.md shows what ``mvae serve`` prints when it starts: the same lines, in the same order, as a real server
prints them (numbers, ports and the run's path aside, which depend on the run and the machine)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.interrupt import serving

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
    with serving(["serve", str(tiny_run), "--port", "0", "--osc-port", "0", "--osc-reply-port", "9001"]) as printed:
        pass
    documented = [shape(line, "runs/demo") for line in documented_start()]
    assert documented == [shape(line, str(tiny_run)) for line in printed]
