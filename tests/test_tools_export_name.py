"""An export's file name that does not end in .onnx is refused naming what its caller gave: the path to
``Run.export_onnx``, ``--onnx PATH`` on the command line. Before, a Python caller read ``--onnx``."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.tools import ToolError


def test_a_python_caller_reads_the_path_it_gave(tiny_run, tmp_path):
    pytest.importorskip("onnx")
    target = tmp_path / "decoder.bin"
    with pytest.raises(ToolError) as refused:
        mvae_core.load(tiny_run).export_onnx(target)
    assert str(refused.value) == f"{target}: the file name must end in .onnx, e.g. decoder.onnx"
    assert (
        refused.value.command_line_message() == f"--onnx {target}: the file name must end in .onnx, e.g. decoder.onnx"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("name", "suggested"),
    [(".onnx", "e.g. decoder.onnx"), ("out", "a folder; give the file to write in it, e.g. {folder}/decoder.onnx")],
)
def test_a_folder_or_a_bare_suffix_is_refused_with_a_file_name_that_would_do(tiny_run, tmp_path, name, suggested):
    """``--onnx exp/.onnx`` suggested ``.onnx.onnx``, and ``--onnx exp`` (a folder) ``exp.onnx`` beside it."""
    pytest.importorskip("onnx")
    target = tmp_path / name
    if name == "out":
        target.mkdir()
    with pytest.raises(ToolError) as refused:
        mvae_core.load(tiny_run).export_onnx(target)
    assert refused.value.command_line_message().endswith(suggested.format(folder=target))
    assert sorted(tmp_path.iterdir()) == ([target] if name == "out" else [])
