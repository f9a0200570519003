"""mvae_core.train's arguments as a notebook computes them: numpy numbers in overrides and epochs (a sweep over
np.logspace learning rates was a ConfigError "unable to parse string 'np.float64(0.001)'"), one override as one
string (read one letter at a time), and a jobs or out of the wrong type named as such, not a TypeError."""

from __future__ import annotations

import numpy as np
import pytest

import mvae_core
from mvae_core.errors import OptionError


def test_numpy_numbers_in_overrides_and_epochs_are_the_numbers_they_hold(synth_dir, tmp_path):
    lr = np.logspace(-3, -2, 2)[0]
    overrides = {"model.hidden": np.int64(32), "train.lr": lr, "data.transpositions": np.array([-5, 5])}
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=overrides, plugins=[], epochs=np.int64(1),
                             progress=False)  # fmt: skip
    assert result.epochs_run == 1
    config = mvae_core.load(result.path).config
    assert (config.model.hidden, config.train.lr, config.train.epochs) == (32, 1e-3, 1)
    assert config.data.transpositions == [-5, 5]
    resumed = mvae_core.train(out=result.path, resume=True, epochs=np.int64(2), progress=False)
    assert resumed.epochs_run == 2


def test_one_override_string_is_one_override(synth_dir, tmp_path):
    overrides = "model.hidden=32"
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=overrides, plugins=[], epochs=1, progress=False)
    assert mvae_core.load(result.path).config.model.hidden == 32


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jobs": "2"}, r"^jobs must be a whole number, got '2'$"),
        ({"out": 123}, r"^out is the run's folder \(a str or pathlib.Path\), got 123$"),
    ],
)
def test_a_jobs_or_out_of_the_wrong_type_is_named(synth_dir, tmp_path, kwargs, message):
    kwargs.setdefault("out", tmp_path / "run")
    with pytest.raises(OptionError, match=message):
        mvae_core.train([synth_dir], plugins=[], epochs=1, progress=False, **kwargs)


def test_a_resume_epochs_of_the_wrong_type_is_named(tiny_run):
    with pytest.raises(OptionError, match=r"^epochs must be a whole number, got '5'$"):
        mvae_core.train(out=tiny_run, resume=True, epochs="5", progress=False)


def test_evaluate_names_a_jobs_of_the_wrong_type(tiny_run, synth_dir):
    with pytest.raises(OptionError, match=r"^jobs must be a whole number, got 1.5$"):
        mvae_core.evaluate(tiny_run, synth_dir, jobs=1.5)
