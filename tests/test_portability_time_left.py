"""The time a run has left is said by one rule, :func:`~mvae_core.progress.remaining`: a log's epoch line adds
``left`` to it, a terminal's bar puts ``eta`` before it; neither takes the other's words apart."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.progress import EpochDisplay, remaining, time_left
from tests.test_progress import record


def test_remaining_is_the_amount_the_log_and_the_bar_share():
    assert [remaining(s) for s in (0.2, 59.4, 119, 7200)] == ["~1 s", "~59 s", "~2 min", "~2.0 h"]
    assert time_left(119) == "~2 min left"


def test_the_log_and_the_bar_say_the_same_amount():
    for terminal, said in ((False, "~2 min left"), (True, "eta ~2 min")):
        screen = io.StringIO()
        console = Console(file=screen, force_terminal=terminal, width=300, soft_wrap=True)
        with EpochDisplay(console, 4) as display:
            display({**record(0.8), "epoch": 0, "seconds": 30.0, "events": []})  # 3 epochs of 30 s left
            display.progress.refresh()
        assert said in screen.getvalue()
