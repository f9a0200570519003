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


def test_a_bad_point_is_an_mvae_error_naming_z():
    """python_api.md promises that every error a caller causes is an MvaeError; the player's was a bare ValueError."""
    from mvae_core.errors import MvaeError, OptionError

    for z in (None, [1, 2, 3], [float("nan"), 0]):
        with pytest.raises(OptionError) as refused:
            player_point(z, 2)
        assert isinstance(refused.value, MvaeError) and refused.value.option == "z"


def test_a_player_given_options_as_a_dict_names_the_dataclass_to_give(tiny_run):
    """``player.notes(z, {"temperature": 0.5})`` ended in AttributeError: 'dict' object has no attribute 'poly'."""
    from mvae_core import load
    from mvae_core.errors import OptionError

    player = load(tiny_run).player()
    with pytest.raises(OptionError, match=r"DecodeOptions\(\*\*\{'temperature': 0.5\}\)"):
        player.notes([0, 0], {"temperature": 0.5})
    assert player.notes([0, 0], None) == player.notes([0, 0])
