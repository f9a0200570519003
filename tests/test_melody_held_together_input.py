"""What ``melody.held_together`` takes: integer ticks. It cut float input to integers without a word, so the notes
0.0–0.4 and 0.2–0.6 (overlapping by half of each) read as 0–0 and 0–0, held with none; its midpoint test is exact only
in integers, so other input is now refused, naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core.data.melody import held_together


@pytest.mark.parametrize(
    ("start", "end", "named"),
    [
        ([0.0, 0.2], [0.4, 0.6], "start"),
        (np.array([0, 2]), np.array([4.0, 6.0]), "end"),  # whole floats too: a float is no tick count
        ([0, 2], [True, True], "end"),
    ],
)
def test_ticks_that_are_not_integers_are_refused_naming_the_argument(start, end, named) -> None:
    with pytest.raises(TypeError, match=rf"^held_together: {named} holds \w+ values; it takes integer ticks"):
        held_together(start, end)


def test_integer_ticks_of_any_integer_dtype_or_a_list_are_taken() -> None:
    for start, end in (([0, 2], [4, 6]), (np.array([0, 2], np.uint16), np.array([4, 6], np.int32))):
        assert held_together(start, end).tolist() == [True, True]
    assert held_together([], []).tolist() == []
