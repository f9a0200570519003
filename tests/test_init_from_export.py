"""``--init-from`` an ``mvae export`` file (``FILE.onnx`` or its ``FILE.json``): the refusal names the run it was
exported from, which its sidecar records, instead of 'neither a run folder nor a model file'; and an empty one (an
unset variable) is refused as empty."""

from __future__ import annotations

import json

import pytest

from mvae_core.errors import InputError
from mvae_core.starting_weights import read_starting_weights
from mvae_core.tools.export import run_source


@pytest.mark.parametrize("given", ["decoder.onnx", "decoder.json"])
def test_an_export_names_the_run_it_was_exported_from(tiny_run, tmp_path, given):
    (tmp_path / "decoder.onnx").write_bytes(b"onnx")  # the graph is never read: the sidecar names the run
    sidecar = {"format": "mvae-step-onnx/1", "source": run_source(tiny_run, {"epoch": "2"})}
    (tmp_path / "decoder.json").write_text(json.dumps(sidecar), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_starting_weights(tmp_path / given)
    said = "an export (mvae export: the decoder alone, for playing), not weights a run trains from; give the run it was"
    assert caught.value.command_line_message() == (
        f"--init-from {tmp_path / given}: {said} exported from: --init-from {tiny_run.resolve()}"
    )
    assert str(caught.value).endswith(f"exported from: init_from={str(tiny_run.resolve())!r}")


def test_another_file_is_still_neither_a_run_nor_a_model(tmp_path):
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="neither a run folder nor a model file"):
        read_starting_weights(tmp_path / "notes.json")


@pytest.mark.parametrize("given", ["", " "])
def test_an_empty_source_is_refused_not_read_as_the_working_folder(tmp_path, monkeypatch, given):
    """``--init-from "$RUN"`` with RUN unset: it read the working folder ('.'), and named a run found there."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        read_starting_weights(given)
    assert caught.value.command_line_message().startswith("--init-from is empty (an unset variable, as in --init-from")
    assert str(caught.value).startswith("init_from is empty; give a trained run's folder")
