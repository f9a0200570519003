"""Data-parallel training on ``torch.distributed``: one process per device (``torchrun``), one global batch per step.

Contract:

* **Single process** (no ``WORLD_SIZE``, or ``WORLD_SIZE=1``): every method is a no-op or the identity, so a
  single-process run does exactly the arithmetic it would do without this module.
* **Batches:** every rank computes the same global batches (``train.batch_size`` examples, shuffled by
  ``(seed, epoch)``) and densifies only its contiguous slice of each (:meth:`Distributed.shard`). Every rank reads
  the whole packed note table (mapped from the parse cache, one copy per machine); dense tensors, forward and
  backward are what is split.
* **One all-reduce per step** (:meth:`Distributed.reduce_step`): the gradients weighted by each rank's share of the
  global batch (so their sum is the gradient of the global-batch mean loss, as in one process), the float
  BatchNorm buffers averaged (ranks stay identical), the loss sums and the stop flag. BatchNorm normalises with the
  statistics of each rank's slice, not of the global batch (``SyncBatchNorm`` does not run on CPU): this is the one
  intended difference from a single process, besides the random streams of dropout and latent noise.
* **Validation** runs on rank 0 and its results are broadcast (:meth:`Distributed.from_main`), so plugins see the
  same record on every rank and make the same decisions.
* Backend: ``nccl`` on CUDA (each rank on ``cuda:LOCAL_RANK``), ``gloo`` on CPU.
* **A lost process:** every collective raises :class:`PeerLost` (a typed error, one line on the command line) when
  it fails, e.g. because another rank was killed; the torch error is its ``__cause__``.
* **A process that ran out** of memory, GPU memory or disk space tells the job before it leaves
  (:meth:`Distributed.tell_ran_out`, through the job's rendezvous store) and says so itself: the others' failed
  collective raises :class:`PeerRanOut` instead, which rank 0 records as the run's failure.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, TypeVar

import numpy as np
import torch
import torch.distributed as dist

from mvae_core.config import ConfigError
from mvae_core.data.batches import batch_indices
from mvae_core.errors import DataError, MvaeError
from mvae_core.torchrun_env import TORCHRUN_SETS, DistributedError, environment_number, world_size

T = TypeVar("T")


class MainFailed(MvaeError):
    """Rank 0 failed in a block the other ranks wait for (:meth:`Distributed.main_first`); rank 0 prints its own
    error, so the command line says nothing more for the others."""

    same_on_every_rank = True


class DataDiffers(DataError):
    """The processes of a job split their data differently (a machine whose copy of the data differs): they would
    train on different batches, or wait for each other forever (CLI exit code 2). Every rank raises it alike."""

    same_on_every_rank = True


UNKNOWN_RUN_RESUME = "the same torchrun command and train --resume RUN"
"""How :class:`PeerLost` names the resume where the run is not known (:meth:`PeerLost.of_run` names it)."""


class PeerLost(MvaeError):
    """A collective failed in a running job: another process ended (killed, out of memory, failed with its own error)
    or cannot be reached (``reason``, torch's words). Every surviving process says so (any of them may be the one still
    running); the checkpoint of the last finished epoch stays valid, so the job is resumed (CLI exit code 1): as
    ``resume`` says, for a Python caller and on the command line (default: :data:`UNKNOWN_RUN_RESUME`). The torch
    error is ``__cause__``."""

    exit_code = 1

    def __init__(self, reason: str, resume: tuple[str, str] = (UNKNOWN_RUN_RESUME, UNKNOWN_RUN_RESUME)) -> None:
        python, command_line = (
            f"another process of the job stopped or cannot be reached ({reason}); torchrun's report names which ended "
            "first and how (its exitcode: -9 means killed, as by the out-of-memory killer or a kill -9). The run's "
            f"last checkpoint, if it has one, is kept: continue with {how}"
            for how in resume
        )
        super().__init__(python, command_line=command_line)
        self.reason = reason

    def of_run(self, resume: tuple[str, str]) -> PeerLost:
        """This error naming its run's resume (``resume``: the ``mvae_core`` call and the ``mvae`` command, each
        under torchrun as before), where the collective that raised it did not know the run; for the caller to raise
        from the torch error (``__cause__``)."""
        return PeerLost(self.reason, resume)


STORE_WAIT_S = 5.0
"""How long a process waits for the job's store (:meth:`Distributed.tell_ran_out`) before it gives up on it."""


