"""A metric path with no number there is named as the caller gave it: ``mvae_core.plot(..., metrics=["nope"])`` said
``--metric nope: …``, the command line's option, to a Python caller; the command line still says ``--metric nope``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mvae_core
from mvae_core.tools import ToolError

pytest.importorskip("matplotlib")

RECORD = {"epoch": 0, "val_elbo": 3.0, "train": {"kl": 1.0}, "val": {"kl": 1.0}, "lr": 1e-3}


@pytest.mark.parametrize(("path", "file"), [("nope", "metrics.jsonl"), ("steps.train.kl", "steps.jsonl")])
def test_an_unknown_metric_names_the_metrics_entry_in_python_and_the_option_on_the_command_line(
    tmp_path: Path, path: str, file: str
):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "metrics.jsonl").write_text(json.dumps(RECORD) + "\n")
    with pytest.raises(ToolError) as refused:
        mvae_core.plot(tmp_path / "run", tmp_path / "c.png", metrics=[path])
    python, command_line = str(refused.value), refused.value.command_line_message()
    assert python.startswith(f"metrics entry {path!r}: no number there in {file}; ")
    assert command_line == f"--metric {path}: {python.removeprefix(f'metrics entry {path!r}: ')}"
    assert not (tmp_path / "c.png").exists()
