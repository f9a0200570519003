"""One process serving a run: the web page and API (uvicorn), OSC and MIDI out, started and stopped together.

:class:`LiveServer` binds its sockets when it is made (so a port in use is an error before anything runs, and port 0
means "any free port", read back from :attr:`LiveServer.url` and :attr:`LiveServer.osc_address`), then serves in
a background thread: :meth:`start` and :meth:`stop` (tests, benchmarks), or :meth:`serve_forever`, what ``mvae
serve`` does: the calling (main) thread waits for Ctrl-C or SIGTERM, stops everything and raises
:class:`~mvae_core.errors.RunInterrupted`. The signal is caught by mvae in the main thread, not by uvicorn, so how
the process ends does not depend on uvicorn re-raising it through asyncio's runner.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import ipaddress
import json
import logging
import math
import socket
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from mvae_core.errors import MvaeError, RunInterrupted, option_flag
from mvae_core.instruments import PIANO
from mvae_core.serve.app import SERVED_HEADER, create_app
from mvae_core.serve.engine import Engine, RequestError, TrainingPoints
from mvae_core.serve.guard import MAX_WARNED, is_local_name, is_web_origin, machine_names
from mvae_core.serve.knobs import DEFAULT_PORT, LOOPBACK
from mvae_core.serve.midi_out import CHANNELS, ClockPlayer, LoopPlayer, open_clock_input, open_virtual_output
from mvae_core.serve.osc import OscServer
from mvae_core.signals import Interrupts

log: logging.Logger = logging.getLogger(__name__)
SIGNAL_POLL_SECONDS = 0.05
"""How often :meth:`LiveServer.serve_forever` checks for a signal: the server starts stopping within this. Its own
fact, not :data:`~mvae_core.serve.osc.OSC_POLL_SECONDS` (the OSC thread's check for a stop), though as short."""
SERVER_STOP_SECONDS = 5.0
"""How long :meth:`LiveServer.stop` waits, after the requests' grace, for all its threads together to end (the HTTP
server, OSC, MIDI out, the pad's encoding): one deadline, each thread given what is left of it. Not
:data:`~mvae_core.serve.osc.OSC_STOP_SECONDS`, the wait of an OSC server stopped on its own."""


class ServeError(MvaeError):
    """The server cannot start (a port in use, a bad host) or its HTTP server stopped on its own; exit code 2."""


class LiveServer:
    """``run`` served on ``host:port`` (HTTP), ``osc_port`` (UDP, optional; answers to ``osc_reply_port`` when given)
    and a virtual MIDI output (optional) playing on ``midi_channel`` (1-16, default 1), timed by the MIDI clock of the
    input ``midi_clock_in`` when given; the scripts of web pages from ``allow_origins`` may call the API (CORS).
    ``uploads`` False: ``POST /api/encode`` is refused (403) and the page offers no MIDI in (``--no-upload``)."""

    allow_origins: tuple[str, ...]
    engine: Engine
    points: TrainingPoints
    url: str
    osc_address: tuple[str, int] | None
    midi_clock_input: str | None
    midi_channel: int
    other_devices: str | None

    def __init__(
        self,
        run: str | Path,
        host: str = LOOPBACK,
        port: int = DEFAULT_PORT,
        osc_port: int | None = None,
        osc_reply_port: int | None = None,
        midi_out: str | None = None,
        midi_clock_in: str | None = None,
        midi_channel: int | None = None,
        tempo: float | None = None,
        program: int | str = PIANO,
        allow_origins: Sequence[str] = (),
        log_level: str = "warning",
        uploads: bool = True,
    ) -> None:
        import uvicorn

        _check_ports(port=port, osc_port=osc_port, osc_reply_port=osc_reply_port)
        _check_host(host)
        for origin in allow_origins:
            _check_origin(origin)
        self.allow_origins = tuple(allow_origins)
        if midi_out is not None and not midi_out.strip():  # --midi-out "$PORT" with $PORT unset: MIDI out was off
            raise ServeError("--midi-out is empty; give the name the port gets in your DAW, e.g. --midi-out mvae")
        _check_clock_in(midi_clock_in, midi_out)
        _check_channel(midi_channel, midi_out)
        self.midi_channel = CHANNELS[0] if midi_channel is None else midi_channel
        if osc_reply_port is not None and osc_port is None:
            raise ServeError("--osc-reply-port goes with --osc-port: OSC answers are sent only when OSC is on")
        if osc_reply_port is not None and osc_reply_port == osc_port:
            raise ServeError(
                f"--osc-reply-port {osc_reply_port} is the server's own --osc-port: its answers would come back to it "
                "as requests, for ever; give the port your patch listens on, e.g. its [udpreceive]'s"
            )
        try:
            self.engine = Engine(run, tempo, program, uploads)
        except RequestError as exc:  # "tempo must ..." as the page would be told, said of the option
            knob = " (the range of the page's tempo knob)" if tempo is not None and math.isfinite(tempo) else ""
            raise ServeError(f"--{exc}{knob}") from None
        self.points = TrainingPoints(self.engine)  # encoded in the background: the server answers at once
        self._socket = _bind(host, port)
        self.url = f"http://{_url_host(host)}:{self._socket.getsockname()[1]}/"  # on this machine
        self.osc: OscServer | None = None
        self.midi: LoopPlayer | ClockPlayer | None = None
        try:
            if osc_port is not None:
                self.osc = _osc_server(self.engine, host, osc_port, osc_reply_port)
            if midi_out:
                self.midi = _midi_player(self.engine, midi_out, midi_clock_in, self.midi_channel)
        except BaseException:
            self._socket.close()
            self._stop_side_services(time.monotonic())  # nothing started yet: no thread to wait for
            raise
        self.osc_address = self.osc.address if self.osc else None
        self.midi_clock_input = self.midi.clock_in.name if isinstance(self.midi, ClockPlayer) else None
        port, osc_port = self._socket.getsockname()[1], self.osc_address[1] if self.osc_address else None
        self.other_devices = other_devices_line(host, port, network_addresses(host), osc_port)  # or None
        local = is_local_name(host)
        app = create_app(self.engine, self.points, self.allow_origins, local, machine_names(host))
        http = client_paced_h11(self.engine.served)
        config = uvicorn.Config(app, http=http, log_level=log_level, access_log=False)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._once = OnceFilter()  # uvicorn's warnings
        self._osc_once = OnceFilter(package="pythonosc")  # python-osc's, on the root logger

    def serve_forever(self, ready: Callable[[], None] | None = None) -> None:
        """Serve until SIGINT or SIGTERM reaches this (main) thread, then stop the HTTP server, OSC and MIDI out and
        raise :class:`~mvae_core.errors.RunInterrupted` (exit code 128 + the signal's number). ``ready`` is called
        once the server accepts connections and a signal stops it cleanly (``mvae serve`` prints "Ctrl-C stops.").
        The process may first open more files (:func:`allow_many_connections`).

        A signal is only recorded (:meth:`~mvae_core.signals.Interrupts.defer`) and acted on by this thread's wait,
        never raised where it lands: a KeyboardInterrupt inside ``Thread.start`` or ``Thread.join`` left a thread
        neither started nor joinable (a traceback instead of exit 130). A signal while the server starts stops it
        once started. While it serves, the objects alive when it started (the model, the libraries) are left out of
        the garbage collector's full collections (:func:`freeze_loaded_objects`)."""
        allow_many_connections()
        freeze_loaded_objects()
        with Interrupts() as interrupts:
            interrupts.defer()
            try:
                self.start()
                if ready is not None:
                    ready()
                while self._thread is not None and self._thread.is_alive() and not interrupts.requested():
                    time.sleep(SIGNAL_POLL_SECONDS)  # not Thread.join: a signal interrupting it misleads Python 3.11
            finally:
                self.stop()
                gc.unfreeze()  # a caller that goes on (a notebook, a test) has its garbage collected as before
        if interrupts.requested():
            raise RunInterrupted(f"the server at {self.url} stopped ({interrupts.name})", interrupts.signum)
        raise ServeError(f"the HTTP server at {self.url} stopped on its own")

    def start(self, timeout: float = 30.0) -> LiveServer:
        """Serve in a background thread; returns once the HTTP server accepts connections."""
        logging.getLogger("uvicorn.error").addFilter(self._once)
        logging.getLogger().addFilter(self._osc_once)
        self._start_side_services()
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServeError(f"the server at {self.url} did not start within {timeout:g} s")
            time.sleep(0.01)
        return self

    def stop(self, grace: float = 1.0, timeout: float = SERVER_STOP_SECONDS) -> None:
        """Stop everything :meth:`start` started and close the sockets, in ``grace`` + ``timeout`` seconds at most.
        Requests under way get ``grace`` seconds to finish; then the server hangs up on their clients (one that
        stopped sending mid-body would keep uvicorn waiting for ever), and they end as a client that left does:
        silently; an upload being read is not waited for (its worker is ended first, and it is answered with a 503).
        Every thread is told to stop first and all are then waited for until one deadline (each waited for in turn, up
        to its own limit, took up to 26 s in all); a daemon thread still running then is left to end on its own or
        with the process, with a warning."""
        deadline = time.monotonic() + grace + timeout
        self._server.should_exit = True
        self.engine.close()  # an upload being read fails at once (a 503), rather than holding its request past grace
        self.points.request_stop()
        for service in (self.osc, self.midi):
            if service:
                service.request_stop()
        if self._thread is not None:
            self._thread.join(timeout=grace)
            if self._thread.is_alive():
                self._hang_up()
            self._thread.join(timeout=_left(deadline))
        if self._thread is not None and self._thread.is_alive():
            # uvicorn closes the socket as it ends; closing it here, under its feet, raised in its thread
            log.warning("warning: the HTTP server had not stopped when the server had to; it ends with the process")
        else:
            self._socket.close()
        self._stop_side_services(deadline)
        self.points.stop(_left(deadline))
        self.engine.close()  # a worker an upload started during the grace
        logging.getLogger("uvicorn.error").removeFilter(self._once)
        logging.getLogger().removeFilter(self._osc_once)

    def _hang_up(self) -> None:
        """Close every HTTP connection still open, in the server's event loop (none before uvicorn has started: it
        makes its listening servers as it starts)."""

        def close_all() -> None:
            for connection in list(self._server.server_state.connections):
                connection.transport.close()

        for server in getattr(self._server, "servers", [])[:1]:  # one listening socket, one event loop
            server.get_loop().call_soon_threadsafe(close_all)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _start_side_services(self) -> None:
        self.points.start()
        if self.osc:
            self.osc.start()
        if self.midi:
            self.midi.start()

    def _stop_side_services(self, deadline: float) -> None:
        """Stop OSC and MIDI out, waiting for their threads until ``deadline`` (``time.monotonic``) at most."""
        if self.osc:
            self.osc.stop(_left(deadline))
            self.osc = None
        if self.midi:
            self.midi.stop(_left(deadline))
            self.midi = None


def _left(deadline: float) -> float:
    """The seconds to wait for a thread until ``deadline``: at least :data:`SIGNAL_POLL_SECONDS`, a short wait in
    which a thread already told to stop may still notice it once the deadline has passed."""
    return max(deadline - time.monotonic(), SIGNAL_POLL_SECONDS)


CLIENT_SILENCE_SECONDS = 10.0
"""How long a client may send nothing while the server waits for its request (none yet, or its headers or body half
sent) before the server hangs up. Without it a phone that left the Wi-Fi mid-upload, or a client that opens connections
and sends nothing, holds a socket until the server stops, and enough of them (macOS gives a process 256 files) lock
every device out. An idle kept-alive connection closes after uvicorn's 5 s, as before."""


CONNECTIONS_PER_CLIENT = 32
"""The most connections one address may hold open at once; a further one is answered a 503 as it opens and closed
(:meth:`ClientPacedH11.refuse`). A browser opens at most 6 to a server, so a page, the performer's scripts and a phone
never meet it; a client that opens hundreds (a buggy patch in a loop, a script holding each open while it trickles
bytes) would otherwise take the server's sockets from everyone else in the room. Loopback has the same cap when the
server listens beyond it: the performer's own patch that leaks connections fills any cap within a second, and exempt,
it could take every socket (:data:`OPEN_FILES`) from the room."""
REFUSED_LINGER_SECONDS = 1.0
"""How long a connection refused by :data:`CONNECTIONS_PER_CLIENT` stays open after its answer, reading and dropping
what its client sends, unless the client closes it first: closed at once, a request arriving after the close (or
before it, unread) made the system reset the connection, and the client lost the answer."""


class ClientPacedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, hanging up on a client silent for :data:`CLIENT_SILENCE_SECONDS` while the
    server waits for its request (the request then ends as one whose client left, silently), and refusing a client's
    connection beyond :data:`CONNECTIONS_PER_CLIENT` as it opens (:meth:`refuse`). :func:`client_paced_h11` makes the
    class a server uses: its :attr:`served` and :attr:`warned` are that server's."""

    served: str = ""
    """:data:`~mvae_core.serve.app.SERVED_HEADER` of the refusal, as every answer has it."""
    warned: ClassVar[set[str]] = set()
    """The addresses logged as over the cap (at most :data:`~mvae_core.serve.guard.MAX_WARNED`): each once."""
    refused: bool = False

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if self._over_the_cap():
            self.refuse()
            return
        self._await_client()

    def refuse(self) -> None:
        """Answer this connection, as it opens, with a 503 naming :data:`CONNECTIONS_PER_CLIENT` (``Connection:
        close``), then close it once its client has (:meth:`eof_received`) or after :data:`REFUSED_LINGER_SECONDS`;
        what the client sends meanwhile is dropped. Its address is logged the first time (it was a bare reset, and
        one line per server life, naming the first address only)."""
        self.refused = True
        host = self.client[0] if self.client else "?"
        said = (
            f"{host} has {CONNECTIONS_PER_CLIENT} connections open to mvae serve, the most one address may hold; "
            "close some (a patch opening one per request?), then ask again"
        )
        if host not in self.warned and len(self.warned) < MAX_WARNED:
            self.warned.add(host)
            shown = said.removesuffix(", then ask again")
            log.warning("warning: %s; its further ones are refused until it does", shown)
        body = json.dumps({"error": said}).encode()
        head = [
            "HTTP/1.1 503 Service Unavailable",
            "content-type: application/json",
            f"content-length: {len(body)}",
            "connection: close",
            f"{SERVED_HEADER.lower()}: {self.served}",
        ]
        self.transport.write("\r\n".join(head).encode() + b"\r\n\r\n" + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the answer ends; the request still arrives, read and dropped
        self.timeout_keep_alive_task = self.loop.call_later(REFUSED_LINGER_SECONDS, self.transport.close)

    def _over_the_cap(self) -> bool:
        """This connection is one more than :data:`CONNECTIONS_PER_CLIENT` of its address (counting itself)."""
        if not self.client:  # a Unix socket or an unknown peer: no address to count by
            return False
        host = self.client[0]
        mine = sum(1 for c in self.connections if getattr(c, "client", None) and c.client[0] == host)
        return mine > CONNECTIONS_PER_CLIENT

    def data_received(self, data: bytes) -> None:
        if self.refused:  # read and dropped (:meth:`refuse`)
            return
        super().data_received(data)  # cancels the timer (uvicorn's keep-alive timer is the same one)
        self._await_client()

    def _await_client(self) -> None:
        waiting = self.conn.their_state in (h11.IDLE, h11.SEND_BODY)  # for a request, or the rest of its body
        if waiting and not self.transport.is_closing() and self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(CLIENT_SILENCE_SECONDS, self.transport.close)


OPEN_FILES = 10240
"""The open files (sockets: one per connection) :func:`allow_many_connections` asks for; macOS's most for a process."""


def client_paced_h11(served: str) -> type[ClientPacedH11]:
    """:class:`ClientPacedH11` for one server: its refusals carry ``served`` and it logs each address once."""
    return type("ClientPacedH11", (ClientPacedH11,), {"served": served, "warned": set()})


def allow_many_connections() -> None:
    """Raise this process's soft limit on open files to :data:`OPEN_FILES`, or its hard limit when lower, as Go
    programs do: macOS gives a process 256, and a room of phones (several connections each) plus what torch and the
    server hold reached it, refusing every new connection, the performer's too. Where there is no such limit
    (Windows) or it cannot be raised, nothing changes."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def freeze_loaded_objects() -> None:
    """Collect the garbage of start-up, then move every object alive (torch, the model, the imported libraries: a
    few hundred thousand) to the collector's permanent generation (:func:`gc.freeze`), which its full collections
    skip. Scanning them took 100–250 ms, with the GIL held: every thread stalled, and a full collection, set off by
    the objects a guest's upload allocates, dropped MIDI out's notes (over 50 ms late) and held every request. Objects
    made later are collected as before; :meth:`LiveServer.serve_forever` unfreezes them all when it stops."""
    gc.collect()
    gc.freeze()


class OnceFilter(logging.Filter):
    """Lets each warning about a client through once (per line of code that logs it), marked so, then drops its
    repeats: a port scanner, or a browser sending HTTPS to the HTTP port, would otherwise print uvicorn's "Invalid HTTP
    request received." per request over the console a technician reads during a show, and an OSC patch sending a type
    python-osc does not read its "Unhandled parameter type" per message. Records with a traceback (a 500's) always
    pass, and with ``package``, so do records from outside it (python-osc logs on the root logger)."""

    def __init__(self, package: str | None = None) -> None:
        super().__init__()
        self.package = package
        self.seen: set[tuple[str, int]] = set()  # the lines of code that logged, a fixed few

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.levelno < logging.WARNING:
            return True
        if self.package is not None and self.package not in Path(record.pathname).parts:
            return True
        key = (record.pathname, record.lineno)
        if key in self.seen:
            return False
        self.seen.add(key)
        record.msg = f"{record.msg} (shown once: mvae serve answers its repeats without a word here)"
        return True


def _check_ports(**ports: int | None) -> None:
    """Raise :class:`ServeError` naming the first port (as its option) outside 0..65535 (the reply port: 1..65535)."""
    for name, port in ports.items():
        lowest = 1 if name == "osc_reply_port" else 0
        if port is not None and not lowest <= port <= 65535:
            raise ServeError(f"{option_flag(name)} {port}: a port is a number from {lowest} to 65535")


HOST_EXAMPLES = "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network this machine is on)"


def _check_host(host: str) -> None:
    """Raise :class:`ServeError` for a ``host`` that is no address: empty, a URL, an IPv6 address in brackets, or a
    name or IPv4 address with a port (an IPv6 address has two colons or more)."""
    if not host.strip():
        raise ServeError(f"--host is empty; give an address, {HOST_EXAMPLES}")
    if "://" in host or "/" in host:
        raise ServeError(f"--host {host}: give an address, not a URL, {HOST_EXAMPLES}; the port is --port")
    if host.startswith("["):  # [::1] as in a URL
        raise ServeError(f"--host {host}: give an IPv6 address without brackets, e.g. --host ::1; the port is --port")
    name, colon, port = host.rpartition(":")
    if colon and name and ":" not in name and port.isdigit():  # 127.0.0.1:8000, localhost:8000
        raise ServeError(f"--host {host}: give the port with --port: --host {name} --port {port}")


def _check_origin(origin: str) -> None:
    """Raise :class:`ServeError` unless ``origin`` is ``*`` or a web origin: scheme, host and port, no path."""
    if origin != "*" and (not is_web_origin(origin) or "/" in origin.partition("://")[2]):
        raise ServeError(
            f"--allow-origin {origin}: give a web page's origin, e.g. http://localhost:5500 (scheme, host and port, "
            "as the browser sends it: no path, no trailing /), or * for any page"
        )


def _check_clock_in(midi_clock_in: str | None, midi_out: str | None) -> None:
    """Raise :class:`ServeError` for a ``--midi-clock-in`` that is empty or without ``--midi-out``."""
    if midi_clock_in is None:
        return
    if not midi_clock_in.strip():
        raise ServeError(
            "--midi-clock-in is empty; give the --midi-out name (a virtual input the DAW sends its clock to) or an "
            "existing MIDI input's name"
        )
    if not midi_out:
        raise ServeError(
            f"--midi-clock-in {midi_clock_in} goes with --midi-out: the clock times the notes MIDI out plays; add it, "
            "e.g. --midi-out mvae --midi-clock-in mvae (the DAW records from the port mvae and sends its clock to it)"
        )


def _check_channel(midi_channel: int | None, midi_out: str | None) -> None:
    """Raise :class:`ServeError` for a ``--midi-channel`` without ``--midi-out`` or outside :data:`CHANNELS`."""
    if midi_channel is None:
        return
    low, high = CHANNELS
    if not low <= midi_channel <= high:  # first: the hint below repeats the channel
        raise ServeError(
            f"--midi-channel {midi_channel}: a MIDI channel is a number from {low} to {high}, as a DAW's track or a "
            "synth numbers them"
        )
    if not midi_out:
        raise ServeError(
            f"--midi-channel {midi_channel} goes with --midi-out: it is the channel MIDI out plays on; add it, e.g. "
            f"--midi-out mvae --midi-channel {midi_channel}"
        )


def _midi_player(engine: Engine, midi_out: str, midi_clock_in: str | None, channel: int) -> LoopPlayer | ClockPlayer:
    """MIDI out's player on ``channel``: timed by the tempo knob, or by the clock of ``midi_clock_in`` (whose tempo
    the knob then shows in ``/api/info`` and refuses to be set)."""
    port = open_virtual_output(midi_out)
    if midi_clock_in is None:
        return LoopPlayer(engine, port, channel=channel)
    try:
        clock_in = open_clock_input(midi_clock_in, midi_out)
    except BaseException:
        port.close()
        raise
    player = ClockPlayer(engine, port, clock_in, channel=channel)
    engine.follow_clock(player)
    return player


def _osc_server(engine: Engine, host: str, port: int, reply_port: int | None) -> OscServer:
    try:
        return OscServer(engine, host, port, reply_port)
    except OSError as exc:
        hint = ""
        if exc.errno == errno.EADDRINUSE:  # another server, or a patch's [udpreceive] given the port to send to
            hint = "; another program listens on it: pass another --osc-port (0 picks a free one, printed at start)"
        raise ServeError(f"--osc-port {port}: cannot listen on {host} ({exc.strerror or exc}){hint}") from None


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP by number: asyncio then sets
    # TCP_NODELAY on each connection (it checks the protocol), so a response body never waits for a delayed ACK
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = "; pass another --port (0 picks a free one)"
        elif exc.errno == errno.EADDRNOTAVAIL:
            hint = f"; --host takes an address of this machine, {HOST_EXAMPLES}, or one of its network addresses"
        raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror or exc}){hint}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


ALL_ADDRESSES = ("0.0.0.0", "::")
"""The ``--host`` values that listen on every network this machine is on."""
UNROUTED = "192.0.2.1"
"""An address of TEST-NET-1 (RFC 5737): connecting a UDP socket to it asks the OS which address of this machine faces
the network, and sends nothing."""


def _url_host(host: str) -> str:
    if host in ALL_ADDRESSES:
        return LOOPBACK  # reachable from this machine; other machines use network_addresses()
    return f"[{host}]" if ":" in host else host


def network_addresses(host: str) -> list[str]:
    """The addresses other devices (phones and laptops in the room) reach this machine at when the server listens
    on every network (``host`` 0.0.0.0 or ::): its IPv4 addresses that are not loopback, the one facing the default
    route first; empty for any other ``host`` (its own URL is the one to give), or when this machine has no network
    address. Nothing is sent on the network to find them."""
    if host not in ALL_ADDRESSES:
        return []
    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, contextlib.suppress(OSError):  # OSError: offline
        probe.connect((UNROUTED, 9))  # a UDP "connect" only picks the route: no packet leaves
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):  # the machine's name may not resolve
        found += socket.gethostbyname_ex(socket.gethostname())[2]
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback and a != "0.0.0.0"]


def other_devices_line(host: str, port: int, addresses: Sequence[str], osc_port: int | None = None) -> str | None:
    """What ``mvae serve`` says other devices open (and send OSC to, on ``osc_port``), given
    :func:`network_addresses`' ``addresses``; None unless ``host`` is every network's (on another address, the
    page's URL and the OSC line already name the one to give)."""
    if host not in ALL_ADDRESSES:
        return None

    def at(address: str) -> str:
        return f"http://{address}:{port}/" + (f" (OSC: udp {address}:{osc_port})" if osc_port is not None else "")

    if addresses:
        return f"on other devices (phones, laptops on this network): {' or '.join(map(at, addresses))}"
    return f"on other devices: {at('ADDRESS')}, ADDRESS being this machine's in its network settings (none was found)"
