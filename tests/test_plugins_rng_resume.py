"""The plugins' random stream across a resume (docs/hooks.md, "Random numbers"): a plugin drawing from torch's global
random state in the hooks a resume calls again (mvae_load_state_dict, mvae_ramp_end, mvae_train_start,
mvae_state_dict) no longer makes a resumed run differ from an uninterrupted one; the plugin's own draws in the other
hooks go on from checkpoint.pt's ``plugin_rng`` exactly as they would have; a checkpoint written before that key
existed resumes with the plugin stream seeded anew; a ``plugin_rng`` no trainer wrote is refused by name."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from mvae_core.errors import RunInterrupted
from mvae_core.run import RunDir
from tests.interrupt import assert_same_training, steps_per_epoch
from tests.training import TINY

EPOCHS = 2


class Drawer:
    """Draws from torch's global random state in every hook a resume calls again, records one draw per training step
    (``draw<step>`` in the epoch's line), and sets ``stop`` after global step ``stop_at`` (a user stopping the run)."""

    def __init__(self, stop: threading.Event | None = None, stop_at: int = 0) -> None:
        self.stop, self.stop_at, self.steps = stop, stop_at, 0

    @hookimpl
    def mvae_ramp_end(self) -> None:
        torch.randn(11)

    @hookimpl
    def mvae_train_start(self) -> None:
        torch.randn(11)

    @hookimpl
    def mvae_state_dict(self) -> dict[str, Any]:
        torch.randn(11)
        return {"steps": self.steps}

    @hookimpl
    def mvae_load_state_dict(self, state: dict[str, Any]) -> None:
        torch.randn(11)
        self.steps = state["steps"]

    @hookimpl
    def mvae_step_end(self, trainer, step: int) -> None:
        trainer.record(f"draw{step}", torch.randn(()).item())
        self.steps += 1
        if self.stop is not None and self.steps == self.stop_at:
            self.stop.set()


def train(out: Path, plugin: Drawer, data: Path | None = None, **kwargs: Any) -> Any:
    if data is None:
        return mvae_core.train(out=out, resume=True, plugins=[("drawer", plugin)], progress=False, **kwargs)
    return mvae_core.train([data], out, overrides=TINY, plugins=[("drawer", plugin)], progress=False, **kwargs)


def draws(run: Path) -> list[dict[str, float]]:
    return [record["plugins"]["drawer"] for record in RunDir(run).read_metrics()]


@pytest.fixture(scope="module")
def uninterrupted(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("uninterrupted") / "run"
    train(run, Drawer(), synth_dir, epochs=EPOCHS)
    return run


def test_a_resume_mid_epoch_is_bit_identical_with_draws_in_the_hooks_it_calls_again(synth_dir, tmp_path, uninterrupted):
    steps = steps_per_epoch(synth_dir, TINY, 0)
    assert steps >= 3
    run, stop = tmp_path / "run", threading.Event()
    with pytest.raises(RunInterrupted):
        train(run, Drawer(stop, stop_at=steps + 1), synth_dir, epochs=EPOCHS, stop=stop)
    assert load_checkpoint(run / "checkpoint.pt")["progress"]["step"] == 2  # paused inside the second epoch
    train(run, Drawer(), epochs=EPOCHS)
    assert_same_training(uninterrupted, run)  # weights, optimiser, training stream, metrics
    saved, expected = load_checkpoint(run / "checkpoint.pt"), load_checkpoint(uninterrupted / "checkpoint.pt")
    assert torch.equal(saved["plugin_rng"]["cpu"], expected["plugin_rng"]["cpu"])
    assert draws(run) == draws(uninterrupted) and len(draws(run)[1]) == steps  # the plugin's own draws went on


def test_a_checkpoint_without_the_plugin_stream_resumes_with_it_seeded_anew(synth_dir, tmp_path, uninterrupted):
    """A checkpoint of an mvae before the plugin stream: the training continues exactly (its stream is saved); the
    plugins' draws start again from the stream's seed, so the resumed epoch draws what the first epoch drew."""
    run = tmp_path / "run"
    train(run, Drawer(), synth_dir, epochs=1)
    payload = load_checkpoint(run / "checkpoint.pt")
    del payload["plugin_rng"]
    save_checkpoint(run / "checkpoint.pt", payload)
    train(run, Drawer(), epochs=EPOCHS)
    weights, expected = (load_checkpoint(r / "checkpoint.pt")["model"] for r in (run, uninterrupted))
    assert all(torch.equal(tensor, expected[name]) for name, tensor in weights.items())
    numbers = [(r["train"], r["val"], r["val_elbo"]) for r in RunDir(run).read_metrics()]
    assert numbers == [(r["train"], r["val"], r["val_elbo"]) for r in RunDir(uninterrupted).read_metrics()]
    assert draws(run)[1] == draws(uninterrupted)[0] != draws(uninterrupted)[1]


def test_a_plugin_stream_no_trainer_wrote_is_refused_naming_the_key(tmp_path):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, {"epoch": 0, "model": {}, "plugin_rng": torch.zeros(3)})
    with pytest.raises(CheckpointError, match="its plugin_rng is a tensor of float32, not the plugins' random state"):
        load_checkpoint(path)


class StartDraw:
    """Keeps what it draws in mvae_train_start and mvae_ramp_end, in every attempt."""

    def __init__(self) -> None:
        self.drawn: list[torch.Tensor] = []

    @hookimpl
    def mvae_ramp_end(self) -> None:
        self.drawn.append(torch.randn(4))

    @hookimpl
    def mvae_train_start(self) -> None:
        self.drawn.append(torch.randn(4))


def test_the_hooks_a_resume_calls_again_draw_the_same_numbers_in_every_attempt(synth_dir, tmp_path):
    """Each plugin's start-up state is seeded from train.seed and its name: a random projection drawn in
    mvae_train_start is the same after a resume, and differs between two plugins."""
    first, second, resumed = StartDraw(), StartDraw(), StartDraw()
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[("a", first), ("b", second)], epochs=1,
                    progress=False)  # fmt: skip
    mvae_core.train(out=tmp_path / "run", resume=True, plugins=[("a", resumed), ("b", StartDraw())], epochs=2,
                    progress=False)  # fmt: skip
    assert len(first.drawn) == len(resumed.drawn) == 2
    assert all(torch.equal(one, again) for one, again in zip(first.drawn, resumed.drawn, strict=True))
    assert not torch.equal(first.drawn[1], second.drawn[1])
