"""An option the run's model cannot do (``generate(run, poly=True)`` of a ``melody_rnn`` run) is a bad argument: an
``UnsupportedOption`` that is an ``InputError``, exported as ``mvae_core.UnsupportedOption``. It was an ``MvaeError``
only and not exported, so ``except mvae_core.InputError`` around a sweep of ``generate``'s documented options let it
through, and a caller could not name the class to catch it. ``train``'s ``:raises:`` names ``WriteFailed``, which
``mvae_core`` did not export either."""

from __future__ import annotations

import inspect
import re

import pytest

import mvae_core
from mvae_core.models.base import UnsupportedOption


def test_unsupported_option_is_an_input_error_exported_by_mvae_core():
    assert mvae_core.UnsupportedOption is UnsupportedOption
    assert issubclass(UnsupportedOption, mvae_core.InputError) and issubclass(UnsupportedOption, ValueError)
    assert UnsupportedOption("poly: …").exit_code == 2


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda run: mvae_core.generate(run, random=1, poly=True), "poly: melody_rnn writes one note per step"),
        (lambda run: mvae_core.generate(run, random=1, threshold_min=0.3), "threshold_min/threshold_max: melody_rnn"),
        (lambda run: mvae_core.interpolate(run, [0, 0], [1, 1], poly=True), "poly: melody_rnn writes one note"),
    ],
    ids=["generate poly", "generate threshold_min", "interpolate poly"],
)
def test_an_option_the_model_cannot_do_is_caught_as_an_input_error(tiny_run, call, said):
    with pytest.raises(mvae_core.InputError, match=re.escape(said)) as caught:
        call(tiny_run)
    assert isinstance(caught.value, mvae_core.UnsupportedOption)


@pytest.mark.parametrize("name", ["train", "evaluate", "compare"])
def test_the_errors_a_call_names_in_its_raises_are_exported_by_mvae_core(name):
    """``:class:`WriteFailed``` in ``train``'s and ``UnsupportedOption`` in ``evaluate``'s and ``compare``'s: a
    caller reads the name there and writes ``except mvae_core.<name>``."""
    doc = inspect.getdoc(getattr(mvae_core, name)) or ""
    raises = [part for part in re.split(r"\n(?=:)", doc) if part.startswith(":raises")]
    found = [re.findall(r":raises ~?([\w.]+):|:class:`~?([\w.]+)`", part) for part in raises]
    named = {given.rsplit(".", 1)[-1] for matches in found for pair in matches for given in pair if given}
    assert named, f"{name}'s docstring names no error"
    assert sorted(n for n in named if not hasattr(mvae_core, n)) == []
