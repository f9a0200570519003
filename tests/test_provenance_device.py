"""A run records the device it computed on in ``[provenance.versions]`` (``torch.device``: ``cpu``, or ``cuda`` with
the GPU's model), as it records torch and its thread count: a GPU's kernels change a run's numbers in the last
digits, and ``train.device = "auto"`` said nothing of which one trained it. A resume on another device warns and adds
a ``[[provenance.resumed]]`` entry; ``mvae evaluate`` records its own."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import mvae_core
from tests.training import TINY


def _versions(run: Path) -> dict:
    return tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]


@pytest.mark.filterwarnings("ignore::mvae_core.api.TrainedOnWarning")  # evaluated on its own files
def test_the_device_is_recorded_and_a_resume_on_another_one_warns(synth_dir, tmp_path, capsys):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    assert _versions(run)["versions"]["torch.device"] == "cpu"
    config = run / "config.toml"  # as a run that trained its first epoch on a GPU
    config.write_text(config.read_text().replace('"torch.device" = "cpu"', '"torch.device" = "cuda (NVIDIA H200)"'))
    mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    assert _versions(run)["resumed"] == [{"from_epoch": 2, "versions": {"torch.device": "cpu"}}]
    assert "torch.device cuda (NVIDIA H200) → cpu" in " ".join(capsys.readouterr().err.split())  # a warning: stderr
    evaluation = mvae_core.evaluate(run, [synth_dir], samples=8)
    assert evaluation["versions"]["torch.device"] == "cpu"
