"""Hostile or damaged checkpoint.pt and model.safetensors files beyond a pickle exploit (tests/test_checkpoint.py):
each is refused with a CheckpointError naming the file and what to do, without unpacking gigabytes, converting
numbers in silence or a bare TypeError deep in a resume."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from mvae_core.checkpoint import CheckpointError, load_checkpoint, load_model_file, load_weights, model_metadata
from mvae_core.run import RunDir

UNUSABLE = "the run cannot be resumed from it"


def saved(payload: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def plain_payload(**changes: object) -> dict:
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.Adam(model.parameters())
    payload = {
        "epoch": 0,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "best_val_elbo": 3.5,
    }
    return {**payload, **changes}


def test_a_checkpoint_with_a_compressed_entry_is_refused_before_it_is_unpacked(tmp_path):
    """torch.load unpacked a deflated entry whole before checking its size: 500 KB became 512 MB of memory."""
    plain = zipfile.ZipFile(io.BytesIO(saved(plain_payload())))
    path = tmp_path / "checkpoint.pt"
    with zipfile.ZipFile(path, "w") as bomb:
        for info in plain.infolist():
            if info.filename.endswith("/data/0"):
                bomb.writestr(info.filename, bytes(64 * 1024 * 1024), compress_type=zipfile.ZIP_DEFLATED)
            else:
                bomb.writestr(info, plain.read(info.filename))
    assert path.stat().st_size < 200_000
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path)
    assert str(refused.value).startswith(f"{path} holds a compressed entry (archive/data/0: ")
    assert "that unpack to 67,108,864), which torch.save never writes; refusing to unpack it; " + UNUSABLE in str(
        refused.value
    )


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("epoch", "three", "its epoch is the str 'three', not a whole number from -1 to 999,999"),
        ("epoch", -5, "its epoch is the int -5, not a whole number from -1 to 999,999"),
        ("epoch", True, "its epoch is the bool True, not a whole number from -1 to 999,999"),
        (
            "epoch",
            10**30,
            "its epoch is the int 1000000000000000000000000000000, not a whole number from -1 to 999,999",
        ),
        ("best_val_elbo", "low", "its best_val_elbo is the str 'low', not a number"),
        ("torch_rng", torch.zeros(3), "its torch_rng is a tensor of float32, not a random state (bytes)"),
        ("optimizer", {"state": 3, "param_groups": "x"}, "its optimizer is a dict, not an optimizer's state"),
        ("model", "weights", "its model is the str 'weights', not a table of tensors"),
    ],
)
def test_a_checkpoint_value_of_another_type_than_the_trainer_writes_is_named(tmp_path, key, value, said):
    """Each of these raised a bare ValueError or TypeError (with a traceback) in the middle of mvae train --resume."""
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(saved(plain_payload(**{key: value})))
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path)
    assert str(refused.value).startswith(f"{path}: {said}")
    assert str(refused.value).endswith(UNUSABLE + ": restore the file from a backup, or start a new run "
                                       "(model.safetensors, the best model, is a separate file)")  # fmt: skip


def test_a_checkpoint_the_trainer_writes_still_loads(tmp_path):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(saved(plain_payload(epoch=-1)))
    assert load_checkpoint(path)["epoch"] == -1


def _folder(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    os.symlink("/dev/zero", path)


def _loop(path: Path) -> None:
    os.symlink(path.name, path)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_folder, "is a folder, not a {what} file; "),
        (_fifo, "is a FIFO, not a {what} file; "),
        (_device, "is a character device, not a {what} file; "),
        (_loop, "cannot be read as a {what} (Too many levels of symbolic links); "),
    ],
)
@pytest.mark.parametrize(
    ("name", "what", "load", "advice"),
    [
        ("checkpoint.pt", "checkpoint", load_checkpoint, UNUSABLE),
        ("model.safetensors", "model", load_model_file, "put the run's model file back (from a backup), or train"),
        ("model.safetensors", "model", model_metadata, "put the run's model file back (from a backup), or train"),
    ],
)
def test_a_run_file_that_is_not_a_regular_file_is_said_to_be_what_it_is(tmp_path, make, said, name, what, load, advice):
    """It was 'no checkpoint at …' (or 'no model at …'): as if the file were missing, with nothing to do about it."""
    path = tmp_path / name
    make(path)
    with pytest.raises(CheckpointError) as refused:
        load(path)
    assert str(refused.value) == f"{path} {said.format(what=what)}{str(refused.value).split('; ', 1)[1]}"
    assert str(refused.value).split("; ", 1)[1].startswith(advice)


def test_a_missing_run_file_is_still_said_to_be_missing(tmp_path):
    with pytest.raises(CheckpointError, match=r"^no checkpoint at "):
        load_checkpoint(tmp_path / "checkpoint.pt")
    os.symlink("/nonexistent/model.safetensors", tmp_path / "model.safetensors")
    with pytest.raises(CheckpointError, match=r"^no model at "):
        load_model_file(tmp_path / "model.safetensors")


@pytest.mark.parametrize(
    "convert",
    [
        lambda t: (t * 10).to(torch.int8),
        lambda t: t > 0,
        lambda t: t.half(),
        lambda t: t.to(torch.complex64),
        lambda t: t.to(torch.float8_e4m3fn),
    ],
    ids=["int8", "bool", "float16", "complex64", "float8"],
)
def test_a_model_file_of_other_number_types_is_refused_not_converted(tiny_run, tmp_path, convert):
    """torch's load_state_dict converted int8, bool or complex weights to float32 without a word (and generate played
    what they decode to); float8 crashed the NaN check with NotImplementedError."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    path = run / "model.safetensors"
    state = load_file(str(path))
    save_file({k: convert(v) if v.is_floating_point() else v for k, v in state.items()}, str(path))
    with pytest.raises(CheckpointError) as refused:
        RunDir(run).load_model()
    message = str(refused.value)
    assert message.startswith(
        f"{path}: "
    ) and " of its tensors hold another type of number than the model's (e.g. " in (message)
    assert "in the file, float32 in the model" in message and "put back the run's own file" in message


def test_weights_of_the_models_own_types_still_load():
    model = torch.nn.BatchNorm1d(3)  # float32 weights and an int64 counter
    load_weights(model, {k: v.clone() for k, v in model.state_dict().items()})
