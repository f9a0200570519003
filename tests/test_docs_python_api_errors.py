"""python_api.md's table of errors: the exit codes it gives ``RunInterrupted`` are those of every signal a training
stops on (it gave 130 and 143 after SIGHUP had joined them with 129)."""

from __future__ import annotations

import re
from pathlib import Path

from mvae_core.signals import HANDLED

PYTHON_API = Path(__file__).resolve().parents[1] / "docs" / "python_api.md"


def test_run_interrupted_row_gives_the_exit_code_of_every_handled_signal():
    row = next(line for line in PYTHON_API.read_text(encoding="utf-8").splitlines() if line.startswith("| `RunInter"))
    *_, when, codes, _ = row.split("|")
    documented = {int(code) for code in re.findall(r"\d+", codes)}
    assert documented == {128 + int(signum) for signum in HANDLED}, codes
    for signum in HANDLED:
        assert signum.name in when, f"the row does not name {signum.name}: {when}"
