"""Config files as Windows editors save them: UTF-16 ("Unicode" in Notepad) was a UnicodeDecodeError traceback, and
UTF-8 with a byte-order mark was "not valid TOML: Invalid statement (at line 1, column 1)"."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import build_config


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    config = tmp_path / "c.toml"
    config.write_bytes(b"\xef\xbb\xbf[train]\nepochs = 3\n")
    assert build_config(config).train.epochs == 3


def test_a_utf16_file_exits_2_saying_to_save_it_as_utf8(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[train]\nepochs = 3\n", encoding="utf-16")
    result = CliRunner().invoke(app, ["train", str(tmp_path), "--config", str(config), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: config file {config} is not UTF-8 text (byte 0 is 0xff); TOML files are UTF-8: save it with that "
        "encoding\n"
    )
