"""A term declared in ``mvae_added_terms`` with a dot (``"aux.kl"``) is refused before any data is read, naming the
plugin, the term and the name to use, as ``mvae_loss`` refuses such a term at the first step: its numbers'
paths (``val.aux.kl``) could not be told from a section's."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError
from mvae_core.run_plugins import check_watched_entries
from tests.training import tiny_config


class Declares:
    def __init__(self, term: str) -> None:
        self.term = term

    @hookimpl
    def mvae_added_terms(self):
        return [self.term]


@pytest.mark.parametrize(("term", "fix"), [("aux.kl", "'aux_kl'"), (" aux", "'aux'"), ("total", "other than 'total'")])
def test_a_declared_term_its_paths_could_not_reach_is_refused_before_any_data(term, fix):
    host = PluginHost({"aux": Declares(term)})
    with pytest.raises(PluginError, match=rf"plugin 'aux': mvae_added_terms declares a term named '{term}'; .*{fix}"):
        check_watched_entries(host, tiny_config())


def test_a_declared_term_without_a_dot_is_accepted():
    check_watched_entries(PluginHost({"aux": Declares("aux_kl")}), tiny_config())
