"""The training bar on a terminal gives the time a run has left from its first epoch on, as a log's epoch lines do:
rich's own estimate needs two advances of the bar, so for two whole epochs (minutes each on a busy machine) a
newcomer read ``eta -:--:--``."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.progress import EpochDisplay, time_left
from tests.test_progress import record


def test_the_bar_says_the_time_left_after_the_first_epoch():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200, soft_wrap=True)
    with EpochDisplay(console, 4) as display:
        display({**record(0.8), "epoch": 0, "seconds": 30.0, "events": []})
        display.progress.refresh()
        shown = screen.getvalue()
    assert "-:--:--" not in shown
    assert f"eta {time_left(90.0).removesuffix(' left')}" in shown  # 3 epochs of 30 s: "eta ~2 min"
