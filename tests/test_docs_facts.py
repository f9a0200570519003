"""Facts the docs state once and the code holds as constants: the docs name them as the code has them."""

from __future__ import annotations

import re
from pathlib import Path

from mvae_core.data.sources import READ_SUFFIXES

ROOT = Path(__file__).resolve().parents[1]


def flat(name: str) -> str:
    """A doc's text with its line breaks as spaces (sentences are wrapped)."""
    return " ".join((ROOT / name).read_text(encoding="utf-8").split())


def test_cli_md_names_every_suffix_a_folder_search_and_encode_read():
    text = flat("docs/cli.md")
    searched = re.search(r"folders \(searched recursively for ([^:]*):", text)
    encoded = re.search(r"a path that is not a (.*?) file,", text)
    assert searched and encoded
    for sentence in (searched.group(1), encoded.group(1)):
        assert re.findall(r"`(\.[a-z]+)`", sentence) == list(READ_SUFFIXES), sentence


def test_data_md_quotes_what_data_inspect_prints_for_a_folder_without_midi(tmp_path):
    from typer.testing import CliRunner

    from mvae_core.cli import app

    (tmp_path / "My Set.als").write_bytes(b"\x1f\x8b not midi")
    result = CliRunner().invoke(app, ["data", "inspect", str(tmp_path)])
    assert result.exit_code == 0, result.output
    row = re.search(r"│ sources\s+│ (.*?)\s+│", result.stdout)
    assert row, result.stdout
    assert f"`{row.group(1)}`" in flat("docs/data.md")


def test_data_md_explains_every_row_of_the_data_table():
    """The row labels of report.print_summary (read from its source: each add_row's first argument)."""
    import inspect

    from mvae_core import report

    labels = set(re.findall(r'add_row\(\s*"([^"]+)"', inspect.getsource(report.print_summary)))
    assert len(labels) > 10
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    explained = set(re.findall(r"^\| ([^|`]+?) \|", text, flags=re.M))
    assert labels <= explained, sorted(labels - explained)


def test_live_md_names_every_suffix_the_page_takes():
    """The page takes what /api/info's midi_suffixes lists: READ_SUFFIXES."""
    dropped = re.search(r"\*\*MIDI in\.\*\* Drop a MIDI file \(([^)]*)\)", flat("docs/live.md"))
    assert dropped
    assert re.findall(r"`(\.[a-z]+)`", dropped.group(1)) == list(READ_SUFFIXES)


def test_data_md_gives_the_parse_cache_format_version():
    from mvae_core.data.cache import FORMAT_VERSION

    assert f"(`FORMAT_VERSION = {FORMAT_VERSION}`)" in flat("docs/data.md")


def test_tools_md_names_every_suffix_encode_reads():
    named = re.search(r"A file that is not MIDI \(([^)]*)\)", flat("docs/tools.md"))
    assert named
    assert re.findall(r"`(\.[a-z]+)`", named.group(1)) == list(READ_SUFFIXES)
