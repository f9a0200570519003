"""Data-parallel training: two CPU processes (gloo) against one process with the same global batch."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.distributed

from mvae_core.config import ConfigError
from mvae_core.distributed import Distributed
from mvae_core.models.base import Forward
from tests.training import make_trainer, tiny_config

needs_gloo = pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="this torch build has no torch.distributed with the gloo backend",
)
CPU = torch.device("cpu")
OVERRIDES = ("model.dropout=0", "model.melody_rnn.token_dropout=0", "train.lr=0.003")


def _deterministic(trainer) -> None:
    """No randomness but the shuffle, no batch statistics: two processes must then equal one up to rounding."""
    model = trainer.model
    for module in list(model.modules()):
        for name, child in module.named_children():
            if isinstance(child, torch.nn.BatchNorm1d):
                setattr(module, name, torch.nn.Identity())

    def forward(x, generator=None):  # the posterior mean instead of a sample
        mu, logvar = model.encode(x)
        return Forward(model.decode_for_training(mu, x), mu, logvar)

    model.forward = forward


def _train_deterministic(data_dir: Path, dist: Distributed | None) -> tuple[list[dict], torch.Tensor]:
    trainer = make_trainer(data_dir, tiny_config(*OVERRIDES, epochs=3))
    if dist is not None:
        trainer = type(trainer)(trainer.cfg, trainer.train_set, trainer.val_set, trainer.host, dist=dist)
    _deterministic(trainer)
    records: list[dict] = []
    trainer.fit(on_epoch_end=records.append)
    return records, torch.nn.utils.parameters_to_vector(trainer.model.parameters()).detach()


def _join_two_ranks(rank: int, port: int) -> Distributed:
    """This process as ``rank`` of 2 (gloo, one torch thread), as torchrun would start it: the rendezvous store on
    127.0.0.1:``port`` is held by the parent (:func:`run_two_ranks`), as torchrun's agent holds it."""
    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank))
    os.environ["TORCHELASTIC_USE_AGENT_STORE"] = "True"  # every rank a client of the store on MASTER_PORT
    os.environ["WORLD_SIZE"] = "2"
    return Distributed.from_env(CPU)


def _worker(rank: int, port: int, data_dir: str, out: str) -> None:
    dist = _join_two_ranks(rank, port)
    try:
        records, params = _train_deterministic(Path(data_dir), dist)
        every_rank = dist.gather(params)
        if dist.is_main:
            torch.save({"records": json.dumps(records), "params": every_rank}, out)
    finally:
        dist.close()
    # Leave without interpreter finalization: there gloo's leftover threads occasionally abort a spawned worker
    # ("terminate called without an active exception", 1 in ~4 CI runs), after its work is done and saved.
    os._exit(0)


def run_two_ranks(worker: Callable[..., None], *args: Any) -> None:
    """``worker(rank, port, *args)`` in two spawned processes that join through a rendezvous store this process
    holds on 127.0.0.1:``port``; returns when both have ended. The store binds port 0 itself and the ranks get the
    port it has: a port picked free and closed before rank 0 bound it could be taken by another program meanwhile
    (torchrun --standalone does the same)."""
    store = torch.distributed.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    torch.multiprocessing.start_processes(worker, args=(store.port, *args), nprocs=2, start_method="spawn")


