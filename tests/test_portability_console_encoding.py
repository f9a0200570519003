"""The command line prints on a console whose encoding lacks mvae's glyphs or a file's name: Windows' cp1252 when
output is redirected to a file or a pipe, an ASCII locale (``LANG=C`` with ``PYTHONUTF8=0``). Each character it
cannot encode is spelled (``->``, an escape, the undecoded byte), never a :class:`UnicodeEncodeError` traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.console_text import UNENCODABLE


def test_help_prints_on_a_cp1252_stream():
    """``mvae --help`` says "configuration × seed": cp1252 has ×, ASCII has not."""
    for charset, times in (("cp1252", "×"), ("ascii", "x")):
        result = CliRunner(charset=charset).invoke(app, ["--help"])
        assert result.exit_code == 0, repr(result.exception)
        assert f"configuration {times} seed" in " ".join(result.output.split())


def test_plugins_spell_an_arrow_on_a_cp1252_stream():
    """``mvae plugins`` describes a schedule as ``linear 0 → 1``; cp1252 has no arrow."""
    result = CliRunner(charset="cp1252").invoke(app, ["plugins"])
    assert result.exit_code == 0, repr(result.exception)
    assert "0 -> 1" in result.output


def test_generate_names_a_japanese_file_on_a_cp1252_stream(tiny_run: Path, tmp_path: Path):
    out = tmp_path / "日本.mid"
    result = CliRunner(charset="cp1252").invoke(app, ["generate", str(tiny_run), "--z", "0,0", "--out", str(out)])
    assert result.exit_code == 0, repr(result.exception)
    assert out.is_file()
    assert "\\u65e5\\u672c.mid" in result.output


def test_an_undecoded_file_name_byte_is_written_back_as_that_byte():
    """Under an ASCII locale Python decodes a name's bytes to surrogates (``surrogateescape``); they print as the
    bytes they were, so the terminal shows the name as ``ls`` does."""
    name = "Café".encode().decode("ascii", "surrogateescape")
    assert f"{name} → x".encode("ascii", UNENCODABLE) == "Café".encode() + b" -> x"
