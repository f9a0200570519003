"""A config file or --set value built to hurt: a link to /dev/zero was read until a MemoryError traceback, and arrays
nested 5,000 deep (in a file or in --set) ended in tomllib's RecursionError traceback. Each is now a ConfigError
(exit 2) naming the file or value."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from mvae_core.checkpoint import _shown
from mvae_core.cli import app
from mvae_core.config import ConfigError, build_config, read_toml
from mvae_core.errors import shortened

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero (a POSIX system)")
def test_a_config_that_is_a_device_is_not_read(tmp_path):
    (tmp_path / "config.toml").symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match=r"^cannot read config file .*config.toml: not a regular file \(a character"):
        read_toml(tmp_path / "config.toml")


def test_nesting_deeper_than_python_parses_is_a_config_error(tmp_path, synth_dir):
    (tmp_path / "deep.toml").write_text(f"[data]\nmelody = {DEEP}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"deep.toml is not valid TOML: arrays or tables nested deeper than mvae"):
        read_toml(tmp_path / "deep.toml")
    with pytest.raises(ConfigError, match=r"^the value \[\[\[\[.*… is nested deeper than mvae reads$"):
        build_config(None, [f"data.melody={DEEP}"])
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--set", f"data.melody={DEEP}", "--out",
                                      str(tmp_path / "run")])  # fmt: skip
    assert result.exit_code == 2 and "nested deeper than mvae reads" in result.stderr
    assert "Traceback" not in result.output


def test_a_huge_value_is_shown_cut_in_its_error():
    """A 5 MB string setting gave a 5 MB error line."""
    with pytest.raises(ConfigError) as refused:
        build_config(None, ["train.device=" + "x" * 5_000_000])
    assert str(refused.value).startswith("train.device = 'xxxx") and len(str(refused.value)) < 400


def test_values_in_messages_are_cut_by_one_rule():
    """The config's and the checkpoint's messages cut a long value alike (the checkpoint's was cut without a mark)."""
    assert shortened("x" * 41) == "x" * 39 + "…" and shortened("x" * 40) == "x" * 40
    assert _shown("y" * 100) == "the str " + shortened(repr("y" * 100))
    with pytest.raises(ConfigError) as refused:
        build_config(None, ["train.device=" + "x" * 200])
    assert shortened(repr("x" * 200), 80) in str(refused.value)
