"""A bent copy (``mvae bend``) trained nothing and keeps no ``split.json``: the files it "trained on" are its source
run's. ``mvae evaluate`` of the copy, and a new run started from its weights (``--init-from``), name them as for the
source itself, instead of saying the copy was trained before mvae kept digests (evaluate) or nothing (the new run's
validation warning)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mvae_core
from mvae_core.api import TrainedOnWarning
from mvae_core.run import RunDir
from mvae_core.tools.bend import bend_run


@pytest.fixture
def bent(tiny_run: Path, tmp_path: Path) -> Path:
    """A bent copy of a copy of ``tiny_run`` (the copy may be removed by a test)."""
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    bend_run(source, tmp_path / "bent", sigma=0.1, seed=0, layers="decoder")
    return tmp_path / "bent"


def test_evaluate_of_a_bent_copy_names_the_files_its_source_trained_on(bent, synth_dir, tmp_path):
    learnt = sorted(RunDir(tmp_path / "source").read_split()["train"])
    with pytest.warns(TrainedOnWarning, match=f"{len(learnt)} of the 6 evaluated files .* trained on \\(or the run its "
                      f"weights came from, {tmp_path / 'source'}\\)") as caught:  # fmt: skip
        scores = mvae_core.evaluate(bent, [synth_dir], samples=8)
    assert scores["trained_on"] == learnt
    assert not any("kept no digests" in str(w.message) for w in caught)
    shutil.rmtree(tmp_path / "source")  # gone: the copy cannot tell, and says why
    with pytest.warns(TrainedOnWarning, match=f"{bent} is a bent copy of {tmp_path / 'source'}, .* that run is gone"):
        assert mvae_core.evaluate(bent, [synth_dir], samples=8)["trained_on"] is None


def test_a_run_started_from_a_bent_copy_warns_of_validation_files_its_source_trained_on(bent, synth_dir, tmp_path,
                                                                                       capsys):  # fmt: skip
    mvae_core.train([synth_dir], tmp_path / "tuned", overrides=["train.seed=3"], plugins=[], epochs=1, init_from=bent,
                    progress=True)  # fmt: skip
    printed = capsys.readouterr()
    said = " ".join((printed.out + printed.err).split())
    [validation] = RunDir(tmp_path / "tuned").read_split()["validation"]
    assert validation in RunDir(tmp_path / "source").read_split()["train"]
    assert f"1 of the 1 validation files ({validation}) are files" in said, said
