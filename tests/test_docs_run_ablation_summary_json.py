"""docs/ablation.md's ``python -c`` over ``summary.json`` (one command on two lines: the paired differences of
best_val_elbo against ``all``) runs as shown on a tiny ablation's folder, placed where the page puts it
(``runs/ablation-solos``), and prints one line per other configuration: its name and the difference's mean and 95 %
interval as summary.json holds them. No test ran it before, so a renamed key of summary.json would have broken it
unseen."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.test_docs_commands import shell_blocks

PAGE = Path(__file__).resolve().parents[1] / "docs" / "ablation.md"
FOLDER = "runs/ablation-solos"
"""Where the page's command reads the ablation from, relative to the folder it runs in."""


def summary_json_command() -> list[str]:
    """The words of the page's one shell block that runs ``python -c`` on ``summary.json``, as a shell splits them."""
    found = [
        block
        for block in shell_blocks(PAGE.read_text(encoding="utf-8"))
        if block.startswith("python -c ") and "summary.json" in block
    ]
    assert len(found) == 1, f"docs/ablation.md shows {len(found)} python -c blocks over summary.json"
    words = shlex.split(found[0])
    assert words[:2] == ["python", "-c"] and len(words) == 3, words
    return words


def test_the_summary_json_one_liner_prints_each_paired_difference_as_the_file_holds_it(tiny_ablation, tmp_path):
    out, _, result = tiny_ablation
    assert result.exit_code == 0, result.output
    _, flag, code = summary_json_command()
    assert f"open('{FOLDER}/summary.json')" in code  # the page's folder: the copy below sits there
    shutil.copytree(out, tmp_path / FOLDER, ignore=shutil.ignore_patterns("runs", "logs"))
    done = subprocess.run(
        [sys.executable, flag, code], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    numbers = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    expected = [
        (e["config"], *(e["metrics"]["best_val_elbo"][key] for key in ("mean", "low", "high")))
        for e in numbers["paired"]["all"]
    ]
    printed = [line.split() for line in done.stdout.splitlines()]
    assert [config for config, *_ in expected] == ["none"]  # the tiny ablation's one configuration besides all
    assert [(config, *map(float, values)) for config, *values in printed] == expected, done.stdout
