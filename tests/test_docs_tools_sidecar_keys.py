"""docs/tools.md, mvae export: the list of what every sidecar holds names each top-level key the sidecar of either
built-in model has (it had lost ``onnx``, ``opset`` and ``steps_per_bar``), and the ``tokens`` entry of a
``melody_rnn`` export is described with every key it has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mvae_core.config import build_config
from mvae_core.models import build_model
from mvae_core.tools.export import describe
from tests.training import TINY

TOOLS_MD = Path(__file__).resolve().parents[1] / "docs" / "tools.md"


def flat_text() -> str:
    return " ".join(TOOLS_MD.read_text(encoding="utf-8").split())


def sidecar(name: str) -> dict:
    cfg = build_config(None, [*TINY, f'model.name="{name}"'], {})
    return describe(cfg, build_model(cfg).onnx_graph(cfg), "decoder.onnx", {"run": "RUN"})


@pytest.mark.parametrize("name", ["melody_rnn", "seed"])
def test_tools_md_lists_every_key_of_the_sidecar(name):
    text = flat_text()
    listed = text[text.index("Every sidecar holds:") : text.index("To sample an offset like `generate`")]
    named = set(re.findall(r"`([a-z_]+)`", listed))
    own = {"tokens"} if name == "melody_rnn" else set()  # the model's own entry, described in its section
    assert set(sidecar(name)) - own <= named


def test_tools_md_describes_every_key_of_the_tokens_entry():
    text = flat_text()
    described = re.search(r"The sidecar's `tokens` entry gives (.*?)\. Its `decode` lines", text)
    assert described
    assert set(sidecar("melody_rnn")["tokens"]) <= set(re.findall(r"`([a-z_]+)`", described.group(1)))
