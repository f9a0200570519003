"""``mvae export --onnx`` replaces no file in silence (helper-435 F3): a sidecar that would be a run's own file
(``RUN/split.onnx`` → ``RUN/split.json``) is refused whatever ``overwrite`` says, and a graph or sidecar already there
only with ``overwrite=True`` (``--overwrite``), as generate's loops."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.tools import ToolError


@pytest.mark.parametrize("name", ["split", "data_report"])
def test_a_runs_own_file_is_never_the_sidecar(tiny_run, tmp_path, name):
    pytest.importorskip("onnx")
    run = tmp_path / "rc"
    shutil.copytree(tiny_run, run)
    before = (run / f"{name}.json").read_bytes()
    result = CliRunner().invoke(app, ["export", str(run), "--onnx", str(run / f"{name}.onnx")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert (
        f"--onnx {run / name}.onnx would replace {run / name}.json, the run's own file, with its JSON sidecar" in said
    )
    assert f"choose another name, e.g. {run / 'decoder.onnx'}" in said
    with pytest.raises(ToolError, match="the run's own file"):
        mvae_core.load(run).export_onnx(run / f"{name}.onnx", overwrite=True)
    assert (run / f"{name}.json").read_bytes() == before and not (run / f"{name}.onnx").exists()


def test_a_file_already_there_needs_overwrite(tiny_run, tmp_path):
    pytest.importorskip("onnx")
    (tmp_path / "decoder.json").write_text('{"mine": 1}')
    target = tmp_path / "decoder.onnx"
    with pytest.raises(ToolError) as refused:
        mvae_core.load(tiny_run).export_onnx(target)
    assert str(refused.value) == (
        f"{tmp_path / 'decoder.json'} is already there: nothing was written; to keep it, give another path (a new "
        "file name); to replace it, pass overwrite=True"
    )
    assert refused.value.command_line_message().endswith("give another --onnx (a new file name); to replace it, add "
                                                         "--overwrite")  # fmt: skip
    assert (tmp_path / "decoder.json").read_text() == '{"mine": 1}' and not target.exists()
