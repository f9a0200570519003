"""quickstart.md's one-liner that reads ``metrics.jsonl``: run as shown on a real run, it numbers the epochs as the
console did (from 1), not as the file stores them (from 0): a newcomer compared its ``0`` and ``1`` with the console's
``epoch 1/2`` and ``epoch 2/2`` and could not tell which line was which."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from mvae_core.view import epoch_number

QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"


def one_liner() -> tuple[str, str]:
    """The Python code and the file argument of quickstart's ``python3 -c "…" runs/solos/metrics.jsonl`` line."""
    line = next(line for line in QUICKSTART.read_text(encoding="utf-8").splitlines() if line.startswith("python3 -c "))
    tokens = shlex.split(line)
    assert tokens[:2] == ["python3", "-c"] and tokens[3].endswith("metrics.jsonl"), line
    return tokens[2], tokens[3]


def test_the_metrics_one_liner_numbers_the_epochs_as_the_console_does(tiny_run):
    code, _ = one_liner()
    metrics = tiny_run / "metrics.jsonl"
    printed = subprocess.run(
        [sys.executable, "-c", code, str(metrics)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    records = [json.loads(line) for line in metrics.read_text(encoding="utf-8").splitlines()]
    assert len(printed) == len(records) == 3, printed
    assert [int(line.split()[0]) for line in printed] == [epoch_number(r["epoch"]) for r in records]
    assert [float(line.split()[1]) for line in printed] == [r["val_elbo"] for r in records]


def test_quickstart_says_the_file_counts_epochs_from_0():
    text = " ".join(QUICKSTART.read_text(encoding="utf-8").split())
    assert re.search(r"`epoch` \(from 0 in the file", text), "quickstart lists the fields without saying so"


def test_quickstart_says_what_au_counts_with_the_threshold_the_code_uses():
    from mvae_core.metrics import ACTIVE_UNIT_THRESHOLD

    text = " ".join(QUICKSTART.read_text(encoding="utf-8").split())
    row = re.search(r"\| `au` \| (.*?) \|\n?", text).group(1)
    assert f"(variance over {ACTIVE_UNIT_THRESHOLD:g})" in row and "`au 0`" in row, row
