"""Arguments of the wrong type, as a notebook passes them (a string from a widget, a float from arithmetic, numpy
numbers), are OptionErrors naming the argument, never a TypeError from inside numpy or torch; numpy's whole numbers
are whole numbers (evaluate's seed from np.random crashed inside torch)."""

from __future__ import annotations

import numpy as np
import pytest

import mvae_core
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
    # an empty list is a glob that found nothing: named as data, as train names it (tests/test_api_data_argument.py)
    with pytest.raises(OptionError, match=r"^data is an empty list \(\[\]\): .* give at least one file"):
        mvae_core.evaluate(run, [])
