"""The TensorBoard logger on real short trainings, its event files read back with TensorBoard's own reader."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pretty_midi
import pytest
import torch
from mvae_tensorboard import TensorBoardLogger, scalars
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import mvae_core
from mvae_core import hookimpl
from mvae_core.view import TrainerView

OVERRIDES = {"model.hidden": 32, "train.batch_size": 16, "data.cache_dir": "none"}


def write_melodies(folder: Path, n_files: int = 6, loops: int = 4) -> Path:
    """Monophonic 2-bar loops at 120 bpm (a 16th = 0.125 s), slightly off the grid, one file per source."""
    folder.mkdir(parents=True)
    for f in range(n_files):
        midi = pretty_midi.PrettyMIDI(initial_tempo=120.0)
        piano = pretty_midi.Instrument(program=0)
        for loop in range(loops):
            for i in range(12):
                step = loop * 32 + (i * 5 + f + loop) % 32
                start = step * 0.125 + 0.01 * ((i + f) % 3 - 1)
                piano.notes.append(pretty_midi.Note(90, 55 + (i * 7 + f) % 14, max(0.0, start), start + 0.12))
        midi.instruments.append(piano)
        midi.write(str(folder / f"melody_{f}.mid"))
    return folder


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_melodies(tmp_path_factory.mktemp("tensorboard") / "data")


def events(log_dir: Path) -> EventAccumulator:
    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0})  # 0: keep every event
    accumulator.Reload()
    return accumulator


def series(accumulator: EventAccumulator, tag: str) -> list[tuple[int, float]]:
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def test_scalars_flattens_the_numbers_of_a_record():
    record = {"val": {"kl": 1.5, "total": float("nan")}, "au": 2, "events": [], "ok": True, "note": "x"}
    assert list(scalars(record)) == [("val/kl", 1.5), ("au", 2.0)]


def test_every_step_and_every_epoch_number_is_logged(data, tmp_path):
    result = mvae_core.train(
        data=[data], out=tmp_path / "run", overrides=OVERRIDES, plugins=["kl_anneal", TensorBoardLogger()], epochs=2,
        progress=False,
    )  # fmt: skip
    records = result.metrics()
    accumulator = events(tmp_path / "run" / "tensorboard")
    steps = len(series(accumulator, "step/total")) // 2
    assert steps >= 2
    assert [s for s, _ in series(accumulator, "step/total")] == list(range(2 * steps))
    assert {"step/onset", "step/kl", "step/grad_norm", "step/lr"} <= set(accumulator.Tags()["scalars"])
    assert all(value > 0 for _, value in series(accumulator, "step/grad_norm"))
    epoch_ends = [steps - 1, 2 * steps - 1]
    assert series(accumulator, "epoch/epoch") == [(epoch_ends[0], 1.0), (epoch_ends[1], 2.0)]
    for tag, key in (("epoch/val_elbo", ("val_elbo",)), ("epoch/train/kl", ("train", "kl")), ("epoch/weights/kl", ("weights", "kl"))):  # fmt: skip
        logged = [value for _, value in series(accumulator, tag)]
        expected = [r[key[0]] if len(key) == 1 else r[key[0]][key[1]] for r in records]
        assert logged == pytest.approx(expected, rel=1e-6), tag


class SkippedAtFirst:
    """A plugin term (``mu_l2``) weighted 0 in epoch 1, so not computed there (a zero tensor: docs/hooks.md), then 1."""

    @hookimpl
    def mvae_added_terms(self) -> list[str]:
        return ["mu_l2"]

    @hookimpl
    def mvae_loss_weights(self, trainer: TrainerView, epoch: int) -> dict[str, float]:
        return {"mu_l2": 0.0 if epoch == 0 else 1.0}

    @hookimpl
    def mvae_loss(self, trainer: TrainerView, output, split: str) -> dict[str, torch.Tensor]:
        if trainer.multipliers.get("mu_l2") == 0:
            return {"mu_l2": torch.zeros((), device=output.mu.device)}
        return {"mu_l2": output.mu.float().pow(2).sum(dim=1).mean()}


def test_a_term_not_computed_in_a_step_is_not_logged_as_zero(data, tmp_path):
    plugins = [("skipped_at_first", SkippedAtFirst()), ("tensorboard", TensorBoardLogger())]
    mvae_core.train(data=[data], out=tmp_path / "run", overrides=OVERRIDES, plugins=plugins, epochs=2, progress=False)
    accumulator = events(tmp_path / "run" / "tensorboard")
    steps = len(series(accumulator, "step/total")) // 2
    logged = series(accumulator, "step/mu_l2")
    assert [s for s, _ in logged] == list(range(steps, 2 * steps))  # epoch 2's steps only: a gap, not zeros
    assert all(value > 0 for _, value in logged)


def test_a_resumed_run_continues_the_same_curves(data, tmp_path):
    run = tmp_path / "run"
    args = {"overrides": OVERRIDES, "progress": False}
    mvae_core.train(data=[data], out=run, plugins=[("tensorboard", TensorBoardLogger())], epochs=1, **args)
    mvae_core.train(out=run, resume=True, plugins=[("tensorboard", TensorBoardLogger())], epochs=3, progress=False)
    accumulator = events(run / "tensorboard")
    total = [s for s, _ in series(accumulator, "step/total")]
    assert total == list(range(len(total))) and len(total) % 3 == 0  # every step once, none twice
    assert [v for _, v in series(accumulator, "epoch/epoch")] == [1.0, 2.0, 3.0]


def test_without_a_run_directory_it_logs_nothing_and_says_so(tmp_path):
    class View:
        run_dir = None

        def __init__(self) -> None:
            self.messages: list[str] = []

        def emit(self, message, level="warning"):
            self.messages.append(message)

    logger = TensorBoardLogger()
    view = View()
    logger.mvae_train_start(cast(TrainerView, view))  # a stand-in with what the hook uses, typed as the real one
    assert logger.writer is None and view.messages == ["no run directory: nothing is logged to TensorBoard"]
