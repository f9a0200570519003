"""``trainer.record`` takes numbers; a bool, which looks like one, is refused with the fix (``int(flag)``)."""

from __future__ import annotations

import pytest

from mvae_core.view import _number_or_numbers


def test_a_flag_is_refused_naming_int_of_it() -> None:
    with pytest.raises(TypeError) as refused:
        _number_or_numbers(True, "converged")
    assert str(refused.value) == (
        "record('converged', ...) takes a number or a list of numbers, got bool True (a flag: record int(True))"
    )


def test_other_values_are_refused_without_the_flag_advice() -> None:
    with pytest.raises(TypeError) as refused:
        _number_or_numbers("high", "label")
    assert str(refused.value) == "record('label', ...) takes a number or a list of numbers, got str 'high'"
