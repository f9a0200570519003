"""A Ctrl-C of ``mvae ablate`` just after its last run had ended (before the summary was written) said "finished runs
are kept, running ones were checkpointed", while nothing was running: every run had finished, and the re-run only
summarised them. The ``stopped:`` line now says what its runs are when the signal has stopped them, on the local
pool and on Ray alike (both run inside the same handler of ``session._execute``)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sys

import pytest

from mvae_core.ablation import runner
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.session import _execute
from mvae_core.errors import RunInterrupted

FINISH = "import sys; open(sys.argv[1], 'a', encoding='utf-8').write(sys.argv[2])"
"""A stand-in for the worker's ``mvae train --resume``: it appends the run's last epoch to its metrics.jsonl."""


def _stopped_after(out, finishes: bool) -> str:
    """The ``stopped:`` line of a Ctrl-C as the ablation reports its one run done: a resumed run (all/seed-0 of the
    tiny ablation with its last epoch cut off) whose stand-in worker writes that epoch back when ``finishes``."""
    metrics = runner.run_path(out, "all", 0) / "metrics.jsonl"
    *earlier, last = metrics.read_text(encoding="utf-8").splitlines(keepends=True)
    metrics.write_text("".join(earlier), encoding="utf-8")
    tasks, _ = runner.plan_tasks([Configuration("all", ("kl_anneal",))], 1, 2, ["data"], out)
    assert [task.action for task in tasks] == ["resumed"]
    written = last if finishes else ""
    tasks = [dataclasses.replace(task, command=(sys.executable, "-c", FINISH, str(metrics), written)) for task in tasks]

    def ctrl_c_when_done(line: str) -> None:
        if line.startswith("[1/1]"):
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(RunInterrupted) as caught:
        _execute(tasks, "local", 1, ["data"], out, 1, 0.0, ctrl_c_when_done)
    assert caught.value.exit_code == 130
    return caught.value.command_line_message()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_stop_after_every_run_finished_says_so(tiny_ablation, tmp_path):
    out = shutil.copytree(tiny_ablation[0], tmp_path / "abl")
    assert _stopped_after(out, finishes=True) == (
        "interrupted; every run had finished, but the summary was not written. Run the same command again to finish "
        "the ablation."
    )
    tasks, finished = runner.plan_tasks([Configuration("all", ("kl_anneal",))], 1, 2, ["data"], out)
    assert tasks == [] and finished == [("all", 0)]  # what the line says: the re-run only summarises


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_stop_that_leaves_a_run_unfinished_says_the_running_ones_were_checkpointed(tiny_ablation, tmp_path):
    out = shutil.copytree(tiny_ablation[0], tmp_path / "abl")
    assert _stopped_after(out, finishes=False).startswith(
        "interrupted; finished runs are kept, running ones were checkpointed. Run the same command again"
    )
