"""A live host's point that is no list of numbers: ``player.notes(None)`` said "z needs 2 numbers …, got 1" (numpy
made a NaN of None) and ``player.notes("ab")`` "could not convert string to float: 'ab'", naming nothing. Both now
say what z needs and what was given (the live performer's review)."""

from __future__ import annotations

import pytest

from mvae_core.models.base import player_point


@pytest.mark.parametrize("z", [None, "ab", "1,2", [[1.0], [2.0, 3.0]], {"x": 1}])
def test_a_point_that_is_no_list_of_numbers_is_named(z):
    with pytest.raises(ValueError) as refused:
        player_point(z, 2)
    assert str(refused.value) == f"z needs 2 numbers (the model's latent_dim), got {z!r}"


def test_numbers_of_the_wrong_count_are_counted():
    with pytest.raises(ValueError, match=r"^z needs 2 numbers \(the model's latent_dim\), got 3$"):
        player_point([1, 2, 3], 2)
    assert player_point((0.5, -1), 2).tolist() == [0.5, -1.0]
