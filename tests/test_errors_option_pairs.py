"""An option whose rule involves another option names both, each as its caller knows it: the Python argument in
``str()``, the command-line option in ``command_line_message()`` (``--threshold-min … --threshold-max``)."""

from __future__ import annotations

import pytest

from mvae_core.decode_options import DecodeOptions
from mvae_core.errors import OptionError


def test_threshold_bounds_the_wrong_way_round_name_both_options() -> None:
    with pytest.raises(OptionError) as caught:
        DecodeOptions(threshold_min=0.9, threshold_max=0.1)
    assert str(caught.value) == "threshold_min must not be above threshold_max (0.1), got 0.9"
    assert caught.value.command_line_message() == "--threshold-min must not be above --threshold-max (0.1), got 0.9"


def test_a_rule_without_other_options_is_kept_as_written() -> None:
    error = OptionError("grid_offset", "must be >= 0, got {x}")
    assert str(error) == "grid_offset must be >= 0, got {x}"
    assert error.command_line_message() == "--grid-offset must be >= 0, got {x}"
