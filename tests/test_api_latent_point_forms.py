"""A latent point given in a form the call does not take, as a user coming from the command line or from
``random`` writes it: ``generate(run, 8)`` (meaning 8 random points) was "z needs numbers, got 8";
``interpolate(run, "0.5,-1", ...)`` ("--from 0.5,-1" on the command line) was "0.5,-1: no such file"; and
``generate(run, z="12")`` decoded the point [1, 2], its letters read as numbers. Each now names the form to give."""

from __future__ import annotations

import re

import pytest

import mvae_core


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


def test_a_count_given_as_the_point_points_to_random(run):
    with pytest.raises(mvae_core.OptionError, match=r"^z needs numbers, got 8; for 8 random points, give random=8$"):
        mvae_core.generate(run, 8)


@pytest.mark.parametrize("text", ["0.5,-1", "12"])
def test_a_point_written_as_text_is_refused_with_the_list_to_give(run, text):
    expected = f"z needs numbers, got '{text}'; give a latent point as numbers: z={[float(v) for v in text.split(',')]}"
    with pytest.raises(mvae_core.OptionError, match=f"^{re.escape(expected)}$"):
        mvae_core.generate(run, z=text)


def test_an_end_written_as_text_is_refused_with_the_list_to_give(run):
    expected = r"^start '0.5,-1' is not a file; give a latent point as numbers: start=\[0.5, -1.0\]$"
    with pytest.raises(mvae_core.OptionError, match=expected):
        mvae_core.interpolate(run, "0.5,-1", [0, 0])
    with pytest.raises(mvae_core.ToolError, match=r"^zero: no such file$"):  # not numbers: a missing file
        mvae_core.interpolate(run, "zero", [0, 0])
