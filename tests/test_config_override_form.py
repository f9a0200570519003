"""A malformed override names the argument its caller gave: ``overrides`` to a Python caller of
``mvae_core.train``, ``--set`` on the command line. Before, both read ``--set expects dotted.key=value``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import ConfigError


def test_a_python_caller_reads_overrides(tmp_path):
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(str(tmp_path), tmp_path / "run", overrides=["oops"], progress=False)
    assert str(refused.value) == "overrides expects dotted.key=value, got 'oops'"
    assert refused.value.command_line_message() == "--set expects dotted.key=value, got 'oops'"


def test_the_command_line_reads_set(tmp_path):
    result = CliRunner().invoke(app, ["train", str(tmp_path), "--set", "oops", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2 and "--set expects dotted.key=value, got 'oops'" in result.stderr
