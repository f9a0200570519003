"""Under torchrun, an error every process meets alike is said by rank 0 alone, and always said. The other ranks exited
at once without a word, and torchrun's agent, seeing one process fail, stopped the rest, rank 0 too when it had not
yet printed: in 4 of 12 runs of ``torchrun … train --config bad.toml`` the user got exit 1 and torchrun's report with
no ``error:`` line. A rank > 0 now waits (a bounded time) for rank 0 to say it, and a signal ends that wait without a
word (torchrun stops the waiting ranks with SIGTERM, Ctrl-C sends SIGINT)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import cli_output
from mvae_core.cli import app
from tests.test_distributed import needs_gloo

REFUSAL = "plugins.slow_refusal: refused on purpose"
PLUGIN = f"""
import os, pathlib, time

from mvae_core import hookimpl
from mvae_core.config import ConfigError


@hookimpl
def mvae_check_config(config):
    marker = os.environ.get("MVAE_TEST_CHECKED")
    if marker:
        pathlib.Path(marker).write_text("checked")
    if os.environ.get("RANK") == "0":
        time.sleep(2)  # rank 0 comes to the refusal last
    raise ConfigError({REFUSAL!r})
"""
"""A module plugin that refuses every config, on rank 0 two seconds after the others; it marks the file
``MVAE_TEST_CHECKED`` names when it is called."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder for PYTHONPATH with the plugin ``slow_refusal`` and its ``mvae.plugins`` entry point."""
    folder = tmp_path / "site"
    info = folder / "mvae_slow_refusal-0.1.dist-info"
    info.mkdir(parents=True)
    (folder / "slow_refusal.py").write_text(PLUGIN)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mvae-slow-refusal\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[mvae.plugins]\nslow_refusal = slow_refusal\n")
    return folder


def _env(site: Path, **more: str) -> dict[str, str]:
    repository = Path(__file__).resolve().parents[1]
    path = os.pathsep.join(p for p in (str(site), str(repository), os.environ.get("PYTHONPATH")) if p)
    return os.environ | {"PYTHONPATH": path, "OMP_NUM_THREADS": "1", **more}


def _train_args(data: Path, out: Path) -> list[str]:
    return ["train", str(data), "--plugins", "slow_refusal", "--epochs", "1", "--out", str(out)]


@needs_gloo
def test_rank_0_says_an_error_every_rank_meets_though_it_meets_it_last(site, pattern_dir, tmp_path):
    """Rank 1 refuses at once, rank 0 two seconds later: rank 0's line is on stderr, once, and rank 1, stopped by
    torchrun while it waited, says nothing and exits with the error's status (2), not by the signal."""
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    started = time.monotonic()
    result = subprocess.run(
        [*torchrun, "-m", "mvae_core.cli", *_train_args(pattern_dir, tmp_path / "r")],
        capture_output=True, text=True, timeout=120, env=_env(site), check=False,
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.returncode == 1, result.stderr  # torchrun's status when a process failed
    errors = [line for line in result.stderr.splitlines() if line.startswith(("error:", "stopped:"))]
    assert errors == [f"error: plugin 'slow_refusal' refuses the config: {REFUSAL}"], result.stderr
    # torchrun's table: rank 0 failed first, rank 1 ended with the error's status, not as killed by SIGTERM (-15)
    assert re.findall(r"^ *exitcode *: *(-?\d+)", result.stderr, re.MULTILINE) == ["2", "2"], result.stderr
    assert "KeyboardInterrupt" not in result.stderr, result.stderr
    assert took < cli_output.RANK_0_SPEAKS_S, took  # torchrun stopped the waiting rank once rank 0 had ended
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_a_waiting_rank_without_a_word(signum, site, pattern_dir, tmp_path):
    """A rank > 0 of a torchrun job (``TORCHELASTIC_RUN_ID``: started by torchrun's agent) waiting for rank 0 ends
    on SIGTERM (torchrun stopping it) or SIGINT (Ctrl-C) with the error's status and nothing on stdout or stderr: no
    traceback, no ``stopped:`` line."""
    checked = tmp_path / "checked"
    env = _env(site, RANK="1", LOCAL_RANK="1", WORLD_SIZE="2", TORCHELASTIC_RUN_ID="t", MVAE_TEST_CHECKED=str(checked))
    process = subprocess.Popen(
        [sys.executable, "-m", "mvae_core.cli", *_train_args(pattern_dir, tmp_path / "r")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not checked.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # from the refusal into the wait
        assert process.poll() is None, process.communicate()  # still waiting for rank 0
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (2, "", "")


@pytest.mark.parametrize("mistake", [["--set", "train.bogus=1"], ["--bogus"]], ids=["setting", "option"])
def test_the_wait_is_bounded_for_a_job_whose_rank_0_is_on_another_machine(mistake, monkeypatch, tmp_path):
    """Nothing stops a waiting rank whose rank 0 is elsewhere (its own node's agent sees no failure yet): it ends
    after the bounded wait, with the error's status and without a word. So does a command line that does not
    parse."""
    monkeypatch.setattr(cli_output, "RANK_0_SPEAKS_S", 0.3)
    for name, value in {"RANK": "9", "WORLD_SIZE": "16", "TORCHELASTIC_RUN_ID": "t"}.items():
        monkeypatch.setenv(name, value)
    started = time.monotonic()
    result = CliRunner().invoke(app, ["train", str(tmp_path), *mistake, "--out", str(tmp_path / "r")])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "")
    assert 0.3 <= time.monotonic() - started < 10


def test_scaling_md_says_how_long_the_wait_lasts_at_most():
    text = (Path(__file__).resolve().parents[1] / "docs" / "scaling.md").read_text(encoding="utf-8")
    assert f"for {cli_output.RANK_0_SPEAKS_S:g} seconds at most" in " ".join(text.split())
