"""The memory running out while a training reads its data (the first parse of a huge MIDI folder) ends in one line,
exit 1, as running out in training does: what ran out, reading which data, what the parse cache keeps and what needs
less memory. It ended with a raw ``MemoryError`` traceback. Nothing of the run is written then: no folder for a new
run, nor a ``failure.json`` in a resumed one, which its checkpoint still continues."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core
import mvae_core.data.load
from mvae_core.cli import app
from mvae_core.errors import ReadingRanOut
from mvae_core.run import RunDir
from tests.training import TINY

runner = CliRunner()


def reading_runs_out_of_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The data's reading asks for more memory than there is, as numpy asks for it (4 EiB): a ``MemoryError``."""
    digests = mvae_core.data.load._content_digests

    def too_much(*args: object, **kwargs: object) -> object:
        np.empty(2**62, dtype=np.uint8)
        return digests(*args, **kwargs)

    monkeypatch.setattr(mvae_core.data.load, "_content_digests", too_much)


def test_memory_running_out_while_the_data_is_read_ends_the_command_in_one_line(monkeypatch, synth_dir, tmp_path):
    reading_runs_out_of_memory(monkeypatch)
    run = tmp_path / "run"
    tiny = [f"--set={o}" for o in TINY]
    result = runner.invoke(app, ["train", str(synth_dir), "--out", str(run), "--epochs", "1", *tiny])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # mvae's own exit
    assert "Traceback" not in result.output and said.count("error: ") == 1
    assert said.endswith(
        f"error: ran out of memory while reading {synth_dir} (Unable to allocate 4.00 EiB for an array with shape "
        "(4611686018427387904,) and data type uint8); nothing was trained; the files parsed so far are in the parse "
        "cache, so the next run starts from there; free memory (another program may hold it) or give fewer files, or "
        "parse with fewer worker processes (--jobs 1; each is a process of its own)"
    )
    assert not run.exists()  # no folder before the data is usable: a failure.json would stand where no run is


def test_without_the_parse_cache_it_says_the_cache_keeps_the_set_out_of_memory_and_a_resume_keeps_its_run(
    monkeypatch, synth_dir, tmp_path
):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=[*TINY, "data.cache_dir=none"], epochs=1, progress=False)
    checkpoint = (run / "checkpoint.pt").read_bytes()
    reading_runs_out_of_memory(monkeypatch)
    with pytest.raises(ReadingRanOut) as caught:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False, jobs=1)
    assert isinstance(caught.value.__cause__, MemoryError)
    assert str(caught.value).endswith(
        "; nothing was trained; free memory (another program may hold it) or give fewer files; or turn the parse "
        "cache on (data.cache_dir, MVAE_CACHE_DIR): it keeps the data set memory-mapped, where without it the set is "
        "held in memory"
    )  # one worker already: no fewer to name
    assert RunDir(run).read_failure() is None and (run / "checkpoint.pt").read_bytes() == checkpoint
    monkeypatch.undo()
    assert mvae_core.train(out=run, resume=True, epochs=2, progress=False).epochs_run == 2


def test_data_inspect_running_out_of_memory_says_so_in_one_line(monkeypatch, synth_dir):
    reading_runs_out_of_memory(monkeypatch)
    result = runner.invoke(app, ["data", "inspect", str(synth_dir), "--jobs", "2"])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert said == (
        f"error: ran out of memory while reading {synth_dir} (Unable to allocate 4.00 EiB for an array with shape "
        "(4611686018427387904,) and data type uint8); the files parsed so far are in the parse cache, so the next run "
        "starts from there; free memory (another program may hold it) or give fewer files, or parse with fewer worker "
        "processes (--jobs 1; each is a process of its own)"
    )
