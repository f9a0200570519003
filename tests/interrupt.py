"""Deterministic interrupts for tests: ``mvae train`` in a subprocess that signals itself before a given step.

The subprocess wraps the trainer's batch source (``mvae_core.trainer.batch_source``: called once per training step,
never by validation) with a counter and sends ``signum`` to its own process just before the ``at_step``-th call (1-based, counted over the
whole run), so a SIGKILL or SIGTERM lands at the same point of training on every run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

DUMP_ON_ABORT = {"PYTHONFAULTHANDLER": "1"}
"""Environment for a subprocess that :func:`exit_code_or_stacks` may abort: on SIGABRT Python prints every thread's
stack to stderr."""

SCRIPT = """
import os, signal, sys
import torch
torch.set_num_threads(1)  # as in the test process: identical arithmetic, so runs can be compared bit for bit
import mvae_core.trainer as trainer
from mvae_core.cli import main
at_step, signum = int(sys.argv[1]), int(sys.argv[2])
batch_source, calls = trainer.batch_source, [0]
def counting_source(*args, **kwargs):
    source = batch_source(*args, **kwargs)
    def counting(index):
        calls[0] += 1
        if calls[0] == at_step:
            os.kill(os.getpid(), signum)
        return source(index)
    return counting
trainer.batch_source = counting_source
sys.argv = ["mvae", *sys.argv[3:]]
main()
"""


def train_signalled(args: list[str | Path], signum: int, at_step: int) -> subprocess.CompletedProcess[str]:
    """Run ``mvae ARGS`` in a fresh Python process that gets ``signum`` at training step ``at_step``."""
    command = [sys.executable, "-c", SCRIPT, str(at_step), str(signum), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ.copy(), check=False)


@contextlib.contextmanager
def serving(args: list[str]) -> Iterator[list[str]]:
    """``mvae ARGS`` (a ``serve`` command) in a fresh Python process: yields the lines it printed up to ``Ctrl-C
    stops.`` (it is ready), then stops it with SIGINT and checks that it exits 130; killed whatever happens."""
    command = [sys.executable, "-m", "mvae_core.cli", *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **DUMP_ON_ABORT}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        printed: list[str] = []
        while not printed or printed[-1] != "Ctrl-C stops.":
            line = process.stdout.readline()
            assert line, f"the server ended: {process.stderr.read()}"
            printed.append(line.rstrip())
        yield printed
        process.send_signal(signal.SIGINT)
        assert exit_code_or_stacks(process, timeout=30) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def exit_code_or_stacks(process: subprocess.Popen[str], timeout: float) -> int:
    """``process``'s exit code once it ends; if it has not ended within ``timeout`` seconds, fails the test with the
    stacks of its threads (it must run with :data:`DUMP_ON_ABORT`), so that a hang says where it hung."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        try:
            _, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        pytest.fail(f"{process.args} did not end within {timeout:g} s; its threads then:\n{stderr[-8000:]}")


def steps_per_epoch(data_dir: Path, overrides: list[str], seed: int) -> int:
    """Optimiser steps of one epoch of ``mvae train DATA_DIR --set OVERRIDES --seed SEED``."""
    from mvae_core.config import build_config
    from mvae_core.data.batches import batch_indices
    from mvae_core.data.load import load_dataset
    from mvae_core.data.split import split_by_source

    cfg = build_config(None, overrides, {"train.seed": seed})
    table, _ = load_dataset([str(data_dir)], cfg.data)
    train, _, _ = split_by_source(table, cfg.data, seed)
    return sum(1 for _ in batch_indices(len(train), cfg.train.batch_size, rng=None))


def assert_same_training(expected: Path, actual: Path) -> None:
    """Two run directories hold bit-identical weights (best model and checkpoint, optimiser included) and the
    same metrics.jsonl apart from the epoch timings (``CLOCK_KEYS``) and the text of mvae's own warnings (which name
    each run's folder)."""
    import torch
    from safetensors.torch import load_file

    best_a, best_b = load_file(str(expected / "model.safetensors")), load_file(str(actual / "model.safetensors"))
    assert best_a.keys() == best_b.keys()
    for name, tensor in best_a.items():
        assert torch.equal(tensor, best_b[name]), f"model.safetensors: {name} differs"
    ckpt_a = torch.load(expected / "checkpoint.pt", weights_only=True)
    ckpt_b = torch.load(actual / "checkpoint.pt", weights_only=True)
    assert ckpt_a["epoch"] == ckpt_b["epoch"] and "progress" not in ckpt_b
    for name, tensor in ckpt_a["model"].items():
        assert torch.equal(tensor, ckpt_b["model"][name]), f"checkpoint.pt: {name} differs"
    for key, state in ckpt_a["optimizer"]["state"].items():
        for part, tensor in state.items():
            assert torch.equal(tensor, ckpt_b["optimizer"]["state"][key][part]), f"Adam {part} of {key} differs"
    assert torch.equal(ckpt_a["torch_rng"], ckpt_b["torch_rng"])
    assert _metrics(expected) == _metrics(actual)


def _metrics(run: Path) -> list[dict]:
    import json

    from mvae_core.metrics_record import CLOCK_KEYS
    from mvae_core.progress import mvaes_warning

    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    for record in records:
        for key in CLOCK_KEYS:
            record.pop(key)
        record["events"] = [{**e, "message": "…"} if mvaes_warning(e) else e for e in record.get("events", [])]
    return records
