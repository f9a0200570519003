"""Something other than a regular file in the place of a run's ``metrics.jsonl`` or ``steps.jsonl`` (a FIFO, a link to
a device) was read as a file without lines, and a resume's cut then replaced it with an empty file: the run read as
having trained nothing. Now the readers and the cut refuse it, naming the file, what stands there and what to do
(exit 2), and leave it in place. The FIFOs are only ever opened non-blocking (mvae's readers), so no test waits for a
writer."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.run import RunDir
from mvae_core.run_files import METRICS, STEPS
from mvae_core.run_metrics import RunFileNotRegular

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
ADVICE = {METRICS: "put the run's own metrics.jsonl (a regular file) back", STEPS: "or remove it"}


def _fifo_in_place_of(run: Path, name: str) -> Path:
    (run / name).unlink(missing_ok=True)
    os.mkfifo(run / name)
    return run / name


def _still_a_fifo(path: Path) -> bool:
    return stat.S_ISFIFO(os.lstat(path).st_mode)


@needs_fifo
@pytest.mark.parametrize("name", [METRICS, STEPS])
def test_a_reader_refuses_a_fifo_naming_it_and_what_to_do(tmp_path, name):
    fifo = _fifo_in_place_of(tmp_path, name)
    read = RunDir(tmp_path).read_metrics if name == METRICS else RunDir(tmp_path).read_steps

    with pytest.raises(RunFileNotRegular) as refused:
        read()

    said = str(refused.value)
    assert said.startswith(f"{fifo} is not a regular file (a FIFO), where the run keeps "), said
    assert ADVICE[name] in said and refused.value.exit_code == 2


@needs_fifo
@pytest.mark.parametrize("name", [METRICS, STEPS])
def test_a_resumes_cut_refuses_a_fifo_and_leaves_it(tmp_path, name):
    fifo = _fifo_in_place_of(tmp_path, name)
    run = RunDir(tmp_path)
    cut = (lambda: run.truncate_metrics(1)) if name == METRICS else (lambda: run.truncate_steps(10))

    with pytest.raises(RunFileNotRegular, match=f"{fifo} is not a regular file"):
        cut()

    assert _still_a_fifo(fifo) and os.listdir(tmp_path) == [name]  # not replaced, no temporary left


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null (a POSIX system)")
def test_a_link_to_a_device_is_refused_as_one(tmp_path):
    (tmp_path / METRICS).symlink_to("/dev/null")
    with pytest.raises(RunFileNotRegular, match=r"is not a regular file \(a character device\)"):
        RunDir(tmp_path).truncate_metrics(0)
    assert (tmp_path / METRICS).is_symlink()


@needs_fifo
def test_a_resume_refuses_a_fifo_for_metrics_jsonl_and_leaves_it(tiny_run, tmp_path):
    """Before, the resume emptied the file's place and trained on: the run's finished epochs had no line."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    fifo = _fifo_in_place_of(run, METRICS)

    with pytest.raises(RunFileNotRegular, match=f"{fifo} is not a regular file"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)

    assert _still_a_fifo(fifo)


@needs_fifo
def test_mvae_train_resume_exits_2_naming_the_file(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    fifo = _fifo_in_place_of(run, STEPS)

    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "4"])

    said = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert f"error: {fifo} is not a regular file (a FIFO)" in said and ADVICE[STEPS] in said, said
    assert _still_a_fifo(fifo)
