"""Damage to ``checkpoint.pt`` is called damage (helper-483 F2, F7, F8, F10):

* a bit flipped inside a tensor's bytes was loaded in silence (torch.load does not check the zip's CRC-32s), and a
  resume trained on the damaged state; now every entry's CRC-32 is checked before the load (not for a settings-only,
  mapped read), for a resume and for ``--init-from`` of a checkpoint;
* random bytes, or a pickle damaged into an opcode torch refuses (``Unsupported operand 140``), were "objects that
  are not plain data", which points at a plugin's state, not at a damaged file;
* a builtin (``range``) in a plugin's saved state was not put down to the plugin, as ``decimal.Decimal`` is;
* torch's paragraph of advice after a zip reader's error (``This is an internal miniz error. …``) was passed on.
"""

from __future__ import annotations

import io
import pickle
import random
import zipfile
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from mvae_core.checkpoint import CheckpointError, load_checkpoint
from mvae_core.cli import app


def _saved(path: Path, payload: dict) -> bytes:
    torch.save(payload, path)
    return path.read_bytes()


def _flipped_in(path: Path, entry: str) -> None:
    """One bit of ``entry``'s data flipped, in the middle of it."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(entry)
    data = bytearray(path.read_bytes())
    with path.open("rb") as handle:  # the data follows the entry's local header (30 bytes, its name and extra)
        handle.seek(info.header_offset + 26)
        name_size, extra_size = (int.from_bytes(handle.read(2), "little") for _ in range(2))
    start = info.header_offset + 30 + name_size + extra_size
    data[start + info.file_size // 2] ^= 0x40
    path.write_bytes(bytes(data))


def _tensor_entry(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return max(archive.infolist(), key=lambda info: info.file_size).filename


def test_a_bit_flipped_in_a_tensor_is_refused_naming_the_entry(tmp_path):
    path = tmp_path / "checkpoint.pt"
    _saved(path, {"model": {"w": torch.arange(10_000.0)}, "epoch": 1})
    entry = _tensor_entry(path)
    _flipped_in(path, entry)
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path)
    assert str(refused.value).startswith(
        f"{path} is truncated or corrupt (its entry {entry} fails its CRC-32 check); the run cannot be resumed from "
        "it: restore the file from a backup"
    ), refused.value
    assert load_checkpoint(path, mapped=True)["epoch"] == 1  # the settings-only read maps the tensors, reads none


def test_a_resume_and_init_from_refuse_a_flipped_bit(tiny_run, synth_dir, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    for file in tiny_run.iterdir():
        if file.is_file():
            (run / file.name).write_bytes(file.read_bytes())
    checkpoint = run / "checkpoint.pt"
    _flipped_in(checkpoint, _tensor_entry(checkpoint))
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"error: {checkpoint} is truncated or corrupt (its entry archive/data/" in said, said
    assert "fails its CRC-32 check); the run cannot be resumed from it" in said and "Traceback" not in said
    result = CliRunner().invoke(
        app, ["train", str(synth_dir), "--init-from", str(checkpoint), "--out", str(tmp_path / "new")]
    )
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"error: --init-from {checkpoint}: {checkpoint} is truncated or corrupt (its entry archive/data/" in said
    assert said.endswith("; give the run's model.safetensors (its best model), or restore the file"), said
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    "content",
    [
        random.Random(0).randbytes(50_000),
        bytes([140]) + random.Random(1).randbytes(4095),  # 140 (SHORT_BINUNICODE): a pickle opcode
        pickle.dumps({"model": {}, "epoch": 1}, protocol=4),  # a plain pickle: no zip, so no torch.save's
        b"",
    ],
    ids=["random", "opcode-first", "raw-pickle", "empty"],
)
def test_a_file_that_is_no_zip_is_no_checkpoint_torch_save_wrote(tmp_path, content):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(content)
    for mapped in (False, True):
        with pytest.raises(CheckpointError) as refused:
            load_checkpoint(path, mapped=mapped)
        assert str(refused.value).startswith(
            f"{path} is not a checkpoint torch.save wrote (truncated or corrupt?); the run cannot be resumed"
        ), refused.value


def test_a_cut_checkpoint_is_a_zip_without_its_directory(tmp_path):
    path = tmp_path / "checkpoint.pt"
    data = _saved(path, {"model": {"w": torch.arange(10_000.0)}, "epoch": 1})
    path.write_bytes(data[: len(data) // 2])
    for mapped in (False, True):
        with pytest.raises(CheckpointError) as refused:
            load_checkpoint(path, mapped=mapped)
        assert str(refused.value).startswith(
            f"{path} is truncated or corrupt (a zip without the directory written at its end: cut short?); "
        ), refused.value


def _zipped_pickle(path: Path, pickled: bytes) -> None:
    """A checkpoint whose ``data.pkl`` is ``pickled``, in a zip with sound CRC-32s (as torch.save lays it out)."""
    torch.save({"model": {}}, path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = pickled if info.filename.endswith("/data.pkl") else source.read(info)
            target.writestr(info.filename, data)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize(
    "pickled",
    [b"\x80\x02}q\x00\x8c", b"(ios\nsystem\nS'echo hi'\n."],  # SHORT_BINUNICODE (140); MARK, INST (105): os.system
    ids=["protocol-4", "builds-an-object"],
)
def test_an_opcode_torch_refuses_in_a_sound_zip_was_written_so(tmp_path, pickled):
    """Every CRC-32 passed, so the opcode is no copy's damage (helper-494: a crafted INST pickle was told to restore
    the file from a backup); without that check (the mapped read) it may be."""
    path = tmp_path / "checkpoint.pt"
    _zipped_pickle(path, pickled)
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path)
    said = str(refused.value)
    assert said.startswith(f"{path} was not written by torch.save: its pickle uses an opcode torch.save never "), said
    assert "truncated or corrupt" not in said, said
    with pytest.raises(CheckpointError, match=r"is truncated or corrupt, or not written by torch.save \(its pickle"):
        load_checkpoint(path, mapped=True)


def test_a_builtin_in_a_plugins_state_is_put_down_to_the_plugin(tmp_path):
    path = tmp_path / "checkpoint.pt"
    torch.save({"model": {}, "plugins": {"fine": {"n": 1}, "counts": {"v": range(3)}}}, path)
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path)
    said = str(refused.value)
    assert "(Unsupported global: GLOBAL range " in said, said
    assert "it is in the state that plugin 'counts' saved (mvae_state_dict)" in said and "'fine'" not in said


def test_torchs_advice_after_a_zip_readers_error_is_left_out(tmp_path):
    path = tmp_path / "checkpoint.pt"
    data = bytearray(_saved(path, {"model": {"w": torch.arange(100.0)}}))
    directory = data.find(b"PK\x01\x02")  # the central directory's first entry: its signature overwritten
    data[directory : directory + 4] = b"XXXX"
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path, mapped=True)  # the mapped read checks no CRC-32: torch's zip reader refuses it
    said = str(refused.value)
    assert said.startswith(f"{path} is truncated or corrupt (PytorchStreamReader failed reading zip archive"), said
    assert "miniz" not in said and "high likelihood" not in said, said
    with pytest.raises(CheckpointError, match=r"is truncated or corrupt \(Bad magic number for central directory\)"):
        load_checkpoint(path)
