"""How long ``make demo`` takes from a fresh clone, and where the time goes.

Clones this checkout's committed ``HEAD`` into a temporary folder and runs ``make demo`` there with an empty parse
cache (``MVAE_CACHE_DIR`` inside the temporary folder), as a new user's first run would; pip's download cache is
this machine's (a cold one adds the downloads). Each output line is timestamped as it arrives, and the phases end at
these lines:

- **install**: the Makefile's venv and ``pip install``, until make echoes the ``mvae train`` command;
- **parse**: starting ``mvae train``, the first parse of ``corpus:essen``, the split and the model, until the
  trainer's ``train N examples`` header;
- **training**: the epochs, until ``done after``;
- **files**: ``mvae generate`` (MIDI and WAV), ``mvae plot`` and ``mvae map``, until make exits.

The target is a wall-clock time (README: under 5 minutes on 2 cores), so the machine's state matters: the script
prints the load average before and after and the epoch times the trainer reports. Ends with one JSON line.

    .venv/bin/python bench/demo_time.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_args import folder  # bench/bench_args.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
PHASE_ENDS = {
    "install": re.compile(r"/mvae train "),
    "parse": re.compile(r"^train [\d,]+ loops"),
    "training": re.compile(r"^done after \d+ epoch"),
}
"""Each phase but the last ends at the first line matching its pattern; ``files`` ends when make exits."""
EPOCH_SECONDS = re.compile(r"^epoch\s+\d+/\d+\s.*\s(\d+(?:\.\d+)?)s(?:  ~.+ left)?$")  # a log's time left after it


def phases(lines: list[tuple[float, str]], total: float) -> dict[str, float]:
    """Seconds per phase from ``(seconds since start, line)`` pairs and the total; raises ``ValueError`` naming the
    first phase whose end line never came (the demo failed or its output changed)."""
    ends, position = {}, 0
    for phase, pattern in PHASE_ENDS.items():
        position = next((i for i in range(position, len(lines)) if pattern.search(lines[i][1])), None)
        if position is None:
            raise ValueError(f"no line ends the {phase} phase (pattern {pattern.pattern!r})")
        ends[phase] = lines[position][0]
    ends["files"] = total
    starts = [0.0, *list(ends.values())[:-1]]
    return {phase: round(end - start, 1) for (phase, end), start in zip(ends.items(), starts, strict=True)}


def epoch_seconds(lines: list[tuple[float, str]]) -> list[float]:
    """The seconds the trainer printed at the end of each epoch line."""
    return [float(m.group(1)) for _, line in lines if (m := EPOCH_SECONDS.match(line))]


def run_demo(repo: Path) -> tuple[list[tuple[float, str]], float]:
    """``make demo`` in a fresh clone of ``repo`` with an empty parse cache: its timestamped output and total time."""
    with tempfile.TemporaryDirectory(prefix="mvae-demo-time-") as tmp:
        clone = Path(tmp) / "mvae"
        cloned = subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], capture_output=True, text=True)
        if cloned.returncode != 0:  # not a git checkout
            raise SystemExit(f"git clone {repo} failed: {cloned.stderr.strip()}")
        env = os.environ | {"MVAE_CACHE_DIR": str(Path(tmp) / "parse-cache"), "PYTHONUNBUFFERED": "1"}
        lines: list[tuple[float, str]] = []
        started = time.perf_counter()
        with subprocess.Popen(
            ["make", "demo"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as demo:
            for line in demo.stdout:
                lines.append((time.perf_counter() - started, line.rstrip("\n")))
        total = time.perf_counter() - started
        if demo.returncode != 0:
            tail = "\n".join(line for _, line in lines[-20:])
            raise SystemExit(f"make demo failed (exit {demo.returncode}):\n{tail}")
    return lines, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=folder, default=ROOT, help="the git checkout to clone (default: this one)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    print(
        f"make demo in a fresh clone of {args.repo}: the table comes when it ends (about 2 min on an idle 2-vCPU VM)",
        file=sys.stderr,
        flush=True,
    )
    lines, total = run_demo(args.repo)
    load_after = os.getloadavg()[0]
    split, epochs = phases(lines, total), epoch_seconds(lines)
    for phase, seconds in split.items():
        print(f"{phase:<10} {seconds:7.1f} s")
    print(f"{'total':<10} {total:7.1f} s  ({int(total // 60)} min {total % 60:.0f} s; target under 5 min)")
    listed = ", ".join(f"{s:.1f}" for s in epochs)
    print(f"epochs: {listed} s · 1-min load average before/after: {load_before:.2f}/{load_after:.2f}")
    record = {
        "benchmark": "demo_time",
        "total_s": round(total, 1),
        "phases_s": split,
        "epoch_s": epochs,
        "load_average_before_after": [load_before, load_after],
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
