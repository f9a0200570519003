"""A term declared in ``mvae_added_terms`` under the name of a core term (``kl``), or of a term the model adds with the
run's settings (``melody_rnn``'s ``bag``), is refused before any data is read, naming the plugin, the hook and the
term. ``mvae_loss`` returning such a name replaces the run's term: a plugin whose setting named its penalty ``kl``
trained without the real KL, under the plugin's multiplier, and exited 0 without a word."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.config import LOSS_TERMS
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError
from mvae_core.run_plugins import check_watched_entries
from tests.test_hooks_added_terms_dotted import Declares
from tests.training import tiny_config


@pytest.mark.parametrize("term", LOSS_TERMS)
def test_a_core_terms_name_is_refused(term):
    host = PluginHost({"penalty": Declares(term)})
    with pytest.raises(PluginError, match=rf"plugin 'penalty': mvae_added_terms declares '{term}', the core's term"):
        check_watched_entries(host, tiny_config())


def test_the_models_added_terms_name_is_refused_only_where_the_model_adds_it():
    with_bag = tiny_config("model.name=melody_rnn", "model.melody_rnn.bag_weight=0.25")
    with pytest.raises(PluginError, match=r"declares 'bag', the model's term: .* none of onset, .*, bag \("):
        check_watched_entries(PluginHost({"penalty": Declares("bag")}), with_bag)
    check_watched_entries(PluginHost({"penalty": Declares("bag")}), tiny_config("model.name=melody_rnn"))


def test_training_with_such_a_plugin_stops_before_training(synth_dir, tmp_path):
    with pytest.raises(PluginError, match="declares 'kl'"):
        mvae_core.train([synth_dir], tmp_path / "run", plugins=[Declares("kl")], progress=False)
    assert not (tmp_path / "run" / "metrics.jsonl").exists()


def test_a_term_two_plugins_declare_is_refused_naming_both():
    host = PluginHost({"a": Declares("mu_l2"), "b": Declares("mu_l2")})
    with pytest.raises(PluginError, match=r"^plugins 'a' and 'b' both declare the loss term 'mu_l2' in mvae_added"):
        check_watched_entries(host, tiny_config())
    check_watched_entries(PluginHost({"a": Declares("mu_l2"), "b": Declares("aux")}), tiny_config())
