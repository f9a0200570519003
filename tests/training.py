"""A tiny, fast training set-up for tests (the BoringModel of mvae): small model, synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from mvae_core import hookimpl
from mvae_core.checkpoint import SETTINGS, load_checkpoint
from mvae_core.config import MvaeConfig, build_config
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from mvae_core.host import PluginHost
from mvae_core.run import RunDir
from mvae_core.run_files import CHECKPOINT
from mvae_core.trainer import Trainer

TINY = [
    "model.hidden=32",
    "model.melody_rnn.rnn_hidden=32",
    "model.melody_rnn.embedding=8",
    "train.batch_size=16",
    "data.transpositions=[-5, 5]",
    "data.pitch_low=48",  # rows MIDI 48..71, which the tests' expectations assume (the default, "auto", chooses)
]
SEED = 'model.name="seed"'
"""The override that selects the seed model (tests of its per-cell heads)."""


def poison_timing(model: torch.nn.Module) -> None:
    """Make ``model``'s timing output NaN (and nothing else)."""
    with torch.no_grad():
        if model.name == "seed":
            for parameter in model.heads[3][-1].parameters():
                parameter.fill_(float("nan"))
        else:
            last = model.note_head[-1]  # velocity, duration, then the timing classes
            last.weight[2:] = float("nan")
            last.bias[2:] = float("nan")


def tiny_config(*overrides: str, epochs: int = 3) -> MvaeConfig:
    return build_config(None, [*TINY, *overrides], {"train.epochs": epochs, "plugins.enabled": ["none"]})


def make_trainer(
    data_dir: Path, cfg: MvaeConfig, plugins: dict[str, Any] | None = None, run_dir: Path | None = None, **kwargs: Any
) -> Trainer:
    """A :class:`Trainer` on ``data_dir`` with these plugin objects (``kwargs`` go to the trainer)."""
    table, _ = load_dataset([str(data_dir)], cfg.data)
    train, val, _ = split_by_source(table, cfg.data, cfg.train.seed)
    run = RunDir(run_dir) if run_dir else None
    if run:
        run.path.mkdir(parents=True, exist_ok=True)
    return Trainer(cfg, train, val, PluginHost(plugins or {}), run, **kwargs)


def trained_settings(run: Path) -> dict[str, Any] | None:
    """The settings the run in ``run`` trained with up to its checkpoint (``checkpoint.pt``'s :data:`SETTINGS`, what
    a resume compares ``config.toml`` with), read without loading its tensors; None for a checkpoint written before
    they were recorded."""
    return load_checkpoint(Path(run) / CHECKPOINT, mapped=True).get(SETTINGS)


def event_messages(trainer: Trainer) -> list[list[str]]:
    """The messages of each epoch's events in ``trainer``'s run, as ``metrics.jsonl`` keeps them."""
    return [[event["message"] for event in record["events"]] for record in trainer.run.read_metrics()]


class Poison:
    """A test plugin that makes the timing head emit NaN from epoch 1 on (training that diverged): the run fails in
    epoch 1's first step, with the timeshift term (and the total) non-finite."""

    def __init__(self, config: Any = None) -> None:
        """Constructed with or without a config, as a registered plugin or as an object."""

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        if epoch == 1:
            poison_timing(trainer.model)


class Ramp:
    """A test plugin that only publishes a ramp end (``mvae_ramp_end``), as a warm-up plugin would."""

    def __init__(self, end: int) -> None:
        self.end = end

    @hookimpl
    def mvae_ramp_end(self, trainer):
        return self.end
