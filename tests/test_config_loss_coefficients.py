"""``loss.coefficients``: a negative coefficient said "loss.coefficients: coefficients must be >= 0" without naming
the term, and a misspelt term (``KL``) listed the terms without the one meant."""

from __future__ import annotations

import pytest

from mvae_core.config import build_config
from mvae_core.errors import ConfigError


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("loss.coefficients.kl=-1", "loss.coefficients.kl = -1: Input should be greater than or equal to 0"),
        ("loss.coefficients.KL=1", "loss.coefficients: unknown loss term ['KL']; did you mean 'kl'? Terms: "
                                   "onset, velocity, duration, timeshift, kl"),
        ("loss.coefficients.foo=1", "loss.coefficients: unknown loss term ['foo']. Terms: onset, velocity, "
                                    "duration, timeshift, kl"),
    ],
)  # fmt: skip
def test_a_bad_coefficient_names_its_term(assignment, message):
    with pytest.raises(ConfigError) as error:
        build_config(None, [assignment])
    assert str(error.value) == message


def test_given_coefficients_still_go_over_the_defaults():
    assert build_config(None, ["loss.coefficients.kl=0.5"]).loss.coefficients == {
        "onset": 1.0, "velocity": 2.5, "duration": 1.0, "timeshift": 2.0, "kl": 0.5
    }  # fmt: skip
