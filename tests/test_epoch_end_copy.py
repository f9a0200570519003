"""``mvae_epoch_end`` and ``mvae_validation_end`` hand plugins a deep copy of what they show: a plugin that changes
``metrics``, its nested tables included, changes neither the epoch's ``metrics.jsonl`` line nor
``trainer.multipliers`` (the record's ``weights`` is the same dict). Before, ``mvae_epoch_end`` got the record itself
and ``mvae_validation_end`` the tables the record kept, which docs/hooks.md only asked plugins to treat as read-only,
so such a plugin rewrote the line."""

from __future__ import annotations

import copy
from typing import Any

from mvae_core import hookimpl
from tests.training import make_trainer, tiny_config


class Snapshot:
    """Keeps a copy of every epoch's ``metrics`` as its ``mvae_epoch_end`` got them (runs first)."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    @hookimpl
    def mvae_epoch_end(self, metrics):
        self.seen.append(copy.deepcopy(metrics))


class Meddler:
    """Changes, removes and adds entries of ``metrics``, top-level and nested (runs second)."""

    @hookimpl
    def mvae_epoch_end(self, metrics):
        metrics["val_elbo"] = -1.0
        metrics["val"]["onset"] = 1e6
        metrics["weights"]["kl"] = 0.0
        metrics["timing_std"]["data"] = 9.0
        del metrics["train"]
        metrics["mine"] = 1.0


def test_a_plugin_that_changes_metrics_leaves_the_record_as_validation_wrote_it(synth_dir, tmp_path):
    snapshot = Snapshot()
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"snapshot": snapshot, "meddler": Meddler()}, tmp_path)
    trainer.fit()

    lines = trainer.run.read_metrics()
    assert len(lines) == len(snapshot.seen) == 2
    for line, seen in zip(lines, snapshot.seen, strict=True):
        written = {key: value for key, value in line.items() if key not in ("events", "plugins")}
        assert written == seen  # every entry as the core computed it, nested tables too
        assert "mine" not in line and line["val_elbo"] > 0 and line["weights"]["kl"] == 1.0
    assert trainer.view.multipliers["kl"] == 1.0


class ValidationMeddler:
    """Changes the nested tables of what validation measured, in ``mvae_validation_end``."""

    @hookimpl
    def mvae_validation_end(self, metrics):
        metrics["val"]["onset"] = 1e6
        metrics["timing_std"]["data"] = 9.0
        metrics["val_elbo"] = -1.0


def test_a_plugin_that_changes_validation_metrics_leaves_the_record_as_validation_wrote_it(synth_dir, tmp_path):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"meddler": ValidationMeddler()}, tmp_path)
    trainer.fit()

    (line,) = trainer.run.read_metrics()
    assert line["val"]["onset"] != 1e6 and line["timing_std"]["data"] != 9.0 and line["val_elbo"] > 0
