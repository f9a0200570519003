"""``help(mvae_core.evaluate)`` in a notebook named ``run``, ``data`` and ``temperature`` but not ``samples``,
``seed`` or ``jobs``, nor what it raises; ``encode`` and ``interpolate`` left ``run`` out. Every argument of the calls
over runs is named in its docstring, with what it takes."""

from __future__ import annotations

import inspect

import pytest

import mvae_core


@pytest.mark.parametrize("name", ["train", "load", "generate", "encode", "interpolate", "evaluate"])
def test_help_names_every_argument(name):
    call = getattr(mvae_core, name)
    text = inspect.getdoc(call) or ""
    unnamed = [p for p in inspect.signature(call).parameters if f"``{p}``" not in text and f":param {p}:" not in text]
    assert not unnamed, f"help(mvae_core.{name}) does not name {unnamed}"


def test_help_of_evaluate_says_what_it_raises_and_warns():
    text = inspect.getdoc(mvae_core.evaluate) or ""
    assert ":raises OptionError:" in text and ":raises DataError:" in text and ":warns TrainedOnWarning:" in text
