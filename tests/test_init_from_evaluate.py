"""``mvae evaluate`` of a run started from another's weights (``--init-from``) names the evaluated files that run
trained on too: those weights learnt from them, so numbers on them are not held-out numbers, though the fine-tuned
run's own split never saw them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mvae_core
from mvae_core.api import TrainedOnWarning
from mvae_core.run import RunDir


def test_files_the_source_of_the_weights_trained_on_are_named(tiny_run, synth_dir, pattern_dir, tmp_path):
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    tuned = mvae_core.train([pattern_dir], tmp_path / "tuned", overrides=["train.batch_size=16"], plugins=[],
                            epochs=1, init_from=source, progress=False)  # fmt: skip
    learnt = sorted(RunDir(source).read_split()["train"])
    with pytest.warns(TrainedOnWarning, match=f"{len(learnt)} of the 6 evaluated files"):
        scores = mvae_core.evaluate(tuned, [synth_dir], samples=8)
    assert scores["trained_on"] == learnt
    shutil.rmtree(source)  # gone: only the run's own files can be told
    assert mvae_core.evaluate(tuned, [synth_dir], samples=8)["trained_on"] == []
