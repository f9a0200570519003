"""The API's arguments as a reader of a notebook sees them: the subject of a call (the run, the point, the data, the
ends and steps of a line) by position, every knob by name. ``generate(run, None, 8, 1)`` read as nothing: ``random``
and ``seed`` were positional, and so were ``evaluate``'s ``samples, seed, jobs, temperature``. Positional knobs keep
working until 1.0, with a FutureWarning at the caller's line; ``run.generate([0.5, -1])`` takes the point as
``mvae_core.generate(run, [0.5, -1])`` does (it was a TypeError); warnings through ``Run``'s methods name the caller's
line, not mvae's."""

from __future__ import annotations

import inspect
import json
import warnings

import pytest

import mvae_core

BY_POSITION = {  # what each call takes by position; everything after it is keyword-only
    "load": ["run"],
    "generate": ["run", "z"],
    "encode": ["run", "midi"],
    "interpolate": ["run", "start", "end", "steps"],
    "evaluate": ["run", "data"],
    "ablate": ["data"],
}


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


@pytest.mark.parametrize("name", sorted(BY_POSITION))
def test_only_the_subject_of_a_call_is_positional(name):
    parameters = inspect.signature(getattr(mvae_core, name)).parameters.values()
    positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == BY_POSITION[name]


def test_knobs_given_by_position_still_work_with_a_future_warning_at_the_callers_line(run):
    with pytest.warns(FutureWarning, match=r"^mvae_core.generate: give random=3, seed=1 by name; ") as caught:
        by_position = mvae_core.generate(run, None, 3, 1)
    assert caught[0].filename == __file__
    assert by_position.loops == mvae_core.generate(run, random=3, seed=1).loops
    with pytest.raises(TypeError, match="multiple values for argument 'random'"):
        mvae_core.generate(run, None, 3, random=2)


def test_evaluate_knobs_given_by_position_warn_too(run, synth_dir):
    held_out = sorted(synth_dir.glob("*.mid"))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mvae_core.api.TrainedOnWarning)  # synth_dir trained tiny_run
        with pytest.warns(FutureWarning, match=r"^mvae_core.evaluate: give samples=4, seed=2 by name; ") as caught:
            by_position = mvae_core.evaluate(run, held_out, 4, 2)
        by_name = mvae_core.evaluate(run, held_out, samples=4, seed=2)
    assert json.dumps(by_position) == json.dumps(by_name)  # the same numbers, nan included
    assert {w.filename for w in caught if w.category is FutureWarning} == {__file__}


def test_a_runs_generate_takes_the_point_by_position_as_generate_does(run):
    assert run.generate([0.5, -1]).loops == mvae_core.generate(run, [0.5, -1]).loops


def test_warnings_through_a_runs_methods_name_the_callers_line(run):
    with pytest.warns(FutureWarning, match="its new name is loops") as caught:
        run.generate(random=1, bars=2)
    assert caught[0].filename == __file__
