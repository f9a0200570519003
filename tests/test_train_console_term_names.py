"""A loss term a plugin adds (``mvae_loss``) may have any non-empty name: the epoch line printed ``l2[z]`` as ``l2``
(rich read ``[z]`` as a style), and a name holding ``[/]`` stopped the training with a rich MarkupError."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.progress import EpochDisplay
from tests.test_progress import TERMS, record


def test_plugin_term_names_print_as_they_are():
    out = io.StringIO()
    with EpochDisplay(Console(file=out, width=300, highlight=False, soft_wrap=True), 2) as display:
        rec = record(0.8)
        rec |= {"val": {**TERMS, "l2[z]": 0.012, "x[/]": 0.5}, "weights": {"l2[z]": 0.5}, "events": []}
        display(rec)
    line = out.getvalue()
    assert "kl 23.06 l2[z] 0.012 x[/] 0.50  f1" in line and "w l2[z]×0.5  lr" in line


def test_a_closing_tag_in_a_term_name_does_not_stop_the_training():
    out = io.StringIO()
    with EpochDisplay(Console(file=out, width=300), 2) as display:
        display(record(0.8) | {"val": {**TERMS, "x[/]": 0.5}, "events": []})
    assert "kl 23.06 x[/] 0.50  f1" in out.getvalue()
