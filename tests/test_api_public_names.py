"""What ``mvae_core`` offers by name: every type the API's calls raise, warn with or return, so that a notebook
catches and filters them as ``mvae_core.X``. ``TrainedOnWarning`` (docs: "with a TrainedOnWarning"), ``ToolError``
(what ``encode`` and ``interpolate`` raise for a missing file), ``OptionError`` (docs: "its subclass OptionError")
and ``LoopCode`` (what ``encode`` returns) had to be imported from the modules that define them."""

from __future__ import annotations

import warnings

import pytest

import mvae_core


@pytest.mark.parametrize("name", mvae_core.__all__)
def test_every_public_name_resolves_and_states_its_contract(name):
    assert (getattr(mvae_core, name).__doc__ or "").strip(), f"mvae_core.{name} has no docstring"


def test_what_encode_raises_and_returns_is_named_by_mvae_core(tiny_run, synth_dir):
    with pytest.raises(mvae_core.ToolError, match="no such file"):
        mvae_core.encode(tiny_run, synth_dir / "missing.mid")
    codes = mvae_core.encode(tiny_run, sorted(synth_dir.glob("*.mid"))[0])
    assert codes and all(isinstance(code, mvae_core.LoopCode) for code in codes)
    with pytest.raises(mvae_core.OptionError, match=r"^steps must be between 2"):
        mvae_core.interpolate(tiny_run, [0, 0], [1, 1], steps=1)


def test_the_trained_on_warning_is_filtered_by_its_public_name(tiny_run, synth_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a TrainedOnWarning would raise
        warnings.filterwarnings("ignore", category=mvae_core.TrainedOnWarning)
        scores = mvae_core.evaluate(tiny_run, sorted(synth_dir.glob("*.mid"))[0], samples=2)
    assert scores["trained_on"]
