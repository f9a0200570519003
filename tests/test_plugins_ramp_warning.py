"""The ramp warning of kl_anneal and ts_ramp says how long to train for the command line and for Python (``--epochs 21;
in Python, epochs=21``). Before it said only ``train with --epochs 21 or more``, which reached ``mvae_core.train``
callers, who have no such flag. The quickstart shows the warnings as the plugins write them."""

from __future__ import annotations

from pathlib import Path

from mvae_plugins.kl_anneal import Config, KlAnneal
from mvae_plugins.scheduled import ramp_warning

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_warning_names_the_setting_not_a_flag():
    warning = ramp_warning("kl", KlAnneal(Config()).schedule, 2, "plugins.kl_anneal.schedule")
    assert warning is not None
    assert warning.endswith(
        "train for 21 epochs or more (--epochs 21; in Python, epochs=21), or shorten plugins.kl_anneal.schedule"
    )
    assert f"kl_anneal: {warning}" in (DOCS / "quickstart.md").read_text(encoding="utf-8")
