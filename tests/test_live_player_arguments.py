"""A live player's arguments that are not what it takes: ``player.notes(z, index=-1)`` raised numpy's "expected
non-negative integer", naming neither ``index`` nor the fix; ``player.notes([True, False])`` played the point
(1, 0), which ``mvae serve`` refuses as no number. Both are now an ``OptionError`` naming the argument."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mvae_core
from mvae_core.errors import OptionError
from mvae_core.models.base import player_point


@pytest.mark.parametrize("index", [-1, 1.5, True])
def test_an_index_that_is_no_place_in_a_batch_is_named(tiny_run: Path, index: object) -> None:
    player = mvae_core.load(tiny_run).player()
    with pytest.raises(OptionError, match=r"^index "):
        player.notes([0.0, 0.0], index=index)  # type: ignore[arg-type]


def test_the_index_still_picks_the_pattern(tiny_run: Path) -> None:
    player = mvae_core.load(tiny_run).player()
    assert player.notes([0.5, -1.0], index=np.int64(3)) == player.notes([0.5, -1.0], index=3)


@pytest.mark.parametrize("z", [[True, False], np.array([True, False]), [0.5, np.bool_(True)]])
def test_a_point_of_booleans_is_refused(z: object) -> None:
    with pytest.raises(OptionError, match=r"^z needs 2 numbers \(the model's latent_dim\), got "):
        player_point(z, 2)


def test_numbers_of_any_numeric_type_still_make_a_point() -> None:
    assert player_point([np.float32(0.5), 1, np.int64(-1)][:2], 2).tolist() == [0.5, 1.0]
