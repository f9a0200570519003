"""A write the disk refuses while a run is set up, before it trains (helper-483 F4): `cannot write
RUN/data_report.json: No space left on device`, exit 2 and no fix, where every other refused run file names what to
do and cli.md documents exit 1 for a file the disk refuses. Now it is a RunFailed (exit 1) that says nothing was
trained, to free space (or fix the folder) and run the same command again, or choose another folder; a resume's
says to resume again."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import RunFailed
from mvae_core.files import atomic_write
from mvae_core.run_split import RunSplit
from tests.training import TINY


def _full_disk(tmp: Path) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def disk_full_for(monkeypatch):
    """The disk refuses the run file that the named method of RunSplit writes."""

    def refuse(method: str) -> None:
        def write(self, *args, **kwargs):
            name = {"write_data_report": "data_report.json", "write_split": "split.json"}[method]
            atomic_write(self.path / name, _full_disk)

        monkeypatch.setattr(RunSplit, method, write)

    return refuse


def test_a_new_run_says_nothing_was_trained_and_what_to_do(synth_dir, tmp_path, disk_full_for):
    disk_full_for("write_data_report")
    run = tmp_path / "run"
    args = ["train", str(synth_dir), *[a for kv in TINY for a in ("--set", kv)], "--epochs", "1", "--out", str(run)]
    result = CliRunner().invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert said.endswith(
        f"error: cannot write {run / 'data_report.json'}: No space left on device; nothing was trained: free space "
        f"(or fix the folder), then run the same mvae train command (--out {run}) again, or choose another output "
        "directory (mvae train --out)"
    ), said
    assert not run.exists()  # the folder the run made is gone again
    with pytest.raises(RunFailed) as failed:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=False)
    assert f"then run the same mvae_core.train call (out={str(run)!r}) again" in str(failed.value)
    assert failed.value.run == run and isinstance(failed.value.__cause__, OSError)


def test_a_resume_says_to_resume_again(tiny_run, tmp_path, disk_full_for):
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    (run / "split.json").write_text("{")  # damaged: the resume writes it again
    disk_full_for("write_split")
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert said.endswith(
        f"error: cannot write {run / 'split.json'}: No space left on device; nothing was trained since its last "
        f"checkpoint: free space (or fix the folder), then mvae train --resume {run}"
    ), said
    assert "epochs = 3" in (run / "config.toml").read_text()


def test_a_new_runs_config_toml_refused_says_so_too(synth_dir, tmp_path, monkeypatch):
    """The first write of config.toml (in session.py, after prepare_data's files) still ended as WriteFailed, exit 2,
    no fix."""
    from mvae_core.run_config import RunConfig
    from mvae_core.run_files import CONFIG

    monkeypatch.setattr(RunConfig, "write_config", lambda self, *a, **k: atomic_write(self.path / CONFIG, _full_disk))
    run = tmp_path / "run"
    args = ["train", str(synth_dir), *[a for kv in TINY for a in ("--set", kv)], "--epochs", "1", "--out", str(run)]
    result = CliRunner().invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert f"error: cannot write {run / 'config.toml'}: No space left on device; nothing was trained: free" in said
