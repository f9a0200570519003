"""``mvae evaluate``'s ``plane_distance`` compares the loops decoded at distinct points of the latent plane.

With ``latent_dim = 1`` the 5 × 5 grid has only 5 distinct points (dimension 1 does not exist), each taken 5 times;
the pairs of a point with itself, always distance 0, made a decoder that writes a different loop at every point
look 1/6 more constant than it is.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import torch

from mvae_core.data.load import load_dataset
from mvae_core.evaluation import PLANE_GRID, all_loops, plane_variation
from mvae_core.generation import DecodeOptions, Note
from tests.training import tiny_config


class DistinctLoops:
    """A decoder that writes one note at a row of its own for every distinct latent point."""

    cfg = SimpleNamespace(name="distinct")
    pitch_classes = PLANE_GRID**2  # a row of its own for each point

    def __init__(self, latent_dim: int) -> None:
        self.latent_dim = latent_dim
        self.decoded: list[torch.Tensor] = []

    def eval(self) -> DistinctLoops:
        return self

    def decode_notes(self, z: torch.Tensor, options: DecodeOptions) -> list[list[Note]]:
        self.decoded.append(z)
        rows = {tuple(point): row for row, point in enumerate(sorted({tuple(p) for p in z.tolist()}))}
        return [[Note(0, rows[tuple(point)], 0.5, 0.5, 0.0)] for point in z.tolist()]


def test_a_decoder_that_writes_a_new_loop_at_every_point_is_as_far_from_constant_as_can_be(synth_dir: Path) -> None:
    table, _ = load_dataset([str(synth_dir)], tiny_config().data, jobs=1)
    for latent_dim, points in ((1, PLANE_GRID), (2, PLANE_GRID**2), (3, PLANE_GRID**2)):
        model = DistinctLoops(latent_dim)
        result = plane_variation(model, all_loops(table), DecodeOptions(temperature=0))  # type: ignore[arg-type]
        assert result["plane_distance"] == 1.0, (latent_dim, result)
        (decoded,) = model.decoded
        assert decoded.shape == (points, latent_dim)
