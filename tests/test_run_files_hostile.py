"""A run's own files are read with a bound and a guard: a link to /dev/zero in place of split.json, metrics.jsonl,
failure.json or data_report.json filled memory until a MemoryError traceback (`mvae train --resume`, `evaluate`,
`serve`), JSON nested 100,000 deep gave a RecursionError traceback, and a folder in the model file's place was
reported as missing."""

from __future__ import annotations

import os
import shutil

import pytest

from mvae_core.checkpoint import CheckpointError
from mvae_core.run import RunDir
from mvae_core.run_files import DATA_REPORT, FAILURE, METRICS, SPLIT
from mvae_core.run_metrics import RunFileNotRegular
from mvae_core.run_weights import saved_epoch

DEEP = "[" * 100_000 + "]" * 100_000

needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero (a POSIX system)")


@needs_dev_zero
def test_a_link_to_dev_zero_is_not_read(tmp_path):
    run = RunDir(tmp_path)
    for name in (SPLIT, METRICS, FAILURE, DATA_REPORT):
        (tmp_path / name).symlink_to("/dev/zero")
    assert run.split_damaged() == "not a regular file (a character device)"
    with pytest.raises(RunFileNotRegular, match=r"not a regular file \(a character device\)"):
        run.read_metrics()  # refused, not read as no line (tests/test_run_files_not_regular.py)
    assert run.read_failure() == {}  # a failure that cannot be read, as for any damaged failure.json
    assert run._train_music({"a.mid"}) == set()


def test_json_nested_deeper_than_python_parses_reads_as_damaged(tmp_path):
    run = RunDir(tmp_path)
    for name in (SPLIT, FAILURE, DATA_REPORT):
        (tmp_path / name).write_text(DEEP, encoding="utf-8")
    (tmp_path / METRICS).write_text(DEEP + '\n{"epoch": 0, "val_elbo": 3.0}\n', encoding="utf-8")
    assert run.split_damaged() == "its JSON is nested deeper than mvae reads"
    assert run.read_metrics() == [{"epoch": 0, "val_elbo": 3.0}]  # the deep line is skipped like a torn one
    assert run.read_failure() == {}
    assert run._train_music({"a.mid"}) == set()


def test_a_folder_in_the_model_files_place_is_named_as_one(tiny_run, tmp_path):
    run = RunDir(shutil.copytree(tiny_run, tmp_path / "run"))
    (run.path / "model.safetensors").unlink()
    (run.path / "model.safetensors").mkdir()
    with pytest.raises(CheckpointError, match=r"model.safetensors is a folder, not a model file"):
        run.load_best()


@pytest.mark.parametrize("metadata", [{"epoch": "-7", "val_elbo": "1.5"}, {"epoch": "2", "val_elbo": "nan"},
                                      {"epoch": "2", "val_elbo": "-inf"}])  # fmt: skip
def test_a_model_files_record_mvae_never_writes_is_no_record(metadata):
    """`mvae serve` printed "-6 of 2 trained (val_elbo -inf …)" from such a file."""
    assert saved_epoch(metadata) is None
    assert saved_epoch({"epoch": "2", "val_elbo": "1.5"}) == (3, 1.5)


@pytest.mark.parametrize(
    ("part", "value", "said"),
    [
        ("torch_rng", "three bytes", "its random state cannot be used"),
        ("optimizer", {"state": {0: 5}, "param_groups": [3]}, "its optimizer state cannot be used"),
    ],
)
def test_checkpoint_contents_no_trainer_writes_are_refused_naming_the_file(tiny_run, tmp_path, part, value, said):
    """Contents of the right types at the top level but not what a trainer writes ended in a bare torch error (a
    RuntimeError for a 3-byte random state, a TypeError for param_groups [3]) in the middle of a resume."""
    import torch

    import mvae_core

    run = shutil.copytree(tiny_run, tmp_path / "run")
    payload = torch.load(run / "checkpoint.pt", weights_only=True)
    payload[part] = torch.tensor([1, 2, 3], dtype=torch.uint8) if value == "three bytes" else value
    torch.save(payload, run / "checkpoint.pt")
    with pytest.raises(CheckpointError, match=rf"checkpoint.pt: {said} \(.+\); the run cannot be resumed from it"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
