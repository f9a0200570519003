"""What a resume says of a path that is no run (helper-435 F5): a file (``RUN/checkpoint.pt``) is named as a file,
with the resume of its folder; a mistyped run gets the run beside it with the closest name. And a resume of a run
whose split.json is gone, though the run wrote one, warns and writes it again (helper-435 F9)."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import ResumeRefused


def _said(result) -> str:
    return " ".join(result.output.split())


def test_a_file_is_named_as_a_file_with_its_folders_resume(tiny_run):
    result = CliRunner().invoke(app, ["train", "--resume", str(tiny_run / "checkpoint.pt")])
    assert result.exit_code == 2, result.output
    assert _said(result) == (
        f"error: {tiny_run / 'checkpoint.pt'} is a file, not a run directory; give its folder: mvae train --resume "
        f"{tiny_run}"
    )
    with pytest.raises(ResumeRefused, match=r"is a file, not a run directory; give its folder: mvae_core\.train"):
        mvae_core.train(out=tiny_run / "config.toml", resume=True, progress=False)


def test_a_mistyped_run_gets_the_closest_run(tiny_run):
    typo = tiny_run.parent / "rnu"
    result = CliRunner().invoke(app, ["train", "--resume", str(typo)])
    assert result.exit_code == 2, result.output
    assert (
        f"the folder does not exist: did you mean {tiny_run}? If not, start the run (a run stopped while it read its "
        f"data leaves nothing behind): mvae train DATA --out {typo}" in _said(result)
    )


def test_a_split_json_gone_from_a_run_that_wrote_one_is_written_again(tiny_run, tmp_path):
    run = tmp_path / "r_nosplit"
    shutil.copytree(tiny_run, run)
    (run / "split.json").unlink()
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])
    assert result.exit_code == 0, result.output
    assert (
        f"{run / 'split.json'} cannot be read (it is gone, though the run wrote one: its data_report.json records the "
        "files' digests), so this resume checked the data by its fingerprint only" in _said(result)
    )
    assert (run / "split.json").read_text() == (tiny_run / "split.json").read_text()
