"""The per-step examples of docs/hooks.md (WorstStep, EmaScore) keep what they gathered across a Ctrl-C: a run
stopped in the middle of an epoch and resumed with a new plugin object (as ``mvae train --resume`` builds it) records
the same numbers as the run that was never stopped. ``WorstStep`` kept its maximum only in memory, so after a resume
it recorded the worst step of the epoch's remaining steps, against the page's own rule for per-step state."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import mvae_core
from mvae_core import hookimpl
from tests.test_docs import code_blocks, run_block
from tests.training import TINY


def example(name: str) -> type:
    """The class ``name`` of docs/hooks.md, as the page shows it."""
    (block,) = [block for block in code_blocks("hooks.md") if f"\nclass {name}:" in block]
    namespace: dict[str, Any] = {"__name__": "hooks_md"}
    run_block(block, "hooks.md", namespace)
    return namespace[name]


class StopAfterFirstStep:
    """Asks for a stop (as Ctrl-C does) after the first step of the first epoch, once."""

    def __init__(self, stop: threading.Event | None) -> None:
        self.stop = stop

    @hookimpl
    def mvae_step_end(self, epoch: int, step: int) -> None:
        if self.stop is not None and (epoch, step) == (0, 0):
            self.stop.set()


@pytest.mark.parametrize("name", ["WorstStep", "EmaScore"])
def test_a_per_step_example_records_the_same_numbers_after_a_mid_epoch_resume(name, synth_dir: Path, tmp_path):
    plugin = example(name)
    key = "stop_after_first_step"

    def run(out: Path, stop: threading.Event | None) -> mvae_core.RunResult:
        plugins = [("example", plugin()), (key, StopAfterFirstStep(stop))]
        return mvae_core.train([synth_dir], out, overrides=TINY, epochs=1, plugins=plugins, progress=False, stop=stop)

    whole = run(tmp_path / "whole", None).metrics()
    stop = threading.Event()
    with pytest.raises(mvae_core.RunInterrupted, match=r"stopped at step \d+ of epoch 1"):
        run(tmp_path / "stopped", stop)
    plugins = [("example", plugin()), (key, StopAfterFirstStep(None))]
    resumed = mvae_core.train(out=tmp_path / "stopped", resume=True, plugins=plugins, progress=False).metrics()
    assert resumed[0]["train"] == whole[0]["train"]  # the run itself continued bit for bit
    assert resumed[0]["plugins"]["example"] == whole[0]["plugins"]["example"]
