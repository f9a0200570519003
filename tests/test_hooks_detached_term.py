"""A plugin that replaced the model's KL term by a number (``torch.tensor(kl.item())``) trained two epochs with no KL
gradient and exited 0, in silence (from the plugin author's review)."""

from __future__ import annotations

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.host import PluginError, PluginHost

TERMS = {"kl": torch.tensor(2.0, requires_grad=True) * 1.0}


class Replace:
    def __init__(self, make) -> None:
        self.make = make

    @hookimpl
    def mvae_loss(self, terms):
        return {"kl": self.make(terms["kl"])}


@pytest.mark.parametrize("make", [lambda kl: torch.tensor(kl.item()), lambda kl: kl.detach() * 0.5])
def test_a_replaced_training_term_without_a_gradient_names_the_plugin(make):
    host = PluginHost({"flat_kl": Replace(make)})
    with pytest.raises(PluginError, match=r"^plugin 'flat_kl': mvae_loss replaced the training term 'kl' with a "
                                          r"tensor that carries no gradient .*multiplier of 0 from mvae_loss_weights"):  # fmt: skip
        host.adjust_terms(None, torch.zeros(1), None, dict(TERMS), "train")


def test_validation_added_terms_and_a_replacement_that_learns_are_taken():
    host = PluginHost({"flat_kl": Replace(lambda kl: torch.tensor(kl.item()))})
    with torch.no_grad():  # validation: no term carries a gradient
        assert host.adjust_terms(None, torch.zeros(1), None, dict(TERMS), "val")[1] == {"kl": "flat_kl"}
    learns = PluginHost({"half_kl": Replace(lambda kl: kl * 0.5)})
    assert learns.adjust_terms(None, torch.zeros(1), None, dict(TERMS), "train")[0]["kl"].requires_grad

    class Adds:
        @hookimpl
        def mvae_loss(self):
            return {"penalty": torch.tensor(0.0)}

    assert PluginHost({"adds": Adds()}).adjust_terms(None, torch.zeros(1), None, dict(TERMS), "train")[2] == {
        "penalty": "adds"
    }
