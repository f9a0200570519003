"""What mvae prints of a user's own text (a path, an option's value) reads as the user wrote it: rich turns neither
``:name:`` into an emoji nor ``[word]`` into markup."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.cli_output import fail, out, warn


def test_the_consoles_print_no_emoji(capsys):
    fail("--address localhost:abc cannot join")
    warn("/data/:smile:/x.mid skipped")
    out.print("/runs/:thumbs_up:/run")
    captured = capsys.readouterr()
    assert "localhost:abc cannot join" in captured.err and "/data/:smile:/x.mid" in captured.err
    assert "/runs/:thumbs_up:/run" in captured.out


def test_a_missing_path_with_colons_and_brackets_is_named_as_given(tmp_path):
    run = tmp_path / ":abc:[bold]" / "run"
    result = CliRunner().invoke(app, ["generate", str(run), "--random", "1", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert str(run) in " ".join(result.output.split()), result.output


def test_mvae_plugins_prints_a_plugin_name_with_brackets_as_it_is(monkeypatch):
    """An entry point's name is the package author's text: ``l2[z]`` is a name, not rich markup."""
    from mvae_core import plugin_catalog

    entry = {"name": "l2[z]", "version": "1.0", "origin": "package mvae-l2[z]", "description": "d", "hooks": [],
             "error": None, "config": []}  # fmt: skip
    monkeypatch.setattr(plugin_catalog, "catalog", lambda: [entry])
    result = CliRunner().invoke(app, ["plugins"])
    assert result.exit_code == 0, result.output
    assert "│ l2[z]" in result.output and "package mvae-l2[z]" in result.output and "\nl2[z]\n" in result.output
