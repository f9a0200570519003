"""``build_config``'s flags (``{"train.lr": value}``; also ``mvae_core.train``'s ``overrides`` dict and ``epochs``)
take numpy and torch numbers and arrays as the numbers and lists they hold. Before, a flag was written with
``repr``: ``np.int64(3)`` is no TOML, and the setting was refused as a string."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from mvae_core.config import ConfigError, build_config


def test_numpy_and_torch_numbers_and_arrays_are_the_numbers_and_lists_they_hold():
    flags = {"train.epochs": np.int64(3), "train.lr": np.float32(0.5), "data.transpositions": np.array([-3, 3]),
             "train.batch_size": torch.tensor(16), "data.min_bpm": Fraction(3, 2)}  # fmt: skip
    cfg = build_config(None, (), flags)
    assert (cfg.train.epochs, cfg.train.lr, cfg.train.batch_size, cfg.data.min_bpm) == (3, 0.5, 16, 1.5)
    assert cfg.data.transpositions == [-3, 3]
    assert isinstance(cfg.train.epochs, int) and isinstance(cfg.train.lr, float)


def test_a_numpy_nan_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"^train\.lr = nan: must be a finite number"):
        build_config(None, (), {"train.lr": np.float64("nan")})
