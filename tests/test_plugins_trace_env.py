"""``MVAE_TRACE_PLUGINS`` takes the usual words (1/true/yes/on, 0/false/no/off, any case) and refuses any other value
by name. Before, only ``1`` traced: ``true`` or ``yes`` were silently no trace."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.errors import InputError
from mvae_core.host import PluginHost


@pytest.mark.parametrize(("value", "traced"), [("1", True), ("true", True), (" Yes ", True), ("ON", True),
                                               ("0", False), ("false", False), ("no", False), ("", False)])  # fmt: skip
def test_the_usual_words_switch_the_trace(monkeypatch, value: str, traced: bool) -> None:
    monkeypatch.setenv("MVAE_TRACE_PLUGINS", value)
    assert (PluginHost({})._trace is not None) is traced


def test_another_value_is_refused_by_name(monkeypatch, synth_dir: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("MVAE_TRACE_PLUGINS", "verbose")
    with pytest.raises(InputError, match=r"^MVAE_TRACE_PLUGINS='verbose': set it to 1, true, yes, on to print"):
        PluginHost({})
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "1", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: MVAE_TRACE_PLUGINS='verbose': ") and "Traceback" not in result.output
