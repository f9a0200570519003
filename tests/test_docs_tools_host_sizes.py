"""docs/tools.md gives the size of the two hosts an export needs no mvae for, in lines: within 3 % of the files' (it
said about 440 lines for examples/onnx_host.py after the file had grown to 457)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "host, sentence",
    [
        ("examples/onnx_host.py", r"`examples/onnx_host\.py` plays both formats in about (\d+) lines"),
        ("examples/onnx_host_js/onnx_host.mjs", r"an ES module of about (\d+) lines"),
    ],
)
def test_tools_md_gives_each_hosts_size(host, sentence):
    text = " ".join((ROOT / "docs" / "tools.md").read_text(encoding="utf-8").split())
    stated = re.search(sentence, text)
    assert stated, f"tools.md no longer says how long {host} is"
    lines = len((ROOT / host).read_text(encoding="utf-8").splitlines())
    assert abs(int(stated.group(1)) - lines) <= 0.03 * lines, f"{host} has {lines} lines; tools.md says {stated[1]}"
