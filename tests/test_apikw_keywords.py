"""A notebook's misspelt keyword: ``run.generate(temprature=0.8)`` went into ``**kwargs: Any``, so an editor
completed no option and a type checker passed it. The decoding options are now keyword-only parameters with
:class:`~mvae_core.generation.DecodeOptions`' defaults, a run's methods have the functions' signatures, and a
misspelt keyword is still an ``InputError`` naming it and the close one, now for ``evaluate`` too (it was Python's
TypeError, without a suggestion) and for ``generate``'s own arguments (``radnom``)."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

import mvae_core
from mvae_core.errors import InputError
from mvae_core.generation import DecodeOptions


@pytest.fixture(scope="module")
def run(tiny_run: Path) -> mvae_core.Run:
    return mvae_core.load(tiny_run)


@pytest.mark.parametrize("name", ["generate", "interpolate"])
def test_the_decoding_options_are_keywords_with_the_types_and_defaults_of_decode_options(name: str) -> None:
    parameters = inspect.signature(getattr(mvae_core, name)).parameters
    for field in dataclasses.fields(DecodeOptions):
        parameter = parameters[field.name]
        assert (parameter.kind, parameter.annotation, parameter.default) == (
            parameter.KEYWORD_ONLY,
            field.type,
            field.default,
        ), f"{name}({field.name}=...)"
    assert not [p for p in parameters.values() if p.kind is p.VAR_KEYWORD]


@pytest.mark.parametrize("name", ["generate", "evaluate", "encode", "interpolate"])
def test_a_runs_method_takes_what_the_function_takes_after_run(run: mvae_core.Run, name: str) -> None:
    function = inspect.signature(getattr(mvae_core, name))
    method = inspect.signature(getattr(run, name))
    assert list(method.parameters.values()) == list(function.parameters.values())[1:]
    assert method.return_annotation == function.return_annotation


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda run: run.generate([0.5, -1], temprature=0.8),
            r"^unknown generation option 'temprature' \(did you mean 'temperature'\?\); options are density, ",
        ),
        (
            lambda run: run.generate(radnom=2),
            r"^unknown generation option 'radnom' \(did you mean 'random'\?\); options are density, ",
        ),
        (
            lambda run: run.interpolate([0, 0], [1, 1], tempp=90.0),
            r"^unknown generation option 'tempp' \(did you mean 'tempo'\?\)",
        ),
        (
            lambda run: run.evaluate("held-out/", samles=4),
            r"^unknown evaluation option 'samles' \(did you mean 'samples'\?\); options are jobs, resamples, "
            r"samples, seed, temperature$",
        ),
        (
            lambda run: mvae_core.evaluate(run, "held-out/", temprature=0.5),
            r"^unknown evaluation option 'temprature' \(did you mean 'temperature'\?\)",
        ),
        (
            lambda run: mvae_core.compare(run, "other-run/", "held-out/", resamles=50),
            r"^unknown evaluation option 'resamles' \(did you mean 'resamples'\?\); options are jobs, resamples, "
            r"samples, seed, temperature, unpaired$",
        ),
    ],
    ids=["run.generate", "generate's own", "run.interpolate", "run.evaluate", "evaluate", "compare"],
)
def test_a_misspelt_keyword_is_named_with_the_close_one(run: mvae_core.Run, call, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call(run)


def test_the_old_name_bars_is_taken_but_not_offered(run: mvae_core.Run) -> None:
    with pytest.raises(InputError, match=r"; options are (?!.*\bbars\b).*\bloops\b"):
        run.generate(bar=2)


def test_valid_calls_decode_as_before(run: mvae_core.Run) -> None:
    """The keywords reach DecodeOptions as ``**options`` did (None keeps a default)."""
    given = mvae_core.generate(run, random=2, seed=3, temperature=0.5, timing_temperature=0.0, tempo=90.0, density=None)
    assert given.options == DecodeOptions(seed=3, temperature=0.5, timing_temperature=0.0, tempo=90.0)
    assert run.generate(random=2, seed=3, temperature=0.5, timing_temperature=0.0, tempo=90.0) == given
    line = run.interpolate([0, 0], [1, 1], steps=2, seed=4, grid_offset=0.5)
    assert line.options == DecodeOptions(seed=4, grid_offset=0.5)
