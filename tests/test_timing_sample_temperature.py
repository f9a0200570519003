"""``TimingBins.sample`` draws from the likeliest offset class at any small timing temperature.

``logits / temperature`` overflowed to infinity below about 1e-308 (a finite temperature generate accepts), the
softmax's ``inf − inf`` made every weight NaN, and the draw fell on class 0: an on-grid note where the model expected
one in another bin, with numpy's overflow warnings on stderr.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mvae_core.timing import TimingBins


@pytest.mark.parametrize("temperature", [1e-2, 1e-300, 1e-310, 5e-324])
def test_a_tiny_timing_temperature_draws_within_the_likeliest_bin(temperature: float) -> None:
    bins = TimingBins(4)
    logits = np.array([[0.0, 1.0, 5.0, 0.5, 0.2], [3.0, -1.0, 0.0, 0.0, 2.0]])  # classes 2 and 0 the likeliest
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warnings either
        offsets = bins.sample(logits, temperature, np.random.default_rng(0))
    centre = bins.centers[2].item()
    assert abs(offsets[0] - centre) <= bins.width / 2, offsets
    assert offsets[1] == 0.0


def test_the_draw_keeps_the_softmax_of_the_tempered_logits() -> None:
    bins = TimingBins(2)
    logits = np.log(np.array([[0.2, 0.3, 0.5]]))
    drawn = bins.sample(np.repeat(logits, 40_000, axis=0), 0.5, np.random.default_rng(1))
    classes = np.where(drawn == 0, 0, np.where(drawn < 0, 1, 2))
    expected = np.array([0.2, 0.3, 0.5]) ** 2 / (np.array([0.2, 0.3, 0.5]) ** 2).sum()
    np.testing.assert_allclose(np.bincount(classes, minlength=3) / len(classes), expected, atol=0.01)
