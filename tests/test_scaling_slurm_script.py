"""docs/scaling.md's Slurm batch script. It waited for the Ray head and its workers with a fixed ``sleep 20`` each: on a
slow node the ablation then started before the cluster was whole (or before the head answered, and exited 2), and
on a fast one it wasted the time. It now polls ``ray status`` until the nodes it started are up, and ends the job
with an error naming how many are when a ``ray start`` ends or the time runs out. There is no Slurm here: these
tests check the script's syntax, where it waits, and its count of the nodes on ``ray status``'s real output; the
waits themselves were run by hand against a local head and worker (docs/scaling.md says so)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RAY_STATUS_TWO_NODES = """\
======== Autoscaler status: 2026-12-07 07:00:47.581688 ========
Node status
---------------------------------------------------------------
Active:
 1 node_03f4d18d9ffb0f9093f3f7fe567b9a29762bcf15a69abc0f67bc9979
 1 node_58615a044b6bcd980848fcb004403ffd2295db5def872d05bb9b0ee1
Pending:
 (no pending nodes)
Recent failures:
 (no failures)

Resources
---------------------------------------------------------------
Total Usage:
 0.0/3.0 CPU
 0B/31.37GiB memory
 0B/13.44GiB object_store_memory

From request_resources:
 (none)
Pending Demands:
 (no resource demands)
"""
"""What ``ray status --address HEAD:PORT`` printed (Ray 2.60) for a head and one worker started with ``ray start``."""


def slurm_script() -> str:
    """The one shell block of docs/scaling.md that is a batch script (``#SBATCH``)."""
    text = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    found = [block for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL) if "#SBATCH" in block]
    assert len(found) == 1, f"docs/scaling.md has {len(found)} Slurm scripts"
    return found[0]


def _bash() -> str:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    return bash


def test_the_slurm_script_is_bash_that_parses():
    ran = subprocess.run([_bash(), "-n"], input=slurm_script(), capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0, ran.stderr


def test_the_slurm_script_waits_for_the_nodes_it_started_not_for_a_fixed_time():
    script = slurm_script()
    assert not re.search(r"^sleep ", script, re.MULTILINE), "a fixed sleep instead of a wait"
    assert re.search(r"ray start --head .*--block &\nwait_for_nodes 1 \d+\n", script), script
    assert re.search(r"ray start --address .*--block &\ndone\nwait_for_nodes \"\$\{#nodes\[@\]\}\" \d+\n", script)
    assert script.index('wait_for_nodes "${#nodes[@]}"') < script.index("mvae ablate")


SECOND_NODE = " 1 node_58615a044b6bcd980848fcb004403ffd2295db5def872d05bb9b0ee1\n"
ONE_NODE = RAY_STATUS_TWO_NODES.replace(SECOND_NODE, "")
ONE_PENDING = ONE_NODE.replace(" (no pending nodes)\n", SECOND_NODE)
"""The head up and the worker not: gone from ``Active:``, and (as a node line) under ``Pending:``, not counted."""


@pytest.mark.parametrize(
    "status, nodes",
    [(RAY_STATUS_TWO_NODES, 2), (ONE_NODE, 1), (ONE_PENDING, 1), ("", 0)],
    ids=["two nodes", "one node", "one pending", "no answer"],
)
def test_the_script_counts_the_active_nodes_of_ray_status(status, nodes):
    (program,) = re.findall(r"awk '([^']*)'", slurm_script())
    awk = shutil.which("awk")
    if awk is None:
        pytest.skip("awk is not installed")
    ran = subprocess.run([awk, program], input=status, capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0 and ran.stdout.strip() == str(nodes), (ran.stdout, ran.stderr)
