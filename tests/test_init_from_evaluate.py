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
    shutil.rmtree(source)  # gone: only the run's own files can be told, and a warning says the rest cannot be
    with pytest.warns(TrainedOnWarning, match="no run is there any more, so mvae cannot tell which of the evaluated"):
        assert mvae_core.evaluate(tuned, [synth_dir], samples=8)["trained_on"] == []


def test_a_validation_file_the_source_trained_on_is_warned_of(tiny_run, synth_dir, tmp_path, capsys):
    """Fine-tuning on the source's own corpus with another seed: the new split validates on files the weights learnt."""
    common = {"plugins": [], "epochs": 1, "progress": True}
    mvae_core.train([synth_dir], tmp_path / "same-split", init_from=tiny_run, **common)
    printed = capsys.readouterr()
    assert "validation files" not in printed.out + printed.err  # the source's split, held out by both
    mvae_core.train([synth_dir], tmp_path / "other", overrides=["train.seed=3"], init_from=tiny_run, **common)
    printed = capsys.readouterr()
    said = " ".join((printed.out + printed.err).split())
    [validation] = RunDir(tmp_path / "other").read_split()["validation"]
    assert validation in RunDir(tiny_run).read_split()["train"]
    assert (
        f"1 of the 1 validation files ({validation}) are files {tiny_run} trained on, the run this one starts from: "
        "its weights learnt them, so validation scores them as held out when they are not, which flatters val_elbo"
    ) in said, said
