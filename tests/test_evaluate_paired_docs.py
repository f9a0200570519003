"""The comparison docs/evaluation.md shows (Comparing two runs on the same data) is what ``mvae evaluate --against``
prints: its header, its rows in their order under their groups, and the line that explains them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from mvae_core import cli_output
from mvae_core.cli import app

PAGE = Path(__file__).resolve().parents[1] / "docs" / "evaluation.md"


def shown_comparison() -> list[str]:
    """The lines of evaluation.md's text block that shows a comparison (the one holding ``paired interval``)."""
    blocks = re.findall(r"^```text\n(.*?)^```", PAGE.read_text(encoding="utf-8"), flags=re.S | re.M)
    (block,) = [block for block in blocks if "paired interval" in block]
    return block.splitlines()


def table_words(lines: list[str]) -> tuple[list[str], list[str], str]:
    """The header's words, the first word of each row (groups and numbers) and the explanation after the table,
    whitespace joined."""
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["number"])
    end = next(i for i, line in enumerate(lines) if line.startswith("A − B [low, high]"))
    rows = [line.split()[0] for line in lines[start + 2 : end] if line.strip()]
    return lines[start].split(), rows, " ".join(" ".join(lines[end:]).split())


def test_the_comparison_evaluation_md_shows_is_the_one_the_command_prints(
    tiny_run: Path, synth_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(cli_output.out, "width", 100)
    other = tmp_path / "other"
    shutil.copytree(tiny_run, other)
    args = ["evaluate", str(tiny_run), str(synth_dir), "--against", str(other), "--samples", "8"]
    printed = CliRunner().invoke(app, [*args, "--resamples", "1000"])
    assert printed.exit_code == 0, printed.output
    shown = shown_comparison()
    assert max(map(len, shown)) <= 100
    assert table_words(shown) == table_words(printed.stdout.splitlines())
