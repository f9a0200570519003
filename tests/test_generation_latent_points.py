"""``generation.latent_points`` draws as many points as asked for, or refuses the count naming ``random``."""

from __future__ import annotations

import pytest

from mvae_core.errors import OptionError
from mvae_core.generation import MAX_LOOPS, latent_points


@pytest.mark.parametrize(
    ("count", "rule"),
    [
        (0, "must be at least 1, got 0"),
        (-3, "must be at least 1, got -3"),
        (MAX_LOOPS + 1, f"must be at most {MAX_LOOPS}"),
    ],
)
def test_a_count_of_points_outside_1_to_max_loops_is_refused_naming_random(count: int, rule: str) -> None:
    """0 gave one point (``n_random or 1``) and a negative count numpy's 'negative dimensions are not allowed'."""
    with pytest.raises(OptionError, match=rf"^random {rule}"):
        latent_points(count, None, 0.0, 2, 0)


def test_the_first_points_stay_when_more_are_asked_for() -> None:
    assert latent_points(1, None, 0.0, 2, 0).shape == (1, 2)
    assert latent_points(3, None, 0.0, 2, 0)[:1].equal(latent_points(1, None, 0.0, 2, 0))
    assert latent_points(None, None, 0.0, 2, 0).equal(latent_points(1, None, 0.0, 2, 0))  # no count: one point
