"""``mvae evaluate`` of a run started from another's weights whose source run moved or was removed: it can no longer
name the evaluated files that run trained on, and says so (it said nothing, as if none were)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

import mvae_core
from mvae_core.api import TrainedOnWarning


def test_a_source_run_gone_from_its_place_is_said_to_be_unknown(tiny_run, synth_dir, pattern_dir, tmp_path):
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    tuned = mvae_core.train([pattern_dir], tmp_path / "tuned", overrides=["train.batch_size=16"], plugins=[],
                            epochs=1, init_from=source, progress=False)  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert mvae_core.evaluate(tuned, [synth_dir], samples=8)["trained_on"]  # the source's files, while it is there
    assert not any("no run is there any more" in str(w.message) for w in caught)
    source.rename(tmp_path / "moved")
    with pytest.warns(TrainedOnWarning, match=f"{tuned.path} started from the weights of {source / 'model.safetensors'}, "
                      "and no run is there any more, so mvae cannot tell which of the evaluated files that run trained "
                      "on: make sure they are held out from it too"):  # fmt: skip
        assert mvae_core.evaluate(tuned, [synth_dir], samples=8)["trained_on"] == []
