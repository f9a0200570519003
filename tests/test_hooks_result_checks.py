"""What a hook returns is checked and named, also what a hook wrapper makes of the results: a wrapper returning one
dict instead of the list crashed training with a bare AttributeError, naming no plugin; a string from a wrapper of
mvae_epoch_end became one stop reason per character. And the messages say what is wrong: a numpy multiplier was
told it must be a finite number >= 0 (it was one), a 0-dimensional int term read as '= []'."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mvae_core import hookimpl
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError


class HalfKl:
    @hookimpl
    def mvae_loss_weights(self, epoch):
        return {"kl": 0.5}


def _multipliers(**plugins):
    return PluginHost(plugins).epoch_multipliers(view=None, epoch=0)


def test_a_wrapper_that_returns_one_result_instead_of_the_list_is_named():
    class OneDict:
        @hookimpl(wrapper=True)
        def mvae_loss_weights(self, epoch):
            yield
            return {"kl": 0.5}

    with pytest.raises(PluginError, match=r"^plugin 'one': a wrapper of mvae_loss_weights must return the list of "
                                          r"results its yield gave \(changed or not\), got dict$"):  # fmt: skip
        _multipliers(half=HalfKl(), one=OneDict())


def test_a_result_a_wrapper_adds_is_checked_as_a_plugins_is():
    class AddsText:
        @hookimpl(wrapper=True)
        def mvae_loss_weights(self, epoch):
            results = yield
            return [*results, {"kl": "x"}]

    class Keeps:
        @hookimpl(wrapper=True)
        def mvae_loss_weights(self, epoch):
            results = yield
            return [*results, {"onset": 2.0}]

    with pytest.raises(PluginError, match=r"^plugin 'adds': mvae_loss_weights \(a result its wrapper added\) "
                                          r"returned 'kl' = 'x', a str; a multiplier is a Python int or float"):  # fmt: skip
        _multipliers(half=HalfKl(), adds=AddsText())
    assert _multipliers(half=HalfKl(), keeps=Keeps()).values == {"kl": 0.5, "onset": 2.0}  # a good one is kept


def test_a_wrapper_of_epoch_end_returning_a_string_is_not_read_a_character_at_a_time():
    class Stops:
        @hookimpl(wrapper=True)
        def mvae_epoch_end(self, epoch):
            yield
            return "stop please"

    with pytest.raises(PluginError, match=r"a wrapper of mvae_epoch_end must return the list .*, got str$"):
        PluginHost({"stops": Stops()}).stop_requests(view=None, epoch=0, metrics={})


@pytest.mark.parametrize("value", [np.float32(0.5), torch.tensor(0.5), "0.5"])
def test_a_multiplier_of_another_type_is_told_its_type_not_that_it_is_not_finite(value):
    class Typed:
        @hookimpl
        def mvae_loss_weights(self, epoch):
            return {"kl": value}

    with pytest.raises(PluginError, match=r"a multiplier is a Python int or float \(convert with float\(\.\.\.\)\)$"):
        _multipliers(typed=Typed())


@pytest.mark.parametrize(
    ("term", "said"),
    [(torch.tensor(3), "as a 0-dimensional int64 tensor"), (torch.zeros(3), "as a float32 tensor of shape [3]"),
     (0.5, "as a float")],
)  # fmt: skip
def test_a_term_that_is_not_a_scalar_float_tensor_is_told_what_it_is(term, said):
    class Term:
        @hookimpl
        def mvae_loss(self, terms, split):
            return {"extra": term}

    host = PluginHost({"term": Term()})
    with pytest.raises(
        PluginError, match=rf"returned 'extra' {__import__('re').escape(said)}; a term must be a scalar"
    ):
        host.adjust_terms(None, torch.zeros(1), None, {"kl": torch.tensor(0.0)}, "train")


def test_a_float_ramp_end_is_told_to_return_an_int():
    """A schedule's end_epoch() is a float: 20.0 was refused as 'not a whole number' without a word on the type."""

    class FloatRamp:
        @hookimpl
        def mvae_ramp_end(self):
            return 20.0

    with pytest.raises(PluginError, match=r"^plugin 'ramp': mvae_ramp_end must return a whole number of epochs >= 0 "
                                          r"\(or None\), got float 20\.0; return an int \(math\.ceil of a schedule's "
                                          r"end_epoch\(\)\)$"):  # fmt: skip
        PluginHost({"ramp": FloatRamp()}).ramps_end(view=None)
