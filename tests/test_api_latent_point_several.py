"""Several latent points given as ``z`` (a notebook's table of points, an array of shape ``(1, 2)``): the error
said only "z needs numbers, got [[0.5, -1], [1, 1]]", though every entry is a number."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mvae_core

HINT = "; z is one point: for several, generate each ([run.generate(point) for point in points])"


@pytest.fixture(scope="module")
def run(tiny_run):
    return mvae_core.load(tiny_run)


@pytest.mark.parametrize(
    "z", [[[0.5, -1], [1, 1]], ([0.5, -1],), np.array([[0.5, -1.0]]), torch.tensor([[0.5, -1.0], [1.0, 1.0]])]
)
def test_a_table_of_points_is_refused_with_one_call_per_point(run, z):
    with pytest.raises(mvae_core.OptionError, match=r"^z needs numbers, got ") as refused:
        mvae_core.generate(run, z)
    assert str(refused.value).endswith(HINT)


def test_one_point_of_the_table_decodes(run):
    points = np.array([[0.5, -1.0], [1.0, 1.0]])
    assert [len(run.generate(point)) for point in points] == [1, 1]
    with pytest.raises(mvae_core.OptionError) as refused:
        mvae_core.generate(run, "0.5,-1")
    assert HINT not in str(refused.value)
