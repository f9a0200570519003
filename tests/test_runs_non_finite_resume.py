"""A run that failed with a non-finite loss, the morning after: resumed with the same settings and seed it repeats
the same steps and fails at the same one (training is deterministic), yet the resume said nothing of it and a new
run into its folder was told to "continue it with resume"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import RunFailed
from mvae_core.run_state import REPEATS
from tests.training import TINY

DIVERGES = [*TINY, "train.lr=1e6"]


@pytest.fixture
def failed(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed, match="non-finite loss in epoch 1"):
        mvae_core.train([synth_dir], run, overrides=DIVERGES, plugins=[], epochs=3, progress=False)
    return run


def test_resuming_it_warns_that_it_fails_again_and_it_does(failed):
    result = CliRunner().invoke(app, ["train", "--resume", str(failed)])
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert f"warning: {failed} failed with a non-finite loss in epoch 1, step 2," in said
    assert f"; {REPEATS}" in said and said.count("non-finite loss in epoch 1, step 2,") == 2  # warned, then again


def test_a_new_run_into_it_with_other_settings_starts_over_in_its_place(failed, synth_dir):
    """It failed in epoch 1, before anything of its training was saved: a new run with other settings takes its
    place (one that failed after an epoch is refused: tests/test_runux_untrained_rerun.py)."""
    result = mvae_core.train([synth_dir], failed, overrides=TINY, epochs=1, progress=False)
    assert result.outcome == "trained" and not (failed / "failure.json").exists()
