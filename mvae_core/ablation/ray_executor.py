"""``mvae ablate --executor ray``: every configuration × seed as one Ray task, on a local Ray instance or a cluster.

Each task runs the same training command as a local worker (:func:`mvae_core.ablation.runner.train_command`, with
the interpreter of the node it lands on), writing its log and run under ``--out``, so outputs, skip/resume rules and
the summary are those of the local pool. Before training, a task checks that its node sees the data and ``--out``
(storage every node shares, e.g. NFS); a node that does not fails that run with a message naming the node and the
path. ``cpus_per_run`` is both the task's CPU reservation and its torch thread count; ``gpus_per_run`` its GPU share.
``jobs``, when given, caps the tasks submitted at once (as ``--jobs`` caps the local pool); else Ray runs as many as
the cluster has room for.

Without an address a local Ray instance is started with this machine's cores, its session folder (Ray's logs and
sockets) in a folder of the ablation's own (:func:`own_session_root`), and shut down at the end, the folder with it;
with one (``auto`` or ``HOST:PORT``) the driver joins that cluster and leaves it running (:func:`joined`, before the
ablation writes anything); a ``HOST:PORT`` where no Ray head answers within :data:`CONNECT_SECONDS` (nothing, or
another server: :func:`_check_reachable`) is refused.

Ctrl-C stops every task through the shared storage: the driver writes :data:`STOP_FILE` into ``--out``; a running
task sees it within :data:`~mvae_core.ablation.runner.POLL_SECONDS`, sends its training one SIGINT (which
checkpoints the run and exits 130) and returns, and a task not started yet returns at once. The driver waits for
them, then exits 130 as with the local pool. (``ray.cancel`` is not used for this: it resolves a running task's
result at once, and shutting Ray down then would orphan the training process instead of stopping it.)

A task whose worker dies (``kill -9``, an out-of-memory killer, Ray's memory monitor, its node lost) is not run again
by Ray (:data:`TASK_RETRIES`): its run fails with what happened (:func:`ray_failure`), once the training it had
started, which gets SIGINT as its worker dies, has checkpointed and released the run (:func:`training_ended`), so the
same command run again resumes it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from mvae_core.ablation.runner import (
    POLL_SECONDS,
    Outcome,
    StillStopping,
    Task,
    last_error_line,
    read_from,
    run_env,
    start_worker,
)
from mvae_core.cores import cores
from mvae_core.errors import OptionError, RunInterrupted
from mvae_core.files import reason
from mvae_core.run import RunDir
from mvae_core.signals import interruption, signal_of

CONNECT_SECONDS = 10  # how long joined() waits for the address to accept a connection, and then to answer
CANCEL_WAIT_SECONDS = 120  # how long Ctrl-C waits for the running tasks to checkpoint and return
TASK_RETRIES = 0
"""How often Ray runs a task again whose worker died: never. Ray (2.60) retries a task 3 times by default after its
worker dies (``kill -9``, a crash, its node lost), and as often as Ray's memory monitor kills it (``task_oom_retries``,
unbounded by default, but 0 for a task whose ``max_retries`` is 0: measured on a local instance). A retry would start
the same ``mvae train … --out RUN`` while the first attempt's training, which gets SIGINT as its worker dies, may still
be writing its checkpoint (``RunBusy``), or, a new run whose first epoch was saved, find the run there (``RunExists``)
instead of resuming it; after Ray's memory monitor it would meet the same shortage again. The run fails instead, and
the same command run again resumes it (:data:`RESUME_AFTER_CRASH`). A task option, so a cluster started apart honours
it too, whatever its ``ray start`` settings."""
TRAINING_END_SECONDS = 30.0
"""How long the driver waits, after a task's worker died, for the training that task had started to release the run's
lock (:func:`training_ended`): it gets SIGINT as its worker dies, ends its step, writes its checkpoint and exits; Ray
reported the death 0.03 s after a ``kill -9``, while the training still held the lock (a tiny model's for 0.02 s more:
a larger model's checkpoint takes longer)."""
LOCK_POLL_SECONDS = 0.05  # how often training_ended() looks at the run's lock
STOP_FILE = ".ray-stop"
TASK_ENV = {"env_vars": {"RAY_kill_child_processes_on_worker_exit": "0"}}
"""The Ray workers that run the tasks leave their training process alone when they exit: Ray (2.60) SIGKILLs a
worker's child processes by default, so when the driver died (``kill -9`` of ``mvae ablate``, the out-of-memory
killer) and Ray ended its workers, every running training died mid-epoch, unsaved. Left alone, the training gets
:data:`~mvae_core.ablation.runner.ORPHAN_GUARD`'s SIGINT as its worker ends, checkpoints and exits 130. A per-task
setting, so a cluster started apart honours it too."""
FORWARDED_ENV = ("MVAE_CACHE_DIR",)
"""The driver's environment variables every task takes, where the driver has them: a Ray task has the environment of
its node's ``ray start``, not the driver's, so a cluster started apart trained with another parse cache than the one
the driver filled (and ``MVAE_CACHE_DIR`` pointed at shared storage reached no task), unlike the local pool."""
AUTH_LOGGER = "ray._private.authentication.authentication_token_setup"
"""Ray's logger that warns on every local start that token authentication is on (Ray 2.60): the instance mvae starts
for itself and stops at the end is no cluster the user runs, so :func:`joined` keeps that line off the console."""
TOKEN_REFUSED = (
    "the Ray cluster there refused this machine's authentication token (or its lack of one): set "
    "RAY_AUTH_MODE=token, with the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN (Ray's `ray start --head` "
    "turns token authentication on where ~/.ray/auth_token exists)"
)

NO_CLUSTER_FOUND = "Could not find any running Ray instance"
"""The start of Ray's error for ``auto`` where no cluster runs on this machine and ``RAY_ADDRESS`` names none."""
AUTO_FOUND_NONE = (
    "no Ray cluster runs on this machine (auto joins one that `ray start` started here, or RAY_ADDRESS's): run the "
    "command on a node of the cluster, give the head's HOST:PORT, or none for a local Ray instance"
)


class RayUnavailable(OptionError):
    """Ray is not installed (``option`` is ``executor``) or the cluster cannot be reached (``address``); exit code 2."""


@contextmanager
def joined(address: str | None) -> Iterator[None]:
    """Join the Ray cluster at ``address`` for the block (``None``: start a local Ray instance with this machine's
    cores, shut down at the block's end). :class:`RayUnavailable` when Ray is not installed, when no Ray head answers
    at a ``HOST:PORT`` (or ``ray://HOST:PORT``) within :data:`CONNECT_SECONDS` (:func:`_check_reachable`: ``ray.init``
    would retry it for minutes, or without end), when the cluster refuses this driver's authentication token
    (:data:`TOKEN_REFUSED`), or when Ray cannot join or start; :class:`~mvae_core.errors.RunInterrupted` for Ctrl-C
    while it joins or starts."""
    try:
        import ray
    except ImportError:
        from mvae_core.tools import install_advice

        raise RayUnavailable("executor", f"'ray' needs Ray: install {install_advice('ray')}") from None
    _check_reachable(address)
    with own_session_root() if address is None else nullcontext(None) as root:
        try:
            with _errors_only(AUTH_LOGGER) if address is None else nullcontext():
                ray.init(
                    address=address or "local",  # None would join a cluster running on this machine, or RAY_ADDRESS's
                    num_cpus=None if address else cores(),
                    include_dashboard=False if address is None else None,
                    log_to_driver=False,
                    configure_logging=False,
                    **({"_temp_dir": root} if root else {}),
                )
        except KeyboardInterrupt as stop:  # shut down what started, and say what was interrupted
            ray.shutdown()  # what was started of a local instance
            joining = "starting a local Ray instance" if address is None else f"joining the Ray cluster at {address}"
            stopped = signal_of(stop)
            raise RunInterrupted(f"{interruption(stopped)} while {joining}; nothing was written", stopped) from None
        except (ConnectionError, RuntimeError, ValueError) as exc:
            if address is None:
                raise RayUnavailable("executor", f"'ray' could not start a local Ray instance ({exc})") from None
            if _token_refused(exc):
                raise RayUnavailable("address", f"{address}: {TOKEN_REFUSED}") from None
            if address == "auto" and NO_CLUSTER_FOUND in str(exc):
                raise RayUnavailable("address", f"auto: {AUTO_FOUND_NONE}") from None
            raise RayUnavailable("address", f"{address}: cannot join the Ray cluster ({exc})") from None
        try:
            yield
        finally:
            if address is None:
                ray.shutdown()


SESSION_ROOT_PREFIX = "mvae-ray-"
"""The start of the name of :func:`own_session_root`'s folder."""


@contextmanager
def own_session_root() -> Iterator[str]:
    """A new folder of this process's own for the local Ray instance's session (Ray's logs, sockets and spilled
    objects: ``_temp_dir``), removed with everything in it when the block ends, after the instance has been shut down.
    In Ray's own place, ``/tmp/ray``, every local instance left a ``session_*`` folder behind, which mvae cannot tell
    from another user's or a cluster's there. Made beside it (``/tmp``, or ``RAY_TMPDIR`` where set, as Ray does) with
    a short name, since Ray's socket paths under it must fit in 107 characters."""
    root = tempfile.mkdtemp(prefix=SESSION_ROOT_PREFIX, dir=os.environ.get("RAY_TMPDIR") or _ray_temp_parent())
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _ray_temp_parent() -> str:
    """Where Ray puts its own ``ray`` folder by default: ``/tmp`` on Linux and macOS (not ``TMPDIR``, whose long
    macOS paths overflow a socket path), else the system's temporary folder."""
    return "/tmp" if sys.platform != "win32" and os.path.isdir("/tmp") else tempfile.gettempdir()


@contextmanager
def _errors_only(name: str) -> Iterator[None]:
    """The logger ``name`` says only errors in the block."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _token_refused(exc: BaseException) -> bool:
    """Ray's error for a cluster that refused this driver's token (or its lack of one): the cause's text names it."""
    causes = [exc]
    while (cause := causes[-1].__cause__ or causes[-1].__context__) is not None and len(causes) < 10:
        causes.append(cause)
    return any("InvalidAuthToken" in str(cause) for cause in causes)


def _check_reachable(address: str | None) -> None:
    """A ``HOST:PORT`` (or ``ray://HOST:PORT``) address has a port of 1–65535, and what Ray will dial for it (for a
    loopback host, this machine's address: :func:`_dialled_host`) answers as a Ray head does within
    :data:`CONNECT_SECONDS` (:func:`_not_grpc`); ``auto`` and ``local`` are Ray's to resolve. Anything else is
    :class:`RayUnavailable`: a bare host or a URL such as the dashboard's ``http://HEAD:8265`` is no address Ray joins
    (instead of Ray's ``Invalid address format``, a lookup of the scheme as a host name, or a Ray Client that retries
    for a minute); nothing accepting a connection, or something else answering there (the dashboard's port, a Redis
    on 6379), is no Ray cluster, which ``ray.init`` would retry without end."""
    if address is None or address in ("auto", "local"):
        return
    client = address.startswith("ray://")
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not (host and port.isdigit() and "://" not in host and 1 <= int(port) <= 65535):
        right = (
            f"ray://{_host_of(address)}:10001 (its Ray Client port)"
            if client
            else (
                f"HOST:PORT, the port of its `ray start --head --port` (6379 by default: e.g. {_host_of(address)}:6379)"
            )
        )
        raise RayUnavailable(
            "address", f"{address}: not an address of a Ray cluster; give the head's {right}, or auto on a node of it"
        )
    dialled = host.strip("[]") if client else _dialled_host(host.strip("[]"))  # Ray Client dials the host as given
    elsewhere = (
        ""
        if dialled == host.strip("[]")
        else f" (for {host} Ray dials this machine's address, {dialled}:{port}: a program listening on {host} alone, "
        "such as an SSH tunnel, is not reached)"
    )
    try:
        wrong = _not_grpc(dialled, int(port))
    except OSError as exc:
        why = f"no answer within {CONNECT_SECONDS} s" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
        raise RayUnavailable(
            "address",
            f"{address}: no Ray cluster answers there ({why}); start one on that machine with "
            f"`ray start --head --port {port}`, or check the host and port{elsewhere}",
        ) from None
    if wrong is not None:
        server, right = (
            ("a Ray Client server", "the head's Ray Client port, ray://HEAD:10001 (its `--ray-client-server-port`)")
            if client
            else (
                "a Ray cluster's head",
                "the port of the head's `ray start --head --port` (6379 by default; the dashboard's 8265 and Ray "
                "Client's 10001 are other ports)",
            )
        )
        raise RayUnavailable(
            "address", f"{address}: something answers there, but not as {server} does ({wrong}); give {right}"
        )


def _dialled_host(host: str) -> str:
    """The host Ray dials for the ``host`` of a ``HOST:PORT`` address: this machine's address (the one other nodes
    reach it at) for ``localhost``, ``127.0.0.1`` or ``::1``, else ``host`` (Ray's own
    ``resolve_ip_for_localhost``, which ``ray.init`` applies to the address)."""
    from ray._private.services import resolve_ip_for_localhost

    return resolve_ip_for_localhost(host)


HTTP2_GREETING = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
"""An HTTP/2 client's connection preface followed by an empty SETTINGS frame (length 0, type 4, no flags, stream 0):
a gRPC server, as a Ray head's GCS is, answers it with a SETTINGS frame of its own."""
FRAME_HEADER = 9  # the bytes of an HTTP/2 frame header: length (3), type (1), flags (1), stream (4)
SETTINGS = 4  # the type of an HTTP/2 SETTINGS frame


def _not_grpc(host: str, port: int) -> str | None:
    """None where the server at ``host``:``port`` answers :data:`HTTP2_GREETING` with a SETTINGS frame within
    :data:`CONNECT_SECONDS`, as a gRPC server (a Ray head's GCS, Ray Client's server) does; else what it did instead,
    for the message (``it answered '<!DOCTYPE HTML>'``). Under ``RAY_USE_TLS`` (Ray's gRPC over TLS, whose handshake
    this does not make) a connection is enough. :class:`OSError` where no connection is made within
    :data:`CONNECT_SECONDS`."""
    deadline = time.monotonic() + CONNECT_SECONDS
    with socket.create_connection((host, port), timeout=CONNECT_SECONDS) as connection:
        if os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"):  # as Ray's grpc_utils reads it
            return None
        answer = b""
        try:
            connection.sendall(HTTP2_GREETING)
            while len(answer) < FRAME_HEADER:
                connection.settimeout(max(deadline - time.monotonic(), 0.001))
                if not (more := connection.recv(256)):
                    break
                answer += more
        except TimeoutError:
            if not answer:
                return f"it accepted a connection but said nothing within {CONNECT_SECONDS} s"
        except OSError as exc:
            if not answer:
                return f"it accepted a connection, then {reason(exc)}"
    if len(answer) >= FRAME_HEADER and answer[3] == SETTINGS and not int.from_bytes(answer[5:9], "big"):
        return None
    if not answer:
        return "it closed the connection without a word"
    first = answer.split(b"\n", 1)[0].strip()[:60]
    text = first.decode("ascii", "replace")
    return (
        f"it answered {text!r}" if first.isascii() and text.isprintable() and text else f"it answered {answer[:16]!r}"
    )


def _host_of(address: str) -> str:
    """The host part of a malformed ``address``, for the example of a right one (``HEAD`` when none is seen)."""
    rest = address.split("://", 1)[-1].split("/", 1)[0]
    host = rest.rpartition(":")[0] if rest.count(":") == 1 else rest
    return host or "HEAD"


def live_nodes() -> list[dict[str, float]]:
    """The resources (``CPU``, ``GPU``, …) of each live node of the joined cluster."""
    import ray

    return [node["Resources"] for node in ray.nodes() if node["Alive"]]


def check_room(cpus_per_run: int, gpus_per_run: float, nodes: list[dict[str, float]]) -> None:
    """Some node of ``nodes`` (:func:`live_nodes`; or this machine, whose cores a local instance gets, before it
    starts) has ``cpus_per_run`` CPUs and ``gpus_per_run`` GPUs, else an :class:`~mvae_core.errors.OptionError`
    naming the option and the largest node: Ray would keep such tasks pending for ever (it calls them infeasible, in a
    log the driver does not show). Checked against the nodes there when the ablation starts, so an autoscaling
    cluster must have a node of that size up."""
    for option, resource, wanted in (("cpus_per_run", "CPU", cpus_per_run), ("gpus_per_run", "GPU", gpus_per_run)):
        most = max((node.get(resource, 0) for node in nodes), default=0)
        if wanted > most:
            has = f"the largest has {most:g}" if most else f"none has a {resource}"
            advice = f"give at most {most:g}" if most else "leave it out: the runs then train on the nodes' CPUs"
            raise OptionError(
                option,
                f"{wanted:g}: no node of the Ray cluster has that many {resource}s ({has}), so no run could start; "
                f"{advice}",
            )


def shared_paths(data: list[str], out: Path) -> list[str]:
    """What every node must see: ``--out`` and each data path (``corpus:`` sources come with the package)."""
    return [str(out.resolve()), *(str(Path(d).resolve()) for d in data if not d.startswith("corpus:"))]


def seen(path: str) -> bool:
    """Whether this node sees ``path`` (:func:`shared_paths`) as the driver does: it exists, and a folder holds
    something. Every such folder does on the driver before a task starts (``--out`` the ablation's configurations,
    a DATA folder its MIDI files), while a shared file system that is not mounted on a node leaves its mount point
    there, an empty folder: a run there would find no data, or write its log and run where the driver never sees
    them."""
    try:
        if not os.path.isdir(path):
            return os.path.exists(path)
        with os.scandir(path) as entries:
            return next(entries, None) is not None
    except OSError:  # no permission to list it: not seen either
        return False


def _seen_instead(path: str) -> str:
    """What this node has at ``path``, which it does not see (:func:`seen`): for the message that says so."""
    if not os.path.isdir(path):
        return "nothing there"
    try:
        with os.scandir(path):
            return "an empty folder there, as a mount point with nothing mounted"
    except OSError as exc:  # no permission, or a file system that fails (a stale NFS handle: EIO, ESTALE)
        return f"a folder it cannot list there ({reason(exc)})"


def run_on_ray(
    tasks: list[Task],
    on_done: Callable[[Task, Outcome], None],
    must_see: list[str],
    cpus_per_run: int,
    gpus_per_run: float,
    jobs: int | None,
) -> dict[Task, Outcome]:
    """Run ``tasks`` as Ray tasks (module docstring), at most ``jobs`` at once (``None``: as many as the cluster has
    room for), in the order of the list, inside :func:`joined`; ``on_done`` is called in the driver as each ends."""
    import ray

    stop = Path(must_see[0]) / STOP_FILE  # must_see[0] is --out
    stop.unlink(missing_ok=True)
    runtime_env = task_env(os.environ)
    train = ray.remote(num_cpus=cpus_per_run, num_gpus=gpus_per_run, max_retries=TASK_RETRIES, runtime_env=runtime_env)(
        train_task
    )
    waiting, refs = list(reversed(tasks)), dict[Any, Task]()
    log_sizes: dict[Any, int] = {}  # each task's log as it was when the task was submitted
    outcomes: dict[Task, Outcome] = {}
    pending: list[Any] = []
    try:
        while waiting or pending:
            while waiting and (jobs is None or len(pending) < jobs):
                task = waiting.pop()  # command[0] is this interpreter; a node uses its own
                ref = train.remote(list(task.command[1:]), str(task.log), must_see, cpus_per_run, str(stop),
                                   task.first_epoch, gpus_per_run)  # fmt: skip
                refs[ref], log_sizes[ref] = task, _size(task.log)
                pending.append(ref)
            done, pending = ray.wait(pending, num_returns=1, timeout=POLL_SECONDS)
            for ref in done:
                task = refs[ref]
                try:
                    outcomes[task] = ray.get(ref)
                except ray.exceptions.RayError as exc:  # the task's worker died, or Ray failed to run it
                    started = _size(task.log) > log_sizes[ref]
                    ended = not started or training_ended(task.path, TRAINING_END_SECONDS)
                    outcomes[task] = ray_failure(exc, started, still_training=not ended)
                on_done(task, outcomes[task])
    except BaseException as stopped:
        stop.touch()  # every task stops its training (checkpointed) or does not start it; waiting ones never start
        try:
            _, unfinished = ray.wait(pending, num_returns=len(pending), timeout=CANCEL_WAIT_SECONDS)
        except KeyboardInterrupt:  # a second signal: stop waiting; the tasks read the stop file and end on their own
            raise StillStopping(len(pending)) from None
        if not unfinished:  # no task left to read it: --out keeps no trace of the stop
            stop.unlink(missing_ok=True)
        elif isinstance(stopped, KeyboardInterrupt):
            raise StillStopping(len(unfinished)) from None
        raise
    return outcomes


RAY_FAILURES = {
    "OutOfMemoryError": "Ray's memory monitor killed the worker running it: its node ran low on memory (fewer runs at "
    "once leave each more: --jobs)",
    "WorkerCrashedError": "the Ray worker running it died (killed, e.g. by the kernel's out-of-memory killer, or "
    "crashed)",
    "NodeDiedError": "the Ray node running it died or could not be reached",
}
"""What :func:`ray_failure` says, by the name of Ray's exception class, where Ray's own words would mislead: a
``WorkerCrashedError`` says to read ``python-core-worker-*.log`` files, which a local instance's session folder
(:func:`own_session_root`) no longer holds when the summary is read, and an ``OutOfMemoryError`` ends with how to turn
Ray's memory monitor off."""
RESUME_AFTER_CRASH = "run the same command again: it resumes the run from its last checkpoint"
"""What to do about a run whose Ray task died after its training started: the training got SIGINT as its worker
died (:data:`~mvae_core.ablation.runner.ORPHAN_GUARD`) and checkpointed, or, killed with it, kept the checkpoint of
its last epoch; the run is unfinished, so the same command resumes it."""
STILL_TRAINING = (
    f"its training was still writing its checkpoint {TRAINING_END_SECONDS:g} s later: wait for it to end (its log then "
    f"ends with `stopped: SIGINT: …`), then {RESUME_AFTER_CRASH}"
)
"""What to do about such a run whose training still held the run's lock when the driver stopped waiting for it
(:data:`TRAINING_END_SECONDS`): run at once, the same command would meet that training (``RunBusy``)."""


def ray_failure(exc: BaseException, started: bool, still_training: bool = False) -> Outcome:
    """The outcome of a run whose Ray task ended in Ray's error ``exc`` instead of returning: no exit code (``None``:
    no process's exit status reached the driver; the summary says
    :data:`~mvae_core.ablation.columns.NO_EXIT_CODE`), ``started`` as the caller saw it (the task's log has a new
    attempt header: :func:`~.runner.start_worker` writes it before the training starts), and an error that says what
    happened (:data:`RAY_FAILURES`, naming Ray's class; else the last line of Ray's message) and, for a run that
    started, :data:`RESUME_AFTER_CRASH`, or :data:`STILL_TRAINING` where ``still_training`` (its training still held
    the run's lock: :func:`training_ended`). A run that did not start reads ``not started`` in the summary, whose note
    says to run the command again."""
    kinds = [kind.__name__ for kind in type(exc).__mro__]
    known = next((f"{RAY_FAILURES[name]} ({name})" for name in kinds if name in RAY_FAILURES), None)
    said = known or last_error_line(str(exc))
    if not started:
        return Outcome(None, f"Ray: {said}; its training had not started", 0.0, started=False)
    return Outcome(None, f"Ray: {said}; {STILL_TRAINING if still_training else RESUME_AFTER_CRASH}", 0.0)


def training_ended(run: Path, seconds: float) -> bool:
    """Wait, at most ``seconds``, until no process trains ``run`` (none holds its lock:
    :meth:`~mvae_core.run.RunDir.is_training`), as the training of a task whose worker died releases it once it has
    checkpointed; False when one still does. Read through the shared storage, so on a cluster the training may run
    on another node: seen there where that storage keeps ``flock`` locks across nodes (Linux's NFS client does; not
    tried here), else the lock looks free and the driver does not wait."""
    deadline = time.monotonic() + seconds
    while RunDir(run).is_training():
        if time.monotonic() >= deadline:
            return False
        time.sleep(LOCK_POLL_SECONDS)
    return True


def _size(path: Path) -> int:
    """The size of the file ``path`` in bytes, 0 where there is none."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def task_env(driver_env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The tasks' Ray runtime environment: :data:`TASK_ENV` and the :data:`FORWARDED_ENV` variables of
    ``driver_env`` (the driver's ``os.environ``) that are set there."""
    forwarded = {name: driver_env[name] for name in FORWARDED_ENV if name in driver_env}
    return {"env_vars": {**TASK_ENV["env_vars"], **forwarded}}


def train_task(
    arguments: list[str], log: str, must_see: list[str], threads: int, stop: str, first_epoch: int, gpus: float
) -> Outcome:
    """One run, inside a Ray task: check the shared paths, then ``python -m mvae_core.cli <arguments>`` with its
    output appended to ``log`` (after the attempt's header, ``first_epoch`` as :func:`~.runner.start_worker`); when
    the file ``stop`` appears (or Ray cancels the task), SIGINT the training and wait for its checkpoint. A task that
    reserved no GPU (``gpus`` 0) hides the node's GPUs from its training (``CUDA_VISIBLE_DEVICES`` empty): Ray 2.60
    no longer does, so every such run of a GPU node trained on its first GPU, unreserved."""
    started = time.monotonic()
    if os.path.exists(stop):
        return Outcome(130, "stopped before it started (Ctrl-C)", 0.0, started=False)
    missing = [path for path in must_see if not seen(path)]
    if missing:
        return Outcome(
            2,
            f"node {socket.gethostname()} cannot see {missing[0]}: {_seen_instead(missing[0])}; the ablation's "
            "output folder and its data must be on storage every Ray node sees (a shared file system mounted at the "
            "same path)",
            0.0,
            started=False,
        )
    env = {**os.environ, **run_env(threads)}
    if not gpus:
        env["CUDA_VISIBLE_DEVICES"] = ""
    # Ray's workers block SIGINT, and a child inherits the blocked mask: unblocked for the spawn, the training can
    # be stopped with the one SIGINT that checkpoints it
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        process, offset = start_worker((sys.executable, *arguments), Path(log), env, first_epoch, socket.gethostname())
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        while (code := process.poll()) is None:
            if os.path.exists(stop):
                process.send_signal(signal.SIGINT)
                code = process.wait()
                break
            time.sleep(POLL_SECONDS)  # short sleeps, not wait(): a KeyboardInterrupt from Ray arrives between them
    except BaseException:
        process.send_signal(signal.SIGINT)
        process.wait()
        raise
    error = "" if code == 0 else last_error_line(read_from(Path(log), offset))
    return Outcome(code, error, round(time.monotonic() - started, 1))
