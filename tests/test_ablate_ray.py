"""`mvae ablate --executor ray` on a real local Ray instance: the same runs and the same summary as the local worker
pool, a node that cannot see the data fails its run with that message, and Ctrl-C checkpoints the runs."""

from __future__ import annotations

import contextlib
import csv
import errno
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.ablation import ray_executor
from mvae_core.ablation.ray_executor import shared_paths, train_task
from mvae_core.cli import app
from mvae_core.cores import cores
from tests.ports import refusing_port
from tests.training import TINY

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")

SETTINGS = [arg for override in TINY for arg in ("--set", override)]
COMMON = ["--plugins", "kl_anneal", "--seeds", "1", "--epochs", "2", "--samples", "32", *SETTINGS]
"""The plan of the session's ``tiny_ablation`` (trained by the local worker pool) with one seed of its two."""
SAME = ("config", "seed", "run", "status", "produced", "epochs_run", "best_val_elbo", "onset_f1", "gen_timing_std",
        "in_key_gap", "warnings")  # fmt: skip


def _rows(out: Path) -> list[dict[str, str]]:
    with open(out / "summary.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _watch_session_roots(monkeypatch) -> list[tuple[Path, list[Path]]]:
    """Each :func:`~mvae_core.ablation.ray_executor.own_session_root` the ablation makes, with the session folders Ray
    left in it once the instance was shut down (just before the folder is removed), as they are made."""
    made = []
    own = ray_executor.own_session_root

    @contextlib.contextmanager
    def watched():
        with own() as root:
            yield root
            made.append((Path(root), sorted(Path(root).glob("session_2*"))))

    monkeypatch.setattr(ray_executor, "own_session_root", watched)
    return made


@pytest.mark.slow
def test_ray_and_the_local_pool_give_the_same_summary(synth_dir, tiny_ablation, tmp_path, monkeypatch):
    trained, plan, first = tiny_ablation  # the local pool's runs (--jobs 2): seed 0 of COMMON's plan, and seed 1
    options = {option: str(value) for option, value in zip(plan[2::2], plan[3::2], strict=True) if option != "--jobs"}
    assert first.exit_code == 0 and options | {"--seeds": "1"} == dict(zip(COMMON[:8:2], COMMON[1:8:2], strict=True))
    local, ray_out = shutil.copytree(trained, tmp_path / "local"), tmp_path / "ray"
    summarised = CliRunner().invoke(app, ["ablate", str(synth_dir), *COMMON, "--jobs", "2", "--out", str(local)])
    assert summarised.exit_code == 0 and "0 new" in summarised.output, summarised.output  # seed 0's rows, no training
    ray_args = ["ablate", str(synth_dir), *COMMON, "--executor", "ray", "--out", str(ray_out)]
    roots = _watch_session_roots(monkeypatch)
    result = CliRunner().invoke(app, [*ray_args, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    # the local instance's Ray session went into a folder of the command's own, removed once it was shut down
    ((root, sessions),) = roots
    assert len(sessions) == 1 and not root.exists(), (root, sessions)
    assert "Ray tasks (a local Ray instance), 1 CPU each, at most 1 at once" in result.output
    assert [{k: r[k] for k in SAME} for r in _rows(ray_out)] == [{k: r[k] for k in SAME} for r in _rows(local)]
    # --jobs 1: one run at a time (each run's config.toml is written as it starts, its last metrics line as it ends)
    spans = sorted(
        (run.joinpath("config.toml").stat().st_mtime, run.joinpath("metrics.jsonl").stat().st_mtime)
        for run in ray_out.glob("runs/*/seed-*")
    )
    assert len(spans) == 2 and all(end <= start for (_, end), (start, _) in itertools.pairwise(spans)), spans
    assert (ray_out / "logs" / "all" / "seed-0.log").read_text().startswith("$ ")
    again = CliRunner().invoke(app, ray_args)
    assert again.exit_code == 0 and "2 finished (skipped), 0 to resume, 0 new" in again.output


def _out_as_tasks_find_it(out: Path) -> Path:
    """``out`` as every Ray task finds it: the driver writes the ablation's configurations into it first."""
    (out / "configs").mkdir()
    return out


def test_a_node_that_cannot_see_the_data_fails_its_run_with_that_message(tmp_path):
    _out_as_tasks_find_it(tmp_path)
    missing = tmp_path / "not-mounted-here"
    must_see = [str(tmp_path), str(missing)]
    outcome = train_task(
        ["-m", "mvae_core.cli", "--help"], str(tmp_path / "log"), must_see, 1, str(tmp_path / "stop"), 0, 0.0
    )
    assert outcome.exit_code == 2
    assert f"cannot see {missing}" in outcome.error and "storage every Ray node sees" in outcome.error


def test_a_node_whose_mount_point_is_an_empty_folder_cannot_see_what_it_holds(tmp_path):
    """A shared file system not mounted on a node leaves its mount point, an empty folder: the run there found no data
    (`failed: no loops to train on`, naming no node) or wrote its log where the driver never saw it."""
    _out_as_tasks_find_it(tmp_path)
    mount_point = tmp_path / "data"
    mount_point.mkdir()
    must_see = [str(tmp_path), str(mount_point)]
    outcome = train_task(
        ["-m", "mvae_core.cli", "--help"], str(tmp_path / "log"), must_see, 1, str(tmp_path / "stop"), 0, 0.0
    )
    assert (outcome.exit_code, outcome.started) == (2, False)
    assert f"cannot see {mount_point}: an empty folder there" in outcome.error, outcome.error
    assert not (tmp_path / "log").exists()  # the training never started


def test_a_folder_a_node_cannot_list_is_said_so_with_the_reason(tmp_path, monkeypatch):
    """A listing that fails (a stale NFS handle) was said to be an empty folder with nothing mounted (helper-426)."""
    _out_as_tasks_find_it(tmp_path)
    stale = tmp_path / "data"
    stale.mkdir()

    def scandir(path):
        if Path(path) == stale:
            raise OSError(errno.ESTALE, os.strerror(errno.ESTALE), str(path))
        return real_scandir(path)

    real_scandir = os.scandir
    monkeypatch.setattr(ray_executor.os, "scandir", scandir)
    outcome = train_task(
        ["-m", "mvae_core.cli", "--help"], str(tmp_path / "log"), [str(tmp_path), str(stale)], 1,
        str(tmp_path / "stop"), 0, 0.0,
    )  # fmt: skip
    assert f"cannot see {stale}: a folder it cannot list there (Stale file handle)" in outcome.error, outcome.error


def test_shared_paths_are_out_and_the_data_but_not_the_packaged_corpus(tmp_path):
    assert shared_paths(["corpus:essen", str(tmp_path / "midi")], tmp_path / "abl") == [
        str((tmp_path / "abl").resolve()),
        str((tmp_path / "midi").resolve()),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--address", "auto"], "--address goes with --executor 'ray'"),
        (["--executor", "dask"], "--executor 'dask': choose 'local' or 'ray'"),
        (["--executor", "ray", "--cpus-per-run", "0"], "--cpus-per-run must be at least 1"),
    ],
)
def test_bad_executor_options_exit_2(synth_dir, tmp_path, args, message):
    result = CliRunner().invoke(app, ["ablate", str(synth_dir), *args, "--out", str(tmp_path / "abl")])
    assert result.exit_code == 2 and message in " ".join(result.output.split())


def test_an_address_where_nothing_listens_is_refused_at_once_and_nothing_is_written(synth_dir, tmp_path):
    """ray.init would retry such an address for minutes, printing Ray's own logs."""
    out = tmp_path / "abl"
    with refusing_port() as port:
        address = f"127.0.0.1:{port}"
        started = time.monotonic()
        result = CliRunner().invoke(
            app, ["ablate", str(synth_dir), "--executor", "ray", "--address", address, "--out", str(out)]
        )
    assert result.exit_code == 2 and time.monotonic() - started < 30
    assert f"--address {address}: no Ray cluster answers there (Connection refused); start one on that machine with " \
           f"`ray start --head --port {address.split(':')[1]}`" in " ".join(result.output.split())  # fmt: skip
    assert not out.exists()


def _fail_if_ended_or_late(process: subprocess.Popen[str], deadline: float, waited_for: str) -> None:
    """Fails the test with ``process``'s output if it has ended, or has not given ``waited_for`` by ``deadline``
    (``time.monotonic``), killing it first: reading the output of a process still running waits for its end, which
    for an ablation of 500 epochs held the test (and the suite) for as long, instead of failing it."""
    late = process.poll() is None
    if late and time.monotonic() < deadline:
        return
    process.kill()
    output = "".join(part for part in process.communicate() if part)
    why = "it had not by the deadline (killed)" if late else f"the ablation ended with exit code {process.returncode}"
    pytest.fail(f"waited for {waited_for}; {why}:\n{output[-4000:]}")


@pytest.mark.slow
def test_ctrl_c_cancels_the_ray_tasks_and_checkpoints_the_runs(synth_dir, tmp_path):
    out = tmp_path / "abl"
    command = [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--plugins", "kl_anneal",
               "--seeds", "1", "--epochs", "500", "--samples", "8", *SETTINGS, "--executor", "ray", "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        metrics = [out / "runs" / name / "seed-0" / "metrics.jsonl" for name in ("all", "none")]
        while not all(m.is_file() and m.stat().st_size > 0 for m in metrics):  # both runs are training
            _fail_if_ended_or_late(process, deadline, "both runs to train an epoch")
            time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=180)[0]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, output
    assert "interrupted; " in output
    assert all((m.parent / "checkpoint.pt").is_file() for m in metrics)
    assert not (out / ".ray-stop").exists()  # every task returned: the stop file is gone (it stayed behind)
    for name in ("all", "none"):
        assert "checkpointed. Continue with: mvae train --resume" in (out / "logs" / name / "seed-0.log").read_text()


def _children(pid: int) -> list[str]:
    """The command lines of ``pid``'s child processes (Linux's /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    lines = []
    for child in children:
        with contextlib.suppress(OSError):
            lines.append(Path(f"/proc/{child}/cmdline").read_text().replace("\0", " "))
    return lines


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds Ray's first process through Linux's /proc")
def test_ctrl_c_while_the_local_ray_instance_starts_says_stopped_and_writes_nothing(synth_dir, tmp_path):
    """A KeyboardInterrupt inside ray.init escaped the command: typer ended it with exit 130 and not a word."""
    out = tmp_path / "abl"
    command = [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--executor", "ray", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180  # generous: a hang fails all the same, a loaded machine not
        while not any("gcs_server" in line for line in _children(process.pid)):  # ray.init has begun its start
            _fail_if_ended_or_late(process, deadline, "ray.init to start Ray's first process")
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, errors
    assert "stopped: interrupted while starting a local Ray instance; nothing was written" in errors
    assert not out.exists()


def test_a_run_larger_than_the_local_instance_exits_2_with_one_line_and_writes_nothing(synth_dir, tmp_path):
    """Ray kept such tasks pending for ever. The console is that one line: Ray's own warning that token
    authentication is on (for the instance mvae starts and stops itself) stood above it."""
    out = tmp_path / "abl"
    command = [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--executor", "ray", "--gpus-per-run",
               "64", "--out", str(out)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "RAY_AUTH_MODE"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, env=env)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("error: --gpus-per-run 64: no node of the Ray cluster has that many GPUs (")
    assert line.endswith("(none has a GPU), so no run could start; leave it out: the runs then train on the nodes' "
                         "CPUs") or "the largest has" in line  # fmt: skip
    assert not out.exists()


def test_more_cpus_a_run_than_this_machine_has_are_refused_before_a_local_instance_starts(
    synth_dir, tmp_path, monkeypatch
):
    """It started a local Ray instance (seconds) to find that no node, this machine, had that many. A stand-in
    ``ray`` module whose ``init`` fails shows that none is started now (mvae imports ray where it joins)."""
    out, fake = tmp_path / "abl", types.ModuleType("ray")

    def init(*args, **kwargs):
        raise SystemExit("ray.init was called")

    fake.init = init
    monkeypatch.setitem(sys.modules, "ray", fake)
    cpus = str(cores() + 1)
    started = CliRunner().invoke(app, ["ablate", str(synth_dir), "--executor", "ray", "--cpus-per-run", cpus, "--out",
                                       str(out)])  # fmt: skip
    assert started.exit_code == 2, started.output
    assert started.stderr.splitlines() == [
        f"error: --cpus-per-run {cpus}: no node of the Ray cluster has that many CPUs (the largest has {cores()}), "
        f"so no run could start; give at most {cores()}"
    ]
    assert not out.exists()


@pytest.mark.parametrize(("gpus", "seen"), [(0.0, "''"), (0.5, "'as the node has it'")])
def test_a_run_that_reserved_no_gpu_sees_none(tmp_path, monkeypatch, gpus, seen):
    """Ray 2.60 leaves CUDA_VISIBLE_DEVICES alone for a task of num_gpus=0, so with --gpus-per-run 0 (the default)
    every run of a GPU node trained on its first GPU (train.device auto), none of them reserving it."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "as the node has it")
    log = _out_as_tasks_find_it(tmp_path) / "log"
    show = "import os; print(repr(os.environ['CUDA_VISIBLE_DEVICES']))"
    outcome = train_task(["-c", show], str(log), [str(tmp_path)], 1, str(tmp_path / "stop"), 0, gpus)
    assert outcome.exit_code == 0, log.read_text()
    assert log.read_text().splitlines()[-1] == seen