@dataclass(frozen=True)
class RanOut:
    """What a process that ran out tells the job: its ``rank``, what it ran out of (``"memory"``, ``"GPU memory"``,
    ``"disk space"``), the ``cause`` in the system's or torch's words, the epoch and step its trainer had ``reached``
    (None as the training was set up) and what was ``moving`` to the device (None when nothing was)."""

    rank: int
    what: str
    cause: str
    reached: tuple[int, int] | None
    moving: str | None


class PeerRanOut(MvaeError):
    """Another process of the job ran out of memory, GPU memory or disk space and told the job before it left
    (:meth:`Distributed.tell_ran_out`), so a collective failed here. That process says its own error (what ran out,
    what to do); rank 0 records it in ``failure.json`` and says only that it ended the job, the other ranks say
    nothing. ``told`` is what it told; the torch error is ``__cause__``. Exit code 1."""

    exit_code = 1
    same_on_every_rank = True

    def __init__(self, told: RanOut) -> None:
        super().__init__(f"rank {told.rank} ran out of {told.what} ({told.cause})")
        self.told = told


@dataclass(frozen=True)
class Distributed:
    """This process's place in the job (rank ``rank`` of ``world``) and the collectives the trainer uses."""

    device: torch.device
    rank: int = 0
    world: int = 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the only rank that validates, writes files and prints."""
        return self.rank == 0

    @classmethod
    def from_env(cls, device: torch.device) -> Distributed:
        """One process, or join the job that ``torchrun`` described in ``WORLD_SIZE``/``RANK``/``LOCAL_RANK`` (and
        ``MASTER_ADDR``/``MASTER_PORT``). A variable that is missing or not a number, as where ``WORLD_SIZE`` was set
        by hand without torchrun, is a :class:`DistributedError` naming it."""
        world = world_size()
        if world == 1:
            return cls(device)
        if not dist.is_available():
            raise DistributedError("WORLD_SIZE > 1 but this torch build has no torch.distributed")
        rank, local_rank = environment_number("RANK"), environment_number("LOCAL_RANK", "0")
        if device.type == "cuda":
            device = torch.device("cuda", local_rank)
            torch.cuda.set_device(device)
        backend = "nccl" if device.type == "cuda" else "gloo"
        if not (dist.is_nccl_available() if backend == "nccl" else dist.is_gloo_available()):
            raise DistributedError(f"torch.distributed backend {backend!r} is not available in this torch build")
        try:
            dist.init_process_group(backend)  # env:// rendezvous: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE
        except ValueError as exc:  # torch: "environment variable MASTER_ADDR expected, but not set"
            raise DistributedError(f"{exc}; {TORCHRUN_SETS}") from None
        return cls(device, rank, world)

    def close(self) -> None:
        """Tear the process group down. On a normal exit, first wait for every rank: a rank that leaves while a peer
        still talks to it can abort the peer's gloo transport thread (SIGABRT, "terminate called without an active
        exception"). While an exception propagates it does not wait, since a failed peer may never arrive."""
        if self.world > 1 and dist.is_initialized():
            if sys.exc_info()[0] is None:
                dist.barrier()
            dist.destroy_process_group()

    def tell_ran_out(self, ran_out: RanOut) -> None:
        """Tell the job that this process ran out (``ran_out``), before it says so and leaves: the others' collective
        that its leaving breaks then raises :class:`PeerRanOut`, not :class:`PeerLost` (a process lost, of unknown
        cause). Nothing in one process, nor where the job's store cannot be reached."""
        if self.world == 1:
            return
        with suppress(RuntimeError):
            self._store().set(self._key("ran_out"), json.dumps(asdict(ran_out)))

    def _told(self) -> RanOut | None:
        """What another process that ran out told the job (:meth:`tell_ran_out`), or None."""
        try:
            store, key = self._store(), self._key("ran_out")
            if not store.check([key]):
                return None
            told = json.loads(store.get(key))
        except (RuntimeError, ValueError):
            return None
        told["reached"] = None if told["reached"] is None else tuple(told["reached"])
        return None if told["rank"] == self.rank else RanOut(**told)

    def _store(self) -> dist.Store:
        """A client of the job's rendezvous store (``MASTER_ADDR``:``MASTER_PORT``, torchrun's agent's): how the
        processes tell each other what a failed collective cannot."""
        address, port = os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])
        return dist.TCPStore(address, port, is_master=False, timeout=timedelta(seconds=STORE_WAIT_S))

    @staticmethod
    def _key(name: str) -> str:
        """The store key ``name`` of this start of the job (torchrun counts restarts; the store outlives them)."""
        return f"mvae/{os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')}/{name}"

    @contextmanager
    def _collective(self) -> Iterator[None]:
        """Turns the failure of a collective (gloo's "Connection reset by peer", nccl's ``DistBackendError``, a
        timeout: all ``RuntimeError``) into :class:`PeerRanOut` where another process told the job that it ran out
        (:meth:`tell_ran_out`), else :class:`PeerLost`."""
        try:
            yield
        except RuntimeError as exc:
            if (told := self._told()) is not None:
                raise PeerRanOut(told) from exc
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            reason = re.sub(r"^\[[^\]]*\]\s*", "", first).split(". ")[0]  # without gloo's "[.../pair.cc:537] "
            raise PeerLost(reason[:160]) from exc

    def check_batch_size(self, batch_size: int) -> None:
        """Every rank needs at least 2 examples per step (BatchNorm); raises :class:`ConfigError` otherwise, naming
        both ways out: fewer processes (the only one for a resume, which keeps the run's batch size) or a larger
        batch."""
        if batch_size < 2 * self.world:
            most = max(1, batch_size // 2)
            raise ConfigError(
                f"train.batch_size = {batch_size} is too small for {self.world} processes: each needs at least 2 "
                f"examples per step (BatchNorm); use at least {2 * self.world}, or run at most {most} "
                f"process{'es' if most > 1 else ''} (torchrun --nproc-per-node; the one way for a resume, which "
                "keeps the run's batch size)"
            )

    def batches(self, n: int, batch_size: int, rng: np.random.Generator | None) -> Iterable[np.ndarray]:
        """The global batches of one epoch, identical on every rank (:func:`batch_indices`); with several
        processes, a last batch too small to give every rank 2 examples is merged into the one before."""
        if self.world == 1:
            return batch_indices(n, batch_size, rng)
        batches = list(batch_indices(n, batch_size, rng))
        if len(batches) > 1 and len(batches[-1]) < 2 * self.world:
            batches[-2:] = [np.concatenate(batches[-2:])]
        return batches

    def shard(self, index: np.ndarray) -> np.ndarray:
        """This rank's contiguous slice of a global batch (sizes differ by at most one)."""
        return index if self.world == 1 else np.array_split(index, self.world)[self.rank]

    def reduce_step(
        self, model: torch.nn.Module, sums: torch.Tensor, share: float, stop: bool
    ) -> tuple[torch.Tensor, bool]:
        """After ``backward()`` on this rank's shard: one all-reduce of ``share × gradient`` (``share`` = this
        shard's fraction of the global batch), the float buffers (averaged), ``sums`` (summed) and ``stop`` (any).

        Returns the global ``sums`` (on the CPU) and whether any rank asked to stop. Gradients and buffers are
        replaced in place by the reduced values, identical on every rank.
        """
        if self.world == 1:
            return sums, stop
        params = [p for p in model.parameters() if p.requires_grad]
        for p in params:
            if p.grad is None:
                p.grad = torch.zeros_like(p)
        buffers = [b for b in model.buffers() if b.is_floating_point()]
        flat = torch.cat(
            [
                *(p.grad.reshape(-1) * share for p in params),
                *(b.reshape(-1) / self.world for b in buffers),
                sums.to(self.device),
                torch.tensor([float(stop)], device=self.device),
            ]
        )
        with self._collective():
            dist.all_reduce(flat)
        offset = 0
        for tensor in [p.grad for p in params] + buffers:
            tensor.copy_(flat[offset : offset + tensor.numel()].view_as(tensor))
            offset += tensor.numel()
        return flat[offset : offset + len(sums)].cpu(), bool(flat[-1].item() > 0)

    def any(self, flag: bool) -> bool:
        """True on every rank when ``flag`` is true on any rank."""
        if self.world == 1:
            return flag
        value = torch.tensor([float(flag)], device=self.device)
        with self._collective():
            dist.all_reduce(value, op=dist.ReduceOp.MAX)
        return bool(value.item() > 0)

    def from_main(self, compute: Callable[[], T]) -> T:
        """``compute()`` on rank 0, its result broadcast to every rank; the other ranks do not compute."""
        if self.world == 1:
            return compute()
        return self.main_value(compute() if self.is_main else None)

    def main_value(self, value: T) -> T:
        """Rank 0's ``value`` (picklable) on every rank: one decision for all, e.g. whether to stop."""
        if self.world == 1:
            return value
        box: list[Any] = [value]
        with self._collective():
            dist.broadcast_object_list(box, src=0, device=self.device)
        return box[0]

    def sync_model(self, model: torch.nn.Module) -> None:
        """Every rank's parameters and buffers become rank 0's."""
        if self.world == 1:
            return
        with self._collective():
            for tensor in model.state_dict().values():
                dist.broadcast(tensor, src=0)

    def gather(self, value: T) -> list[T]:
        """Every rank's ``value``, in rank order, on every rank (``[value]`` in one process)."""
        if self.world == 1:
            return [value]
        values: list[Any] = [None] * self.world
        with self._collective():
            dist.all_gather_object(values, value)
        return values

    def check_same_split(self, fingerprint: str, summary: str) -> None:
        """Raises :class:`DataDiffers` on every rank unless every rank's split ``fingerprint`` is rank 0's;
        ``summary`` (e.g. ``"2233 train examples from 20 sources, 110 validation loops"``) describes each in the
        message."""
        if self.world == 1:
            return
        splits = self.gather((fingerprint, summary))
        differ = [rank for rank, (split, _) in enumerate(splits) if split != splits[0][0]]
        if differ:
            each = "; ".join(
                f"rank {rank}: {splits[rank][1]}" + (" (other sources)" if splits[rank][1] == splits[0][1] else "")
                for rank in differ
            )
            raise DataDiffers(
                f"the processes do not split the data alike (rank 0: {splits[0][1]}; {each}): every process needs "
                "the same data at the path it was given (on several machines, the same copy on each); nothing was "
                "trained"
            )

    def decorrelate_rng(self, *entropy: int) -> None:
        """Give ranks > 0 their own torch random stream (dropout, latent noise), a pure function of
        ``(*entropy, rank)``; rank 0 keeps its stream."""
        if self.rank > 0:
            torch.manual_seed(int(np.random.SeedSequence([*entropy, self.rank]).generate_state(1)[0]))

    def barrier(self) -> None:
        if self.world > 1:
            with self._collective():
                dist.barrier()

    @contextmanager
    def main_first(self) -> Iterator[None]:
        """Rank 0 runs the block first (e.g. parses the data into the cache), then the other ranks. When it fails on
        rank 0, the others do not run it: they raise :class:`MainFailed` (rank 0 says why), where a plain barrier
        would leave them to a lost connection's traceback."""
        if self.world == 1:
            yield
            return
        if self.is_main:
            try:
                yield
            except BaseException as exc:
                # The others may be gone already (the same Ctrl-C ended them while they waited): rank 0's own error
                # is the one to say, not the lost connection of this message.
                with suppress(RuntimeError):
                    dist.broadcast_object_list([f"{type(exc).__name__}: {exc}"], src=0)
                raise
            with self._collective():
                dist.broadcast_object_list([None], src=0)
            return
        failure: list[str | None] = [None]
        with self._collective():
            dist.broadcast_object_list(failure, src=0)
        if failure[0] is not None:
            raise MainFailed(f"rank 0 stopped ({failure[0]})")
        yield
