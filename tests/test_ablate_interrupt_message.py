"""A Ctrl-C of ``mvae_core.ablate`` in a notebook said "Run the same command again", naming no call; the Python
message names the ``mvae_core.ablate`` call, the command line's stays as it was."""

from __future__ import annotations

import os
import signal
import time

import pytest

from mvae_core.ablation.session import _interrupts_while
from mvae_core.errors import RunInterrupted


def test_a_stopped_ablation_names_the_call_in_python_and_the_command_on_the_command_line():
    with pytest.raises(RunInterrupted) as caught, _interrupts_while("finished runs are kept"):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the handler raises before this ends
    python, command = str(caught.value), caught.value.command_line_message()
    assert caught.value.exit_code == 130
    assert python == (
        "interrupted; finished runs are kept. Run the same command again (in Python, the same "
        "mvae_core.ablate call) to finish the ablation."
    )
    assert command == "interrupted; finished runs are kept. Run the same command again to finish the ablation."


def test_a_terminated_ablation_says_terminated_as_a_training_does():
    """kill -TERM of an ablation said "interrupted (SIGTERM)" where a training says "terminated (SIGTERM)"."""
    with pytest.raises(RunInterrupted) as caught, _interrupts_while("finished runs are kept"):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert caught.value.exit_code == 143
    assert str(caught.value).startswith("terminated (SIGTERM); finished runs are kept. Run the same command again")
