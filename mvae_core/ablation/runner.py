"""Run every configuration × seed as its own ``mvae train`` subprocess, ``jobs`` at a time.

A subprocess isolates a crash: a run that dies, raises or exits non-zero is one failed row, never the end of
the ablation. Each worker's output goes to its log file, appended after a header line that names the attempt's
first epoch (so earlier attempts stay readable, and the summary knows where the latest attempt began); the
failure's last ``error:`` line (else its last line) is kept for the summary. Workers start in their own session,
so a Ctrl-C in the terminal reaches only this process, which then sends each running worker one SIGINT (it
checkpoints and exits 130), waits for it, and re-raises.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mvae_core.ablation.facts import run_state
from mvae_core.ablation.plan import Configuration
from mvae_core.run import RunDir
from mvae_core.signals import held_signals
from mvae_core.split_notes import ABLATION_RUN
from mvae_core.view import epoch_number

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Task:
    """One configuration × seed: where it runs, where its output goes and the command that trains it."""

    config: str
    seed: int
    path: Path
    log: Path
    command: tuple[str, ...]
    action: str  # "new" or "resumed"
    first_epoch: int  # the first epoch (from 0) this attempt trains: the epochs run before it, when resumed
    epochs: int | None  # the ablation's --epochs, which finish the run (None: its own train.epochs)


class StillStopping(KeyboardInterrupt):
    """The ablation was stopped while ``running`` of its runs were still writing their checkpoints: a second signal
    ended the wait for them (or Ray's wait for its tasks ran out). They finish on their own."""

    def __init__(self, running: int) -> None:
        super().__init__(running)
        self.running = running

    def kept(self) -> str:
        """What the stop keeps, as the ablation's ``stopped:`` line says it."""
        one = self.running == 1
        return (
            f"finished runs are kept; {self.running} running {'one was' if one else 'ones were'} still writing "
            f"{'its checkpoint' if one else 'their checkpoints'} and {'finishes' if one else 'finish'} on "
            f"{'its' if one else 'their'} own: wait for {'it' if one else 'them'} to end"
        )


@dataclass(frozen=True)
class Outcome:
    exit_code: int | None
    """The training's exit status; ``None`` where none reached the driver (a Ray task that ended in Ray's error: its
    worker died, :func:`~mvae_core.ablation.ray_executor.ray_failure`)."""
    error: str  # the last error line of a failed attempt, "" when it exited 0
    wall_seconds: float
    started: bool = True
    """Whether the attempt started its training (``mvae train``); a Ray task that returns before it (a node that
    cannot see the shared storage, a stop) did not, and nothing trained the run."""


def threads_per_run(jobs: int, total_cores: int) -> int:
    """The torch threads of each of ``jobs`` local workers: the cores shared out, at least 1."""
    return max(1, total_cores // jobs)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""The environment variables that set a worker's torch threads (OpenMP, MKL), which change the last digits of its
numbers: each attempt's log header (:func:`start_worker`) gives them before its command."""


def thread_env(threads: int) -> dict[str, str]:
    """:data:`THREAD_VARIABLES`, each ``threads``: a local worker's (:func:`worker_env`) or a Ray task's."""
    return dict.fromkeys(THREAD_VARIABLES, str(threads))


def run_env(threads: int) -> dict[str, str]:
    """What a run's environment sets, a local worker's (:func:`worker_env`) or a Ray task's: torch (OpenMP, MKL)
    ``threads`` (:func:`thread_env`), unbuffered output, and :data:`~mvae_core.split_notes.ABLATION_RUN`: the run
    is one of an ablation's seeds, so a warning of its split says what an ablation's user can do, alike for every
    seed, not which seed to give ``mvae train``."""
    return {**thread_env(threads), "PYTHONUNBUFFERED": "1", ABLATION_RUN: "1"}


def worker_env(jobs: int, total_cores: int) -> dict[str, str]:
    """The environment of every worker: this process's, with :func:`run_env` of :func:`threads_per_run` threads."""
    return {**os.environ, **run_env(threads_per_run(jobs, total_cores))}


def train_command(
    data: list[str],
    config_file: Path,
    seed: int,
    out: Path,
    epochs: int | None,
    resume: bool,
    init_from: Path | None = None,
) -> tuple[str, ...]:
    """``python -m mvae_core.cli train …`` for a new run (from the ``init_from`` weights when given), or ``train
    --resume RUN`` for an unfinished one (which never reads them again). The data cache is warm (the parent parsed
    it), so each worker reads it with one process (``--jobs 1``)."""
    base = (sys.executable, "-m", "mvae_core.cli", "train")
    extend = ("--epochs", str(epochs)) if epochs else ()
    if resume:
        return (*base, "--resume", str(out), "--jobs", "1", *extend)
    start = ("--init-from", str(init_from)) if init_from else ()
    return (*base, *data, "--config", str(config_file), "--seed", str(seed), *start, "--out", str(out), "--jobs", "1",
            *extend)  # fmt: skip


def run_path(out: Path, config: str, seed: int) -> Path:
    """``out/runs/<config>/seed-<seed>``: where one configuration × seed trains."""
    return out / "runs" / config / f"seed-{seed}"


def plan_tasks(
    arms: list[Configuration],
    seeds: int,
    epochs: int | None,
    data: list[str],
    out: Path,
    init_from: Path | None = None,
) -> tuple[list[Task], list[tuple[str, int]]]:
    """The runs to start (new, from the ``init_from`` weights when given, or resumed when unfinished) and the
    ``(configuration, seed)`` pairs already finished; each configuration's config is ``out/configs/<name>.toml`` and
    its logs go to ``out/logs/<name>``."""
    tasks, finished = [], []
    for arm in arms:
        for seed in range(seeds):
            path = run_path(out, arm.name, seed)
            state = run_state(path, epochs)
            if state == "finished":
                finished.append((arm.name, seed))
                continue
            resume = state == "unfinished"
            command = train_command(data, out / "configs" / f"{arm.name}.toml", seed, path, epochs, resume, init_from)
            first = len(RunDir(path).read_metrics()) if resume else 0
            log = log_path(out, arm.name, seed)
            tasks.append(Task(arm.name, seed, path, log, command, "resumed" if resume else "new", first, epochs))
    return tasks, finished


def log_path(out: Path, config: str, seed: int) -> Path:
    """``out/logs/<config>/seed-<seed>.log``: the output of every attempt at one configuration × seed."""
    return out / "logs" / config / f"seed-{seed}.log"


ATTEMPT = re.compile(r"^\$ (.*)  # attempt from epoch (\d+)(?: on node \S+)?$", re.MULTILINE)
"""The header :func:`start_worker` writes before each attempt's output: its command (quoted for a shell, after its
thread variables), its first epoch, counted from 1 as on the console, and the node of a Ray task that runs it."""


def _latest_header(log: Path) -> tuple[str, str] | None:
    """The command and first epoch (from 1) of the last attempt header in ``log``; ``None`` without a log or header."""
    if not log.is_file():
        return None
    headers = ATTEMPT.findall(log.read_text(encoding="utf-8", errors="replace"))
    return headers[-1] if headers else None


def latest_attempt_start(log: Path) -> int:
    """The first epoch (from 0) of the latest attempt whose header ``log`` holds; 0 without a log or a header (the
    run's every epoch counts)."""
    header = _latest_header(log)
    return int(header[1]) - 1 if header else 0


def latest_attempt_action(log: Path) -> str | None:
    """How the latest attempt in ``log`` trained its run: ``"resumed"`` (its command is ``train --resume``) or
    ``"new"``; ``None`` without a log or a header. The log is written by every attempt, also by a command that was
    interrupted before it wrote a summary, so this is what last trained a run that a re-run skips."""
    header = _latest_header(log)
    if header is None:
        return None
    try:
        words = shlex.split(header[0])
    except ValueError:  # a header cut or edited by hand
        return None
    return "resumed" if "--resume" in words else "new"


def last_error_line(text: str) -> str:
    """The last line starting with ``error:`` (without it), else the last non-empty line (a traceback's last)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
    return (errors or lines or ["(no output)"])[-1]


def run_all(
    tasks: list[Task], jobs: int, env: dict[str, str], on_done: Callable[[Task, Outcome], None]
) -> dict[Task, Outcome]:
    """Run ``tasks`` with at most ``jobs`` at once (in order of the list); ``on_done`` is called as each ends."""
    pending, running = list(reversed(tasks)), {}
    outcomes: dict[Task, Outcome] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                task = pending.pop()
                with held_signals():  # a Ctrl-C while it starts finds it in running, and stops it too
                    running[task] = _start(task, env)
            for task, (process, offset, started) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[task]
                code = process.returncode
                error = "" if code == 0 else last_error_line(read_from(task.log, offset))
                outcomes[task] = Outcome(code, error, round(time.monotonic() - started, 1))
                on_done(task, outcomes[task])
            time.sleep(POLL_SECONDS)
    except BaseException:  # Ctrl-C, SIGTERM, SIGHUP (raised as KeyboardInterrupt) or a bug: every worker stops cleanly
        for process, _, _ in running.values():
            process.send_signal(signal.SIGINT)
        try:  # polled, not Popen.wait(): a signal another thread took would not end a blocking wait
            while any(process.poll() is None for process, _, _ in running.values()):
                time.sleep(POLL_SECONDS)
        except KeyboardInterrupt:  # a second signal: stop waiting (a worker stuck in its checkpoint would hold us)
            raise StillStopping(sum(process.poll() is None for process, _, _ in running.values())) from None
        raise
    return outcomes


def _start(task: Task, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int, float]:
    process, offset = start_worker(task.command, task.log, env, task.first_epoch)
    return process, offset, time.monotonic()


ORPHAN_GUARD = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGINT)  # PR_SET_PDEATHSIG: SIGINT when the parent dies; kept across exec\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(130)  # the parent died before that\n"
    "os.execv(sys.argv[2], sys.argv[2:])"
)
"""Run by ``python -c`` before a worker's command on Linux: when the process that started the worker dies (``kill -9``
of ``mvae ablate``, a Ray worker killed or out of memory), the training gets one SIGINT, checkpoints and exits 130,
instead of training on unseen (its own session keeps the terminal's Ctrl-C from it) while a re-run resumes the same
run beside it."""


def start_worker(
    command: tuple[str, ...], log: Path, env: dict[str, str], first_epoch: int, node: str | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``command`` in its own session with its output appended to ``log``, after the attempt's header
    ``$ OMP_NUM_THREADS=k MKL_NUM_THREADS=k command  # attempt from epoch N`` (:data:`ATTEMPT`; the command quoted for
    a shell, after the :data:`THREAD_VARIABLES` that ``env`` sets, so it can be run again as it stands, with the
    thread count its numbers depend on; ``first_epoch`` + 1), followed by `` on node NODE`` where ``node`` is given
    (a Ray task's host: a cluster's log says where each attempt trained); returns the process and the log offset
    where its output starts.
    On Linux the command is started through :data:`ORPHAN_GUARD`, so that it stops when this process dies;
    ``command[0]`` is then an interpreter's path (as :func:`train_command` gives it)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    guarded = (sys.executable, "-c", ORPHAN_GUARD, str(os.getpid()), *command) if sys.platform == "linux" else command
    with open(log, "ab") as handle:
        where = f" on node {node}" if node else ""
        threads = "".join(f"{name}={shlex.quote(env[name])} " for name in THREAD_VARIABLES if name in env)
        said = f"$ {threads}{shlex.join(command)}  # attempt from epoch {epoch_number(first_epoch)}{where}\n"
        handle.write(said.encode())
        handle.flush()
        offset = handle.tell()
        process = subprocess.Popen(
            guarded, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )  # fmt: skip
    return process, offset


def read_from(path: Path, offset: int) -> str:
    """``path``'s text from byte ``offset`` on (a worker's output in its log)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace")