def _probe_port(rank: int, port: int, out: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
        said = "listening"
    except OSError as exc:
        said = str(exc)
    Path(f"{out}.{rank}").write_text(said)


@needs_gloo
def test_the_ranks_port_is_listening_before_they_start(tmp_path):
    """Nothing else can have taken it: a port that was picked free and closed for rank 0 to bind was, meanwhile,
    free for any program to take."""
    out = tmp_path / "probe"
    run_two_ranks(_probe_port, str(out))
    assert [Path(f"{out}.{rank}").read_text() for rank in (0, 1)] == ["listening", "listening"]


def two_ranks_result(worker: Callable[..., None], data: Path, tmp_path: Path) -> dict[str, Any]:
    """What ``worker(rank, port, data, out)``, run on two ranks, saved to ``out`` (``torch.save``, plain values)."""
    out = tmp_path / "ranks.pt"
    run_two_ranks(worker, str(data), str(out))
    return torch.load(out, weights_only=True)


@pytest.mark.slow
@needs_gloo
def test_two_processes_equal_one_on_a_deterministic_model(pattern_dir, tmp_path):
    """Sharding, gradient weighting, the reduced train sums and the shared validation, without BatchNorm and noise."""
    result = two_ranks_result(_worker, pattern_dir, tmp_path)
    rank0, rank1 = result["params"]
    assert torch.equal(rank0, rank1), "the ranks' models diverged"
    distributed = json.loads(result["records"])
    single, params = _train_deterministic(pattern_dir, None)
    # Rounding only, and how much depends on the CPU's kernels for the two batch sizes. Where this test was written
    # every loss term agreed within 1.8e-7 relative and 6 of 111,344 weights differed by more than 1e-6 (one by
    # 2.5e-5); on an AMD EPYC (2026-12-04) the terms within 2.2e-7 except the KL, a sum of near-cancelling
    # per-dimension terms of a few hundredths of a nat, within 3.6e-7 nats (1.5e-5 relative), and 89 weights by more
    # than 1e-6 (one by 8.9e-5). A wrong sharding or gradient weighting moves the losses by far more than 1e-6 nats and thousands of
    # weights by ~lr (3e-3).
    for one, two in zip(single, distributed, strict=True):
        for part in ("train", "val"):
            for term, value in one[part].items():
                assert two[part][term] == pytest.approx(value, rel=1e-5, abs=1e-6), (one["epoch"], part, term)
    difference = (rank0 - params).abs()
    assert difference.max() < 5e-4 and (difference > 1e-6).float().mean() < 5e-3
    assert single[-1]["train"]["total"] < 0.97 * single[0]["train"]["total"]  # it trained: the curve is not flat


CLI_SET = ["model.hidden=32", "train.batch_size=16", "train.lr=0.003"]
REL_TOL = 0.04  # measured: at most 1.9 % (BatchNorm statistics per 8-example slice, other dropout/latent noise)


@pytest.mark.slow
@needs_gloo
def test_torchrun_two_cpu_processes_match_one_process_within_tolerance(pattern_dir, tmp_path):
    from typer.testing import CliRunner

    from mvae_core.cli import app

    args = ["train", str(pattern_dir), *(a for s in CLI_SET for a in ("--set", s)), "--plugins", "none"]
    args += ["--epochs", "3"]
    single = tmp_path / "single"
    assert CliRunner().invoke(app, [*args, "--out", str(single)], catch_exceptions=False).exit_code == 0
    ddp = tmp_path / "ddp"
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [*torchrun, "-m", "mvae_core.cli", *args, "--out", str(ddp)],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("done after 3 epochs") == 1  # only rank 0 prints
    assert {p.name for p in ddp.iterdir()} == {p.name for p in single.iterdir()}  # and writes
    assert len(torch.load(ddp / "checkpoint.pt", weights_only=True)["ranks"]) == 2  # each rank's random state
    one, two = (_metrics(run) for run in (single, ddp))
    assert [r["epoch"] for r in two] == [0, 1, 2]
    for a, b in zip(one, two, strict=True):
        for part in ("train", "val"):
            assert b[part]["total"] == pytest.approx(a[part]["total"], rel=REL_TOL), (a["epoch"], part)
        assert b["val_elbo"] == pytest.approx(a["val_elbo"], rel=REL_TOL)
    assert one[-1]["train"]["total"] < 0.95 * one[0]["train"]["total"]


@needs_gloo
def test_torchrun_says_an_error_every_rank_meets_once(pattern_dir, tmp_path):
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    args = ["train", str(pattern_dir), "--set", "train.batch_size=2", "--epochs", "1", "--out", str(tmp_path / "r")]
    result = subprocess.run(
        [*torchrun, "-m", "mvae_core.cli", *args],
        capture_output=True, text=True, timeout=300, env=os.environ | {"OMP_NUM_THREADS": "1"}, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stderr.count("train.batch_size = 2 is too small for 2 processes") == 1, result.stderr
    assert "error: train.batch_size = 2" in result.stderr  # said by rank 0, without a rank prefix


@needs_gloo
def test_torchrun_ranks_waiting_for_rank_0_stop_quietly_when_it_fails(tmp_path):
    """Rank 0 reads the data first while the others wait; when that fails, they stop without a traceback."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.mid").write_bytes(b"not a MIDI file")
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    result = subprocess.run(
        [*torchrun, "-m", "mvae_core.cli", "train", str(data), "--epochs", "1", "--out", str(tmp_path / "r")],
        capture_output=True, text=True, timeout=300, env=os.environ | {"OMP_NUM_THREADS": "1"}, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no loops to train on" in errors[0], result.stderr
    # torchrun's own report of a failed child follows; rank 1 adds no traceback of a lost connection
    assert "[rank1]" not in result.stderr and "RuntimeError" not in result.stderr, result.stderr


def _metrics(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def test_global_batches_are_split_and_a_short_last_batch_is_merged():
    rank1 = Distributed(CPU, rank=1, world=2)
    batches = [b.tolist() for b in rank1.batches(35, 16, rng=None)]
    assert batches == [list(range(16)), list(range(16, 35))]  # 3 left over: fewer than 2 per rank, merged
    assert rank1.shard(np.arange(16)).tolist() == list(range(8, 16))
    assert Distributed(CPU, rank=2, world=3).shard(np.arange(7)).tolist() == [5, 6]
    single = Distributed(CPU)
    assert [len(b) for b in single.batches(35, 16, rng=None)] == [16, 16, 3]  # one process: unchanged


def test_every_process_needs_two_examples_per_step():
    Distributed(CPU, world=2).check_batch_size(4)
    with pytest.raises(ConfigError, match=r"train.batch_size = 6 is too small for 4 processes.*at least 8"):
        Distributed(CPU, world=4).check_batch_size(6)


COMMAND_LINE_MISTAKES = {  # the command line, what rank 0 says
    "an unknown option": (["train", "DATA", "--bogus"], "No such option: --bogus"),
    "an option's bad value": (["train", "DATA", "--epochs", "many"], "Invalid value for '--epochs'"),
    "an option --resume cannot take": (["train", "--resume", "RUN", "--set", "a=1"], "--set cannot change it"),
}


@pytest.mark.parametrize("args, message", COMMAND_LINE_MISTAKES.values(), ids=COMMAND_LINE_MISTAKES)
def test_a_command_line_mistake_is_said_by_rank_0_alone(args, message, pattern_dir, tmp_path, monkeypatch):
    """Every process under torchrun gets the same command line, so a mistake in it is every rank's: rank 0 says it
    (as one process would) and the others exit with the same code without a word, not 'rank 1: …' once more."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    args = [{"DATA": str(pattern_dir), "RUN": str(tmp_path / "run")}.get(a, a) for a in args]
    said = {}
    for rank in ("0", "1"):
        monkeypatch.setenv("RANK", rank)
        monkeypatch.setenv("WORLD_SIZE", "2")
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        said[rank] = result.stdout + result.stderr
    assert message in said["0"] and "rank" not in said["0"], said["0"]
    assert said["1"] == "", said["1"]


def _rank_1_leaves(rank: int, port: int, out: str) -> None:
    """Rank 1 dies right after joining (as one killed by the OOM killer or ``kill -9``); rank 0 then steps."""
    dist = _join_two_ranks(rank, port)
    dist.barrier()
    if rank == 1:
        os._exit(0)
    from mvae_core.cli_output import errors_to_exit

    model = torch.nn.Linear(2, 2)
    model(torch.ones(1, 2)).sum().backward()
    printed = Path(out)
    try:
        with errors_to_exit():
            for _ in range(100):  # the first collective after the peer left fails
                dist.reduce_step(model, torch.zeros(3), 0.5, stop=False)
        printed.write_text("no error")
    except BaseException as exc:  # what the command line makes of it is the point
        printed.write_text(f"{type(exc).__name__} {getattr(exc, 'exit_code', '')}")
    os._exit(0)


@needs_gloo
def test_a_process_that_dies_ends_the_others_with_one_line_not_a_traceback(tmp_path, capfd):
    """A rank killed mid-epoch breaks the others' next all-reduce. They end with exit 1 and one line that says what
    happened and how to continue, not gloo's 'Connection reset by peer' traceback."""
    out = tmp_path / "rank0.txt"
    run_two_ranks(_rank_1_leaves, str(out))
    assert out.read_text() == "Exit 1"  # typer.Exit(1): an error the command line printed
    said = capfd.readouterr().err
    errors = [line for line in said.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, said
    assert "another process of the job stopped" in errors[0] and "--resume" in errors[0], errors[0]
    assert "Traceback" not in said, said


PER_RANK_DATA = """
import os, sys
from mvae_core.cli import main
sys.argv = ["mvae", "train", sys.argv[2] if os.environ["RANK"] == "1" else sys.argv[1], *sys.argv[3:]]
main()
"""


@needs_gloo
def test_a_rank_whose_data_gives_another_split_stops_the_job_with_one_line(pattern_dir, tmp_path):
    """A machine whose copy of the data differs (a file missing) splits it differently. The processes then step
    through different batches and wait for each other forever; instead, all stop before training and rank 0 says
    which process's data differs."""
    import shutil

    fewer = tmp_path / "fewer"
    shutil.copytree(pattern_dir, fewer)
    sorted(fewer.glob("*.mid"))[0].unlink()
    script = tmp_path / "per_rank.py"
    script.write_text(PER_RANK_DATA)
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    args = [str(pattern_dir), str(fewer), "--set", "model.hidden=16", "--epochs", "1", "--out", str(tmp_path / "r")]
    result = subprocess.run(
        [*torchrun, str(script), *args],
        capture_output=True, text=True, timeout=300, env=os.environ | {"OMP_NUM_THREADS": "1"}, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "rank 1" in errors[0] and "the same data" in errors[0], result.stderr
    assert not (tmp_path / "r" / "metrics.jsonl").exists()  # nothing trained


def test_an_ablation_under_torchrun_is_refused_before_it_writes(pattern_dir, tmp_path, monkeypatch):
    """`torchrun … mvae ablate` ran the whole ablation once per rank into one folder, and each run's worker joined
    a process group of its own: half the runs failed. It is refused, said once by rank 0, and nothing is written."""
    from typer.testing import CliRunner

    from mvae_core.cli import app

    out = tmp_path / "ablation"
    said = {}
    for rank in ("0", "1"):
        monkeypatch.setenv("RANK", rank)
        monkeypatch.setenv("WORLD_SIZE", "2")
        result = CliRunner().invoke(
            app, ["ablate", str(pattern_dir), "--seeds", "1", "--epochs", "1", "--out", str(out)]
        )
        assert result.exit_code == 2, result.output
        said[rank] = result.stdout + result.stderr
    assert said["0"].startswith("error: ") and "without torchrun" in said["0"], said["0"]
    assert said["1"] == "" and not out.exists()


def _rank_0_fails_first_after_rank_1_left(rank: int, port: int, out: str) -> None:
    dist = _join_two_ranks(rank, port)
    dist.barrier()
    if rank == 1:
        os._exit(0)  # the same Ctrl-C ended it while it waited (exit 0: the test harness reads other codes as a crash)
    try:
        with dist.main_first():
            raise KeyboardInterrupt
    except BaseException as exc:  # which error rank 0 ends with is the point
        Path(out).write_text(type(exc).__name__)
    os._exit(0)


@needs_gloo
def test_rank_0_ends_with_its_own_error_when_the_others_are_gone(tmp_path):
    """Ctrl-C while rank 0 reads the data first: rank 1, waiting, ends at once; rank 0's KeyboardInterrupt (said as
    'interrupted while reading data; nothing was trained') must not become a lost-peer error of the message that
    would tell rank 1 about it."""
    out = tmp_path / "rank0.txt"
    run_two_ranks(_rank_0_fails_first_after_rank_1_left, str(out))
    assert out.read_text() == "KeyboardInterrupt"
