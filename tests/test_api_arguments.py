"""The Python API's arguments as a notebook passes them: of the wrong type, numpy numbers, ``data=`` and ``overrides``.

Arguments of the wrong type (a string from a widget, a float from arithmetic, numpy numbers) are OptionErrors naming
the argument, never a TypeError from inside numpy or torch; numpy's whole numbers are whole numbers (evaluate's seed
from np.random crashed inside torch).

mvae_core.train's arguments as a notebook computes them: numpy numbers in overrides and epochs (a sweep over
np.logspace learning rates was a ConfigError "unable to parse string 'np.float64(0.001)'"), one override as one
string (read one letter at a time), and a jobs or out of the wrong type named as such, not a TypeError.

``data=``: None is 'not given'; an empty list (a glob that matched nothing) or a value that is no path (0, False, {})
is an OptionError naming data. Before, each of them read as not given, and mvae_core.train then trained on the
bundled corpus without a word about the files the caller meant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mvae_core
from mvae_core.data.load import data_arguments
from mvae_core.errors import DataError, OptionError


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"random": 2.5}, "random must be a whole number, got 2.5"),
        ({"random": "4"}, "random must be a whole number, got '4'"),
        ({"random": True}, "random must be a whole number, got True"),
        ({"random": 1, "seed": 1.5}, "seed must be a whole number, got 1.5"),
        ({"random": 1, "seed": "a"}, "seed must be a whole number, got 'a'"),
        ({"random": 1, "loops": "2"}, "loops must be a whole number, got '2'"),
        ({"random": 1, "noise": "x"}, "noise must be a number, got 'x'"),
        ({"random": 1, "walk": None}, "walk must be a number, got None"),
        ({"random": 1, "poly": "yes"}, "poly must be True or False, got 'yes'"),
        ({"random": 1, "threshold_min": "0.2"}, "threshold_min must be a number, got '0.2'"),
    ],
)
def test_a_generate_argument_of_the_wrong_type_is_named(run, kwargs, message):
    with pytest.raises(OptionError, match=f"^{message}$"):
        mvae_core.generate(run, **kwargs)


@pytest.mark.parametrize("given", [None, 3])
def test_a_run_that_is_not_a_path_is_named(given):
    with pytest.raises(OptionError, match=r"^run is a run directory \(a str or pathlib.Path\), a RunResult or a Run"):
        mvae_core.generate(given, random=1)


def test_numpy_numbers_are_numbers(run, synth_dir):
    loops = mvae_core.generate(run, random=np.int64(2), seed=np.int64(3), loops=np.int64(2), noise=np.float32(0.1))
    assert len(loops) == 2 and loops.options.seed == 3
    with pytest.warns(mvae_core.TrainedOnWarning):  # scored on the files it trained on, as it says
        scores = mvae_core.evaluate(run, synth_dir, samples=np.int64(8), seed=np.int64(1), temperature=np.float32(0.5))
        assert scores == mvae_core.evaluate(run, synth_dir, samples=8, seed=1, temperature=0.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"samples": "5"}, "samples must be a whole number, got '5'"),
        ({"seed": 0.5}, "seed must be a whole number, got 0.5"),
        ({"temperature": "x"}, "temperature must be a number, got 'x'"),
    ],
)
def test_an_evaluate_argument_of_the_wrong_type_is_named(run, synth_dir, kwargs, message):
    with pytest.raises(OptionError, match=f"^{message}$"):
        mvae_core.evaluate(run, synth_dir, **kwargs)


def test_evaluate_without_data_says_what_to_give(run):
    with pytest.raises(DataError, match=r"^no data to evaluate on: give files, folders or corpus:essen"):
        mvae_core.evaluate(run, None)
    # an empty list is a glob that found nothing: named as data, as train names it (the data= tests below)
    with pytest.raises(OptionError, match=r"^data is an empty list \(\[\]\): .* give at least one file"):
        mvae_core.evaluate(run, [])


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
        ({"epochs": "3"}, r"^epochs must be a whole number, got '3'$"),  # trained 3 epochs, where seed="3" is refused
    ],
)
def test_a_jobs_or_out_of_the_wrong_type_is_named(synth_dir, tmp_path, kwargs, message):
    kwargs.setdefault("out", tmp_path / "run")
    kwargs.setdefault("epochs", 1)
    with pytest.raises(OptionError, match=message):
        mvae_core.train([synth_dir], plugins=[], progress=False, **kwargs)


def test_a_resume_epochs_of_the_wrong_type_is_named(tiny_run):
    with pytest.raises(OptionError, match=r"^epochs must be a whole number, got '5'$"):
        mvae_core.train(out=tiny_run, resume=True, epochs="5", progress=False)


def test_evaluate_names_a_jobs_of_the_wrong_type(tiny_run, synth_dir):
    with pytest.raises(OptionError, match=r"^jobs must be a whole number, got 1.5$"):
        mvae_core.evaluate(tiny_run, synth_dir, jobs=1.5)


@pytest.mark.parametrize("data", [[], (), 0, False, {}])
def test_an_empty_list_or_a_falsy_non_path_is_refused_naming_data(data):
    with pytest.raises(OptionError) as refused:
        data_arguments(data)
    assert refused.value.option == "data"


def test_an_empty_glob_in_train_is_refused_before_any_training(tmp_path):
    with pytest.raises(OptionError, match=r"empty list.*give at least one file, folder or corpus:NAME"):
        mvae_core.train(data=sorted((tmp_path / "nothing").glob("*.mid")), out=tmp_path / "run", epochs=1)
    assert not (tmp_path / "run").exists()


def test_none_and_paths_are_taken_as_before(tmp_path):
    assert data_arguments(None) == []
    assert data_arguments(Path("a.mid")) == ["a.mid"]
    assert data_arguments(["a.mid", Path("b")]) == ["a.mid", "b"]


def test_evaluate_on_files_without_loops_says_how_to_see_why(tiny_run, tmp_path):
    """`no loops to evaluate on in X (no loop with enough notes: 1)` named the input but no way forward."""
    from tests.synth import SynthNote, write_midi

    write_midi(tmp_path / "idea.mid", [SynthNote(60 + k, k * 480, k * 480 + 240) for k in range(3)])
    with pytest.raises(DataError) as refused:
        mvae_core.evaluate(tiny_run, tmp_path, samples=8)
    said = str(refused.value)
    assert said.startswith(f"no loops to evaluate on in {tmp_path} (no loop with enough notes: 1); give files with")
    assert f"mvae data inspect {tmp_path} --config {tiny_run / 'config.toml'} lists why" in said
