"""``mvae_core.ablate(seeds=2.5)`` ended in a bare ``TypeError: 'float' object cannot be interpreted as an integer``
(and ``seeds="3"`` in one comparing str and int), where every other bad argument is an ``OptionError`` naming it, as
docs/python_api.md promises. Nothing is written either way."""

from __future__ import annotations

import numpy as np
import pytest

import mvae_core
from mvae_core.errors import OptionError

UNKNOWN_KEY = "train.no_such_key=1"
"""Given with every call: were an argument's type not checked, the call would stop at this key (a ConfigError,
before anything trains) instead of training a whole ablation (``jobs=True`` passed the range check as 1)."""


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"seeds": 2.5}, "seeds must be a whole number, got 2.5"),
        ({"seeds": "3"}, "seeds must be a whole number, got '3'"),
        ({"jobs": True}, "jobs must be a whole number, got True"),
        ({"samples": 8.0}, "samples must be a whole number, got 8.0"),
        ({"executor": "ray", "gpus_per_run": "half"}, "gpus_per_run must be a number, got 'half'"),
    ],
)
def test_an_argument_of_the_wrong_type_is_an_option_error(tmp_path, synth_dir, kwargs, said):
    out = tmp_path / "abl"
    with pytest.raises(OptionError) as caught:
        mvae_core.ablate(synth_dir, out=out, overrides=[UNKNOWN_KEY], **kwargs)
    assert str(caught.value) == said and not out.exists()


def test_numpy_whole_numbers_are_accepted_by_the_check(tmp_path, synth_dir):
    # np.int64(0) is a whole number: it fails the range check, not the type check
    with pytest.raises(OptionError, match="epochs must be at least 1, got 0"):
        mvae_core.ablate(synth_dir, out=tmp_path / "abl", epochs=np.int64(0), overrides=[UNKNOWN_KEY])
