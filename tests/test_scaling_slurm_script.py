"""docs/scaling.md's Slurm batch script. It waited for the Ray head and its workers with a fixed ``sleep 20`` each: on a
slow node the ablation then started before the cluster was whole (or before the head answered, and exited 2), and
on a fast one it wasted the time. It now polls ``ray status`` until the nodes it started are up, and ends the job
with an error naming how many are when a ``ray start`` ends or the time runs out. Its head's port follows from the
job's ID, and a job whose port something answers on before its head starts ends at once: with one fixed port (6379), a
second job of the same user on a node went on when its head failed (``already running``), and its worker and its
ablation joined the first job's cluster. There is no Slurm here: these tests check the script's syntax, where it
waits, its count of the nodes on ``ray status``'s real output, and run it whole with stand-ins for ``srun``,
``scontrol``, ``ray`` and ``mvae``; the waits themselves were run by hand against a local head and worker
(docs/scaling.md says so)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
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


STUBS = {
    "srun": """#!/bin/bash
# srun STEP-OPTIONS... COMMAND...: runs COMMAND here, as Slurm runs it on the node of -w
while [[ $1 == -* ]]; do case $1 in --cpus-per-task | -w) shift 2 ;; *) shift ;; esac; done
exec "$@"
""",
    "scontrol": """#!/bin/bash
printf '127.0.0.1\\n127.0.0.1\\n'   # scontrol show hostnames: two nodes, both this machine
""",
    "ray": """#!/bin/bash
# The cluster of $CLUSTER: its head's address in $CLUSTER/address (`*`: it answers at any address), a line a node in
# $CLUSTER/nodes. `ray start` blocks (--block) as long as the node runs.
echo "ray $*" >> "$CALLS"
case $1 in
  get-auth-token) exit 0 ;;
  status)
    [[ -f $CLUSTER/address && ($(< "$CLUSTER/address") == "*" || $(< "$CLUSTER/address") == "$3") ]] || exit 1
    printf 'Node status\\nActive:\\n'; sed 's/^/ 1 node_/' "$CLUSTER/nodes"
    printf 'Pending:\\n (no pending nodes)\\n' ;;
  start)
    if [[ $2 == --head ]]; then
      if [[ -f $CLUSTER/address ]]; then echo "ConnectionError: Ray is already running at that port" >&2; exit 1; fi
      echo "127.0.0.1:$4" > "$CLUSTER/address"
    elif [[ $3 != "$(< "$CLUSTER/address")" ]]; then
      exit 1
    fi
    echo "$$" >> "$CLUSTER/nodes"
    exec sleep 300 ;;
esac
""",
    "mvae": """#!/bin/bash
echo "mvae $*" >> "$CALLS"
""",
}
"""Stand-ins for Slurm's ``srun`` and ``scontrol``, Ray's ``ray`` (a cluster kept in files) and ``mvae``: each
records its call in ``$CALLS``."""

JOB_ID_THOUSANDS = 4321_0000
"""A job ID is this plus the port's offset from 20000: the script's port is 20000 + the job ID's last four digits."""


def _free_port_of_a_job() -> int:
    """A port of the script's range (20000 to 29999) that nothing listens on now."""
    for port in range(24750, 25000):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 24750-24999")


def _run_the_script(tmp_path: Path, port: int) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """docs/scaling.md's Slurm script run whole with :data:`STUBS` on ``PATH``, as job 4321xxxx (``port``); what it
    did and the stubs' calls. Every process it left (the blocking ``ray start``s) is killed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in STUBS.items():
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    (tmp_path / "cluster").mkdir(exist_ok=True)
    calls = tmp_path / "calls"
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": str(tmp_path), "CALLS": str(calls),
        "CLUSTER": str(tmp_path / "cluster"), "SLURM_JOB_ID": str(JOB_ID_THOUSANDS + port - 20000),
        "SLURM_JOB_NODELIST": "node[1-2]", "SLURM_CPUS_PER_TASK": "1",
    }  # fmt: skip
    with (
        open(tmp_path / "stdout", "w+", encoding="utf-8") as stdout,
        open(tmp_path / "stderr", "w+", encoding="utf-8") as stderr,
    ):
        process = subprocess.Popen(  # files, not pipes, which the ray starts left running would hold open
            [_bash(), "-c", slurm_script()], cwd=tmp_path, env=env, stdout=stdout, stderr=stderr,
            start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(timeout=120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        stdout.seek(0)
        stderr.seek(0)
        ran = subprocess.CompletedProcess(process.args, process.returncode, stdout.read(), stderr.read())
    return ran, calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


def test_the_script_starts_a_cluster_at_the_port_of_its_job_and_runs_the_ablation_there(tmp_path):
    port = _free_port_of_a_job()
    ran, calls = _run_the_script(tmp_path, port)
    assert ran.returncode == 0, ran.stderr
    starts = [call for call in calls if call.startswith("ray start")]
    assert starts == [
        f"ray start --head --port {port} --num-cpus 1 --block",
        f"ray start --address 127.0.0.1:{port} --num-cpus 1 --block",
    ], calls
    (ablation,) = [call for call in calls if call.startswith("mvae ")]
    assert f"--executor ray --address 127.0.0.1:{port} " in ablation
    assert all(call.endswith(f"--address 127.0.0.1:{port}") for call in calls if call.startswith("ray status"))


def test_a_cluster_that_answers_before_the_head_starts_ends_the_job_before_it_starts_anything(tmp_path):
    """Another job of the same user on the node: its cluster answers `ray status` with this user's token. The script
    went on: its head failed (`already running`), its worker joined that cluster, and its ablation ran there."""
    port = _free_port_of_a_job()
    (tmp_path / "cluster").mkdir()
    (tmp_path / "cluster" / "address").write_text("*", encoding="utf-8")
    (tmp_path / "cluster" / "nodes").write_text("1\n2\n", encoding="utf-8")
    with socket.create_server(("127.0.0.1", port)):  # that cluster's head
        ran, calls = _run_the_script(tmp_path, port)
    assert ran.returncode == 1, (ran.stderr, calls)
    assert ran.stderr.splitlines()[-1] == (
        f"error: something already answers at 127.0.0.1:{port}, this job's Ray port (another job's Ray cluster?): "
        "nothing was started; submit the job again (its port follows from its job ID)"
    )
    assert not [call for call in calls if call.startswith(("ray start", "mvae "))], calls
