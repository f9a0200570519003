"""A run started from another's weights (``init_from``) resumes as any run does: from its own checkpoint, which holds
the weights it started from from before its first step, so an interrupted one continues bit for bit as if it had not
stopped, without reading the source again (its files may be gone). A run stopped before its first checkpoint starts
over from the same weights, read again and checked by the digest its ``config.toml`` recorded."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.checkpoint import load_checkpoint, load_model_file, save_model
from mvae_core.errors import ResumeRefused, RunInterrupted
from mvae_core.metrics_record import CLOCK_KEYS
from mvae_core.progress import mvaes_warning
from mvae_core.run import RunDir


class StopAt:
    """Sets ``event`` after global step ``step`` (a stop button pressed while the run trains)."""

    def __init__(self, event: threading.Event, step: int) -> None:
        self.event, self.step, self.steps = event, step, 0

    @hookimpl
    def mvae_step_end(self) -> None:
        self.steps += 1
        if self.steps == self.step:
            self.event.set()


def _numbers(run: Path) -> list[dict]:
    """The run's metrics lines but their clocks and the text of mvae's own warnings (which name its folder)."""
    return [
        {k: [{**e, "message": "…"} if mvaes_warning(e) else e for e in v] if k == "events" else v
         for k, v in r.items() if k not in CLOCK_KEYS}
        for r in RunDir(run).read_metrics()
    ]  # fmt: skip


def _same_run(a: Path, b: Path) -> None:
    assert _numbers(a) == _numbers(b)
    for name, load in (("model.safetensors", lambda p: load_model_file(p)[0]),
                       ("checkpoint.pt", lambda p: load_checkpoint(p)["model"])):  # fmt: skip
        first, second = load(a / name), load(b / name)
        assert first.keys() == second.keys() and all(torch.equal(first[k], second[k]) for k in first), name


def _train(data: Path, out: Path, source: Path, stopper: StopAt, stop: threading.Event | None = None):
    return mvae_core.train([data], out, overrides={"train.batch_size": 16}, plugins=[("stopper", stopper)], epochs=2,
                           init_from=source, progress=False, stop=stop)  # fmt: skip


def test_an_interrupted_run_resumes_exactly_without_its_source(tiny_run, synth_dir, tmp_path):
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    _train(synth_dir, tmp_path / "whole", source, StopAt(threading.Event(), -1))
    stop = threading.Event()
    stopper = StopAt(stop, 3)
    with pytest.raises(RunInterrupted):
        _train(synth_dir, tmp_path / "cut", source, stopper, stop)
    shutil.rmtree(source)  # the resume restores the run's own checkpoint: the weights it started from are in it
    stop.clear()
    result = mvae_core.train(out=tmp_path / "cut", resume=True, plugins=[("stopper", stopper)], progress=False)
    assert result.epochs_run == 2
    _same_run(tmp_path / "whole", tmp_path / "cut")


def test_a_run_stopped_before_its_first_checkpoint_starts_over_from_the_same_weights(tiny_run, synth_dir, tmp_path):
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    stopper = StopAt(threading.Event(), -1)
    _train(synth_dir, tmp_path / "whole", source, stopper)
    again = Path(shutil.copytree(tmp_path / "whole", tmp_path / "again"))
    for name in ("checkpoint.pt", "metrics.jsonl", "model.safetensors"):  # as a kill -9 before the first checkpoint
        (again / name).unlink()
    crashed = Path(shutil.copytree(again, tmp_path / "crashed"))
    mvae_core.train(out=again, resume=True, plugins=[("stopper", stopper)], progress=False)
    _same_run(tmp_path / "whole", again)

    weights, metadata = load_model_file(source / "model.safetensors")  # the source trains on meanwhile
    save_model(source / "model.safetensors", {k: v + 1 if v.is_floating_point() else v for k, v in weights.items()},
               metadata)  # fmt: skip
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=crashed, resume=True, plugins=[("stopper", stopper)], progress=False)
    assert (
        f"{crashed} stopped before its first checkpoint, so it starts over from the weights it started from, but "
        f"{(source / 'model.safetensors').resolve()} holds other weights now (weights_sha256 "
    ) in str(refused.value)
    assert not (crashed / "checkpoint.pt").exists()
    shutil.rmtree(source)  # gone: nothing to start over from
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=crashed, resume=True, plugins=[("stopper", stopper)], progress=False)
    gone = (source / "model.safetensors").resolve()
    assert refused.value.command_line_message() == (
        f"{crashed} stopped before its first checkpoint, so it starts over from the weights it started from, which "
        f"cannot be read again (--init-from {gone}: no such file or folder; give a trained run's folder (or its "
        f"model.safetensors or checkpoint.pt)); put {gone} back, or start a new run"
    )
