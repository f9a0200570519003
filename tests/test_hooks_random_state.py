"""docs/hooks.md's advice on random numbers, held to a real run: its EMA example, which runs a copy of the model on
every validation batch with a generator of its own, leaves the training it watches exactly as it is, and a resume
continues its average where it was. A plugin drawing from torch's global random state instead draws from the plugin
stream and leaves the training as it is too (tests/test_plugins_rng_watch_only.py)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import mvae_core
from tests.test_docs import code_blocks, run_block
from tests.training import TINY


def ema_score_class() -> type:
    """The ``EmaScore`` plugin of docs/hooks.md, as the page shows it."""
    (block,) = [block for block in code_blocks("hooks.md") if "\nclass EmaScore" in block]
    namespace: dict[str, Any] = {"__name__": "hooks_md"}
    run_block(block, "hooks.md", namespace)
    return namespace["EmaScore"]


def trained(data: Path, out: Path, plugins: list, epochs: int = 2) -> list[dict[str, Any]]:
    return mvae_core.train([data], out, overrides=TINY, plugins=plugins, epochs=epochs, progress=False).metrics()


def training_numbers(records: list[dict[str, Any]]) -> list[tuple]:
    return [(r["train"], r["val"], r["val_elbo"], r["onset_f1"]) for r in records]


@pytest.fixture(scope="module")
def bare(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return trained(synth_dir, tmp_path_factory.mktemp("bare") / "run", [])


def test_the_ema_example_scores_its_average_without_changing_the_training(synth_dir, tmp_path, bare):
    ema_score = ema_score_class()
    watched = trained(synth_dir, tmp_path / "watched", [ema_score()])
    assert training_numbers(watched) == training_numbers(bare)
    scores = [r["plugins"]["ema_score"]["val_loss"] for r in watched]
    assert len(scores) == 2 and all(math.isfinite(score) for score in scores)

    trained(synth_dir, tmp_path / "resumed", [ema_score()], epochs=1)
    resumed = mvae_core.train(out=tmp_path / "resumed", resume=True, plugins=[ema_score()], epochs=2, progress=False)
    assert resumed.metrics()[1]["plugins"] == watched[1]["plugins"]  # the average went on from the checkpoint's
