"""A plugin's loss term may not be named like a label of the console's epoch line (``loss``, ``elbo``, ``w``, …): the
line showed the term's number under that label beside the line's own (``loss 12.30  val 12.10  … loss 0.042``), two
columns of one label meaning two numbers. Refused as a model's added term of such a name is (one rule,
``host.term_name_problem``, one list of labels, ``epoch_labels.LABEL``, which the line is built with): where a plugin
declares it in ``mvae_added_terms`` (before any data), and where ``mvae_loss`` returns it (at the first step)."""

from __future__ import annotations

import re

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.config import LOSS_TERMS
from mvae_core.epoch_labels import LABEL
from mvae_core.host import PluginHost, term_name_problem
from mvae_core.plugins import PluginError
from mvae_core.progress import epoch_line
from mvae_core.run_plugins import check_watched_entries
from tests.test_hooks import make_trainer
from tests.test_hooks_added_terms_dotted import Declares
from tests.training import tiny_config


@pytest.mark.parametrize("term", ["loss", "elbo", "val", "w", "lr", "au"])
def test_a_declared_term_named_like_an_epoch_line_label_is_refused_before_any_data(term):
    host = PluginHost({"aux": Declares(term)})
    message = (
        rf"^plugin 'aux': mvae_added_terms declares a term named '{term}'; a label the epoch line shows of its own "
        rf"\(loss, val, elbo, on, vel, dur, ts, f1, rhythm, spread, au, w, lr\), which the term would share; use "
        rf"another name, e.g. '{term}_term'$"
    )
    with pytest.raises(PluginError, match=message):
        check_watched_entries(host, tiny_config())


def test_a_term_mvae_loss_returns_under_such_a_label_is_refused_at_the_first_step(synth_dir):
    class Elbo:
        @hookimpl
        def mvae_loss(self):
            return {"elbo": torch.tensor(0.0)}

    with pytest.raises(PluginError, match=r"plugin 'bad': mvae_loss returned a term named 'elbo'; a label the epoch"):
        make_trainer(synth_dir, tiny_config(epochs=1), {"bad": Elbo()}).fit()


def test_the_names_plugins_use_pass():
    """The core terms (free_bits', the schedules' kl: returned, they replace the run's term) and the examples' own
    (mu_l2) are no labels; nor is a label's longer form."""
    for name in (*LOSS_TERMS, "mu_l2", "aux", "loss_term", "val_loss", "onset_f1", "lr_penalty"):
        assert term_name_problem(name) is None, name


def test_the_labels_are_the_epoch_lines_own():
    """Each of LABEL is a label on the line, before a number, and the line has no other (its terms aside)."""
    terms = dict.fromkeys(("onset", "velocity", "duration", "timeshift", "kl", "total"), 1.0)
    record = {"epoch": 0, "train": terms, "val": terms, "val_elbo": 1.0, "weights": {"kl": 0.5}, "onset_f1": 0.5}
    record |= {"rhythm_f1": 0.5, "active_units": 1, "lr": 1e-3, "seconds": 1.0, "timing_std": {}}
    line = epoch_line(record, 3)
    labels = re.findall(r"(?:^|\s)([a-z][a-z0-9]*) +(?=[-0-9.]|kl×|quantized)", line)
    assert sorted(LABEL) == sorted(set(labels) - {"epoch", "kl"}), line  # kl: a core term, shown by its name
