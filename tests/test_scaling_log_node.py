"""A Ray task's attempt header names the node it trained on: on a cluster the log was the one record of a run that
did not say where it ran (Ray's dashboard does, with ``ray[default]`` on the head only). The header is still read
back as before (its first epoch, how it trained)."""

from __future__ import annotations

import socket
import sys

from mvae_core.ablation.ray_executor import train_task
from mvae_core.ablation.runner import latest_attempt_action, latest_attempt_start


def test_a_ray_task_s_attempt_header_names_its_node(tmp_path):
    log = tmp_path / "seed-0.log"
    (tmp_path / "configs").mkdir()  # --out as a task finds it: the driver has written the configurations
    outcome = train_task(["-c", "pass"], str(log), [str(tmp_path)], 1, str(tmp_path / "stop"), 2, 0.0)
    assert outcome.exit_code == 0, outcome.error
    header = log.read_text().splitlines()[0]
    threads = "OMP_NUM_THREADS=1 MKL_NUM_THREADS=1"  # the task's thread count, so the line runs again as it stands
    assert header == f"$ {threads} {sys.executable} -c pass  # attempt from epoch 3 on node {socket.gethostname()}"
    assert latest_attempt_start(log) == 2 and latest_attempt_action(log) == "new"
