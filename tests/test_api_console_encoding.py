"""mvae_core.train(progress=True) prints on a stdout whose encoding lacks mvae's glyphs (Windows' cp1252 when a
script's output is redirected, ``PYTHONIOENCODING=ascii``): the arrow of the last line ended the call with a
UnicodeEncodeError after the run was saved. The library spells them without changing the caller's stream."""

from __future__ import annotations

import io
import sys

import pytest

import mvae_core
from mvae_core.console_text import SpelledStdout
from tests.training import TINY


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_training_prints_on_a_narrow_stdout(synth_dir, tmp_path, monkeypatch: pytest.MonkeyPatch, encoding):
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding=encoding, write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, plugins=[], progress=True)
    said = raw.getvalue().decode(encoding)
    assert result.outcome == "trained"
    assert f"(model.safetensors, the model generate uses) -> {tmp_path / 'run'}" in said
    assert stdout.errors == "strict"  # the caller's stream is as it was


def test_text_goes_to_stdout_as_it_is_at_each_write(monkeypatch: pytest.MonkeyPatch):
    """A file name's undecoded bytes (an ASCII locale) go out as those bytes; a later capture sees later writes."""
    first, second = io.BytesIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(first, encoding="ascii", write_through=True))
    spelled = SpelledStdout()
    name = "Café".encode().decode("ascii", "surrogateescape")
    spelled.write(f"{name} → 日")
    monkeypatch.setattr(sys, "stdout", second)
    spelled.write("→ 日")
    assert (first.getvalue(), second.getvalue()) == ("Café".encode() + b" -> \\u65e5", "→ 日")
