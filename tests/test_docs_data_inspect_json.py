"""docs/data.md lists the keys of ``mvae data inspect --json``: the summary's, in the order the command prints them,
and every key of a file's entry (the list had lost ``seconds``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app

DATA_MD = Path(__file__).resolve().parents[1] / "docs" / "data.md"


def json_section() -> str:
    """data.md's paragraphs on ``--json``, from the one that shows its shape to the end of the entry's list."""
    text = " ".join(DATA_MD.read_text(encoding="utf-8").split())
    start = text.index('`--json` prints `{"summary": {...}, "files": [...]}`')
    return text[start : text.index("NaN is written as `null`", start)]


def test_data_md_names_every_key_of_data_inspect_json(synth_dir):
    result = CliRunner().invoke(app, ["data", "inspect", str(synth_dir), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    section = json_section()
    listed = re.search(r"`summary` has the numbers above \((.*?)\)\. `files`", section)
    assert listed, "data.md: '`summary` has the numbers above (...). `files` ...'"
    top_level = re.sub(r"\([^()]*\)", "", listed.group(1))  # loops_per_source's own keys, in parentheses, aside
    assert re.findall(r"`([\w.]+)`", top_level) == list(printed["summary"])
    entry_keys = {key for entry in printed["files"] for key in entry}
    missing = sorted(key for key in entry_keys if f"`{key}`" not in section)
    assert not missing, f"data.md's --json section does not name the entry keys {missing}"
