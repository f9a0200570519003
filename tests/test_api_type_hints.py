"""The type hints admit what the docs show: ``generate(run, z=np.array([0.5, -1]))`` and ``interpolate``'s ends as
numpy arrays run, but ``z`` was hinted ``Sequence[float]``, which a numpy array is not, so a type checker flagged a
documented call. Checked here as a checker reads nominal types: some member of the hinted union is a class of the
value."""

from __future__ import annotations

import types
import typing

import numpy as np
import pytest
import torch

import mvae_core
from mvae_core import api


def admits(hint: object, value: object) -> bool:
    """Whether a nominal type in ``hint`` (a union of classes and generic aliases) is a class of ``value``."""
    members = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    return any(isinstance(value, typing.get_origin(member) or member) for member in members if member is not type(None))


@pytest.mark.parametrize("point", [[0.5, -1.0], (0.5, -1.0), np.array([0.5, -1.0]), torch.tensor([0.5, -1.0])])
def test_a_latent_point_as_the_docs_show_it_is_admitted_by_the_hints(point):
    assert admits(typing.get_type_hints(mvae_core.generate)["z"], point)
    assert admits(typing.get_type_hints(mvae_core.Run.generate)["z"], point)
    hints = typing.get_type_hints(mvae_core.interpolate, vars(api))
    assert admits(hints["start"], point) and admits(hints["end"], point)
