"""Tests of the free_bits plugin: its decisions by direct hook calls, then a short real training through mvae."""

from __future__ import annotations

import math
from pathlib import Path

import pretty_midi
import pytest
from mvae_free_bits import FreeBits
from pydantic import ValidationError

from mvae_core.config import PluginsConfig, build_config
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginInfo
from mvae_core.run import RunDir
from mvae_core.trainer import Trainer


class FakeTrainer:
    """Stands in for mvae's TrainerView in unit tests: records what the plugin emits."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def emit(self, message: str, level: str = "warning") -> None:
        self.events.append((level, message))


def end_epoch(plugin: FreeBits, kl: float, trainer: FakeTrainer | None = None) -> dict[str, float]:
    """Report one epoch's validation KL, return the multipliers the plugin asks for the next epoch."""
    plugin.mvae_epoch_end(trainer=trainer or FakeTrainer(), metrics={"val": {"kl": kl}, "val_elbo": 1.0})
    return plugin.mvae_loss_weights(epoch=1)


def test_config_defaults_and_validation():
    assert FreeBits.Config().nats == 2.0
    assert FreeBits.Config(nats=0.5).nats == 0.5
    with pytest.raises(ValidationError):
        FreeBits.Config(nats=-1)
    with pytest.raises(ValidationError):
        FreeBits.Config(nat=1)  # a typo in [plugins.free_bits] is an error, not an ignored setting


def test_the_first_epoch_presses_on_the_kl():
    assert FreeBits().mvae_loss_weights(epoch=0) == {"kl": 1.0}


@pytest.mark.parametrize(("kl", "weight"), [(0.0, 0.0), (1.99, 0.0), (2.0, 1.0), (7.5, 1.0), (math.nan, 1.0)])
def test_kl_below_the_floor_switches_the_kl_term_off_for_the_next_epoch(kl, weight):
    assert end_epoch(FreeBits(FreeBits.Config(nats=2.0)), kl) == {"kl": weight}


def test_the_decision_follows_the_latest_epoch_and_changes_are_reported():
    plugin, trainer = FreeBits(FreeBits.Config(nats=1.0)), FakeTrainer()
    assert [end_epoch(plugin, kl, trainer)["kl"] for kl in (3.0, 0.4, 0.6, 1.2, 5.0)] == [1.0, 0.0, 0.0, 1.0, 1.0]
    assert trainer.events == [
        ("info", "val KL 0.400 vs floor 1.0 nats: KL term off"),
        ("info", "val KL 1.200 vs floor 1.0 nats: KL term on again"),
    ]


def test_state_survives_a_resume():
    plugin = FreeBits(FreeBits.Config(nats=1.0))
    end_epoch(plugin, 0.3)
    state = plugin.mvae_state_dict()
    assert state == {"last_kl": 0.3}
    resumed = FreeBits(FreeBits.Config(nats=1.0))
    assert resumed.mvae_loss_weights(epoch=5) == {"kl": 1.0}  # a fresh plugin would press
    resumed.mvae_load_state_dict(state=state)
    assert resumed.mvae_loss_weights(epoch=5) == {"kl": 0.0}  # the restored one remembers the low KL


def write_melodies(folder: Path, n_files: int = 6, loops: int = 4) -> Path:
    """Tiny monophonic 2-bar loops at 120 bpm (a 16th = 0.125 s), slightly off the grid, one file per source."""
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


@pytest.mark.parametrize(("nats", "expected"), [(1e6, [1.0, 0.0, 0.0]), (0.0, [1.0, 1.0, 1.0])])
def test_training_through_mvae_applies_the_multipliers(tmp_path, nats, expected):
    # Enabled through mvae's plugin host exactly as an installed entry point is: by name, with its config section.
    available = {"free_bits": PluginInfo("free_bits", "package mvae-free-bits", "0.1.0", lambda: FreeBits)}
    host = PluginHost.from_config(PluginsConfig(enabled=["free_bits"], free_bits={"nats": nats}), available)
    overrides = ["model.hidden=32", "train.batch_size=16", "data.transpositions=[5]", "data.cache_dir=none"]
    cfg = build_config(None, overrides, {"train.epochs": 3, "plugins.enabled": ["free_bits"]})
    table, _ = load_dataset([str(write_melodies(tmp_path / "data"))], cfg.data)
    train, val, _ = split_by_source(table, cfg.data, cfg.train.seed)
    run = RunDir(tmp_path / "run")
    run.path.mkdir()
    Trainer(cfg, train, val, host, run).fit()
    records = run.read_metrics()
    assert [r["weights"]["kl"] for r in records] == expected
    assert all(r["val"]["kl"] >= 0 for r in records)
    saved = RunDir(run.path).load_checkpoint()["plugins"]["free_bits"]
    assert saved["last_kl"] == pytest.approx(records[-1]["val"]["kl"])
