"""`mvae ablate --executor ray` against a Ray cluster started apart from the driver (`ray start --head`, as
docs/scaling.md sets one up): its workers start in the head's folder, not the driver's; a run asking for more CPUs
or GPUs than any node has is refused at once; and without --address a local instance is started even while such a
cluster runs on this machine. One head serves the module (started in a folder of its own, stopped at the end)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mvae_core.ablation.ray_executor import TOKEN_REFUSED
from tests.training import TINY

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")

SETTINGS = [arg for override in TINY for arg in ("--set", override)]


def _env(**more: str) -> dict[str, str]:
    """The environment of the heads and the drivers: this one's when called (so the session's isolated parse cache,
    conftest's MVAE_CACHE_DIR, not the user's), without token authentication, with ``more``."""
    return {**os.environ, "RAY_AUTH_MODE": "disabled", "PYTHONUNBUFFERED": "1", **more}


ADDRESS_LINE = re.compile(r"ray start --address='[^']*:(\d+)'")
"""The line of `ray start --head`'s output that gives its address (Ray keeps it stable: its Java driver reads it)."""


@contextmanager
def _head(where: Path, env: dict[str, str]) -> Iterator[str]:
    """``ray start --head`` (2 CPUs) in the folder ``where`` with ``env``; its address. It binds a port of its own
    choosing (``--port 0``), read back from its output: a port picked free and closed for it to bind could be taken
    by another program meanwhile. Stopped through its process group, so the other Ray instances of this machine are
    left alone."""
    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists():
        pytest.skip("the ray command is not installed beside this Python")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:  # not a pipe: nobody reads it while the head runs
        process = subprocess.Popen(
            [str(ray_bin), "start", "--head", "--port", "0", "--num-cpus", "2", "--include-dashboard", "false",
             "--block"],
            cwd=where, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        port = None
        try:
            deadline = time.monotonic() + 180  # generous: a hang fails all the same, a loaded machine not
            while port is None:
                output.seek(0)
                if found := ADDRESS_LINE.search(output.read()):
                    port = found[1]
                    continue
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    pytest.fail(f"ray start --head did not come up:\n{output.read()[-4000:]}")
                time.sleep(0.5)
            yield f"127.0.0.1:{port}"
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # `ray start --block` took over 30 s to end on SIGTERM
            process.wait()
            current = Path("/tmp/ray/ray_current_cluster")  # `ray start` names its head here; ray.init reads it
            if port and current.is_file() and current.read_text().strip().endswith(f":{port}"):
                current.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def head_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The parse cache of :func:`head`'s environment (``MVAE_CACHE_DIR``), which a task given the driver's must not
    use."""
    return tmp_path_factory.mktemp("head-cache")


@pytest.fixture(scope="module")
def head(tmp_path_factory: pytest.TempPathFactory, head_cache: Path) -> Iterator[str]:
    """A head without token authentication, in a folder of its own, which no task may write into."""
    where = tmp_path_factory.mktemp("head-cwd")
    with _head(where, _env(MVAE_CACHE_DIR=str(head_cache))) as address:
        yield address
    assert not any(where.iterdir()), "a task wrote into the head's folder"


def _ablate(cwd: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mvae_core.cli", "ablate", *args, "--executor", "ray"]
    return subprocess.run(command, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_relative_data_and_out_work_on_a_cluster_whose_workers_start_elsewhere(head, head_cache, synth_dir, tmp_path):
    """The tasks' commands and logs name absolute paths (they named DATA and --out as given, relative to the
    driver's folder: every run failed with 'cannot read config file abl/configs/all.toml', its log written under the
    head's folder). The task trains with the driver's MVAE_CACHE_DIR, which the driver filled (it had the head's
    environment: it parsed the data again, into the head's cache, and a shared MVAE_CACHE_DIR reached no task)."""
    shutil.copytree(synth_dir, tmp_path / "midi")
    (tmp_path / "c.toml").write_text('[configs.all]\nplugins = ["kl_anneal"]\n')  # one run shows it (and is faster)
    result = _ablate(tmp_path, "midi", "--configs", "c.toml", "--seeds", "1", "--epochs", "1", "--samples", "8",
                     *SETTINGS, "--address", head, "--out", "abl", MVAE_CACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[1/1]" in result.stdout and "failed" not in result.stdout
    log = (tmp_path / "abl" / "logs" / "all" / "seed-0.log").read_text()
    assert f" {tmp_path / 'midi'} --config {tmp_path / 'abl' / 'configs' / 'all.toml'} " in log  # runs as it stands
    assert " 0 parsed" in log and not any(head_cache.iterdir()), log


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--cpus-per-run", "3"],
            "--cpus-per-run 3: no node of the Ray cluster has that many CPUs (the largest has 2), so no run could "
            "start; give at most 2",
        ),
        (
            ["--gpus-per-run", "0.5"],
            "--gpus-per-run 0.5: no node of the Ray cluster has that many GPUs (none has a GPU), so no run could "
            "start; leave it out: the runs then train on the nodes' CPUs",
        ),
    ],
)
def test_a_run_larger_than_every_node_is_refused_before_anything_is_written(head, synth_dir, tmp_path, option, message):
    """Ray kept such tasks pending for ever, saying nothing on the driver's console."""
    result = _ablate(tmp_path, str(synth_dir), *option, "--address", head, "--out", "abl", timeout=180)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "abl").exists()


def test_without_address_a_local_instance_is_started_beside_a_running_cluster(head, synth_dir, tmp_path):
    """ray.init() without an address joined the cluster that `ray start` runs on this machine and then refused its
    own num_cpus ('could not start a local Ray instance'). Here the local instance starts, and its node is then found
    too small for 64 GPUs a run."""
    result = _ablate(tmp_path, str(synth_dir), "--gpus-per-run", "64", "--out", "abl", timeout=180)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--gpus-per-run 64: no node of the Ray cluster has that many GPUs" in " ".join(result.stderr.split())


@pytest.mark.slow
def test_a_cluster_that_refuses_the_driver_s_token_is_named_with_the_fix(synth_dir, tmp_path):
    """Ray 2.60's `ray start --head` turns token authentication on where ~/.ray/auth_token exists, and a driver given
    an explicit address sends no token unless RAY_AUTH_MODE=token: Ray retried for 20 s and mvae said only 'cannot
    join the Ray cluster (Failed to connect to Ray cluster at …)'. The driver here retries twice, not 20 times."""
    secured = _env(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN="0123456789abcdef" * 4)
    driver = {k: v for k, v in _env().items() if k not in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")}
    driver["RAY_gcs_server_port_wait_time_s"] = "2"  # Ray's retries: 2 of about a second each, not its default 20
    (tmp_path / "head").mkdir()
    with _head(tmp_path / "head", secured) as address:
        command = [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--executor", "ray",
                   "--address", address, "--out", "abl"]  # fmt: skip
        result = subprocess.run(command, cwd=tmp_path, env=driver, capture_output=True, text=True, timeout=180)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"error: --address {address}: {TOKEN_REFUSED}" in " ".join(result.stderr.split())
    assert not (tmp_path / "abl").exists()
