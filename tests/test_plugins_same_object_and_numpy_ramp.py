"""Two small plugin-author slips get a clear message (helper-431 findings 6 and 7): the same plugin object under two
names gave pluggy's two-line table of the manager's plugins, and ``mvae_ramp_end`` returning a numpy integer was
refused without the conversion the other checks name."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core import hookimpl
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError
from tests.training import make_trainer, tiny_config


class Warmup:
    @hookimpl
    def mvae_epoch_start(self, trainer):
        pass


def test_one_object_under_two_names_is_refused_naming_both():
    plugin = Warmup()
    with pytest.raises(PluginError) as error:
        PluginHost({"x": plugin, "y": plugin})
    said = str(error.value)
    assert said == (
        f"plugins 'x' and 'y' are the same object ({Warmup.__module__}:Warmup); a plugin keeps its state in itself, "
        "so pass a new instance for each name"
    )
    assert "\n" not in said


def test_two_instances_of_one_class_may_run_under_two_names():
    assert PluginHost({"x": Warmup(), "y": Warmup()}).names == ["x", "y"]


class NumpyRamp:
    @hookimpl
    def mvae_ramp_end(self):
        return np.int64(2)


def test_a_numpy_ramp_end_names_the_conversion(synth_dir):
    with pytest.raises(
        PluginError,
        match=r"^plugin 'ramp': mvae_ramp_end must return a whole number of epochs >= 0 "
        r"\(or None\), got int64 np\.int64\(2\); return a Python int \(convert with int\(\.\.\.\)\)$",
    ):
        make_trainer(synth_dir, tiny_config(epochs=1), {"ramp": NumpyRamp()}).fit()
