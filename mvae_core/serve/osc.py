"""OSC for ``mvae serve --osc-port``: any OSC host (Max for Live, Pure Data, TouchDesigner) asks for loops over UDP.

Messages in, each answered to the sender's address and port (or a fixed reply port, ``--osc-reply-port``):

==================================  ===============================================================================
``/mvae/generate x y [seed]``       the loop at latent point ``(x, y)`` (``latent_dim`` numbers) with the current
                                    knobs → ``/mvae/notes pitch start end velocity …`` (four numbers per note:
                                    MIDI pitch, start and end in seconds from the loop start, velocity 1–127);
                                    the point becomes the current one (what ``--midi-out`` plays)
``/mvae/set <param> <value>``       a knob (``density``, ``temperature``, ``timing_temperature``, ``grid_offset``,
                                    ``tempo``, ``seed``; or ``z x y``) → ``/mvae/set <param> <value>``
``/mvae/set/<param> <value>``       the same, the knob in the address: what a fader of TouchOSC or a channel of
                                    TouchDesigner's OSC Out CHOP sends (one number to an address of its own)
``/mvae/get <name>``               the current value of ``name`` (a name ``/mvae/set`` takes) →
                                    ``/mvae/value <name> <value>``; ``/mvae/get notes`` → the current loop's notes
                                    as ``/mvae/notes …`` (what ``--midi-out`` plays); ``/mvae/get`` alone → one
                                    ``/mvae/value`` per name of :data:`~mvae_core.serve.engine.FIELDS`
``/mvae/get/<name>``                the same, the name in the address
``/mvae/loop``                      → ``/mvae/loop <loop_seconds> <note_count>`` of the current loop (its notes:
                                    ``/mvae/get notes``)
==================================  ===============================================================================

A datagram that is not OSC or over :data:`MAX_DATAGRAM` bytes, an unknown address, a wrong number of arguments, a
refused value, a bundle of over :data:`MAX_BUNDLE` messages, bundles nested over :data:`MAX_NESTING` deep or a bundle
element whose size is not positive (:func:`bundle_shape`) is answered with ``/mvae/error <message>``, and so is a
message whose answer fails in mvae's (or a package model's) code, as HTTP's 500 (its traceback logged); the server
goes on. ``/mvae/notes``, ``/mvae/value`` and ``/mvae/error``, which this server sends, are never answered
(:data:`ANSWERS_ONLY`). Decoding and encoding are python-osc's; the socket is the standard library's UDP server, so
malformed datagrams reach this module instead of being dropped silently. A float32 argument is read as the number
the sender meant (:func:`as_sent`); answers carry floats as float32, as OSC hosts read them.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket, ParseError

from mvae_core.out_of_memory import ran_out_line
from mvae_core.serve.engine import FIELDS, Engine, Loop, LoopRequest, RequestError, unknown_field
from mvae_core.suggest import closest, did_you_mean
from mvae_core.wording import counted

log: logging.Logger = logging.getLogger(__name__)
PREFIX = "/mvae"
ADDRESSES = (f"{PREFIX}/generate", f"{PREFIX}/set", f"{PREFIX}/get", f"{PREFIX}/loop")
ANSWERS_ONLY = (f"{PREFIX}/notes", f"{PREFIX}/value", f"{PREFIX}/error")
"""Addresses this server only answers with: a message to one of them is ignored. Answering them would let two servers
(one's ``--osc-reply-port`` the other's ``--osc-port``, or a datagram forged from one to the other) answer each other
for ever, at full speed, after a single message."""
USAGE = (
    "/mvae/generate x y [seed], /mvae/set <param> <value> (or /mvae/set/<param> <value>), /mvae/get [<name>] (or "
    "/mvae/get/<name>) or /mvae/loop"
)
SET_ONE = f"{PREFIX}/set/"
"""The start of ``/mvae/set/<param> <value>``: a knob named in the address, as controllers send a fader's number."""
GET_ONE = f"{PREFIX}/get/"
"""The start of ``/mvae/get/<name>``: the name in the address, as ``/mvae/set/<param>`` takes it."""
NOTES = "notes"
"""The name ``/mvae/get`` answers with the current loop's notes (``/mvae/notes``) rather than a ``/mvae/value``."""
MAX_BUNDLE = 16
"""The most messages of one bundle answered; a bigger bundle gets one ``/mvae/error``. One datagram holds about 1500
``/mvae/generate`` messages: seconds of decoding, during which the OSC thread answers no one else (the performer's
patch included), and hundreds of KB of answers to an address the sender may have forged."""


MAX_DATAGRAM = 8192
"""The longest datagram read (the standard library's UDP server reads 8 KiB and dropped the rest in silence, so a
longer one was answered with a parse error about its cut end); the server reads one byte more to tell."""
MAX_NESTING = 8
"""The deepest nesting of bundles read (a bundle in a bundle: 2). python-osc reads a nested bundle by recursion, so a
datagram of thousands of nested bundles raised RecursionError in the OSC thread: a traceback, and no answer."""
BUNDLE = b"#bundle\0"
OSC_POLL_SECONDS = 0.05
"""How often the OSC thread checks for a stop between datagrams (its ``handle_request`` timeout): a server with OSC
stops within this (socketserver's default 0.5 s made every stop of mvae serve, and each test server, wait up to half a
second). Not :data:`mvae_core.serve.server.SIGNAL_POLL_SECONDS`, the live server's main thread looking for a signal:
as short for the same reason, a prompt stop, but either may change alone."""
OSC_STOP_SECONDS = 5.0
"""How long :meth:`OscServer.stop` waits by default for a message being answered before it closes the socket
regardless: an OSC server on its own (a test, a notebook). Inside ``mvae serve`` it is given what is left of
:data:`mvae_core.serve.server.SERVER_STOP_SECONDS`, the budget of every thread of the live server together."""


class BundleShape(NamedTuple):
    """What :func:`bundle_shape` finds in a datagram before python-osc reads it."""

    depth: int
    """How deeply bundles nest (0: a message, 1: a bundle of messages), counted up to one past :data:`MAX_NESTING`."""
    bad_element: str | None
    """The refusal of a bundle element whose size is not positive (``-4`` at byte 16), or None. python-osc 1.10 steps
    back by a negative size and reads the same bytes again, for ever: the OSC thread spun and answered no one, a core
    busy, until the server stopped (a size of 0 is an empty element, which it skips with a warning on the console)."""


def bundle_shape(datagram: bytes) -> BundleShape:
    """How bundles nest in ``datagram`` and its first element of a size python-osc cannot read, in one walk without
    recursion that stops once past :data:`MAX_NESTING`. The other shapes python-osc reads without harm, as it reads
    them: an element whose size claims more bytes than follow is what follows (its message is then refused or read),
    a size that is no multiple of 4 moves the next element, and an element that is neither a message nor a bundle is
    skipped (an OSC bundle with no readable message is refused)."""
    deepest, bad = 0, None
    pending = [(memoryview(datagram), 1, 0)]  # a bundle's bytes, how deep it is, where it starts in the datagram
    while pending and deepest <= MAX_NESTING:
        data, depth, start = pending.pop()
        if bytes(data[: len(BUNDLE)]) != BUNDLE:
            continue
        deepest = max(deepest, depth)
        index = len(BUNDLE) + 8  # the time tag
        while index + 4 <= len(data):
            size = int.from_bytes(data[index : index + 4], "big", signed=True)
            if size <= 0:
                bad = bad or (
                    f"an OSC bundle element of size {size} at byte {start + index}; an element's size is a positive "
                    "multiple of 4 (OSC 1.0), so none of this datagram was read: check how the sender builds bundles"
                )
                break
            index += 4
            pending.append((data[index : index + size], depth + 1, start + index))
            index += size
    return BundleShape(deepest, bad)


READ_TYPES = frozenset("ifdsbhtTFNIm[]r")
"""The OSC argument types python-osc reads, or (``I``, infinitum, which holds no bytes) skips without moving the
arguments after it; it skips any other type tag (``c``, a char) without its bytes, which moves them."""


def _type_tags(dgram: bytes) -> str:
    """The type tags of the OSC message ``dgram`` (``ffi``: two floats and an int), empty when it has none."""
    tags_at = (dgram.find(b"\0") // 4 + 1) * 4  # the address, NUL-terminated and padded to 4 bytes
    if dgram[tags_at : tags_at + 1] != b",":  # no type tag string: no arguments
        return ""
    end = dgram.find(b"\0", tags_at)
    return dgram[tags_at + 1 : end if end >= 0 else len(dgram)].decode("latin-1")


def unread_type(dgram: bytes) -> str | None:
    """The first type tag of the OSC message ``dgram`` that python-osc does not read (:data:`READ_TYPES`), or None."""
    return next((tag for tag in _type_tags(dgram) if tag not in READ_TYPES), None)


def as_sent(dgram: bytes, args: list[Any]) -> list[Any]:
    """``args`` of the OSC message ``dgram`` with each float32 (type ``f``, what OSC hosts send) as the shortest
    decimal that float32 rounds to it: ``0.8``, not ``0.800000011920929`` (the float32 nearest 0.8, read exactly).
    The server then holds the number the sender meant, and echoes it, shows it (``/api/current``) and names files
    with it as HTTP's would be. A whole number is taken as float32 carries it (a seed of 123456789 arrives as
    123456792, which the shortest decimal, 123456790, would move further), and so is a double (``d``)."""
    tags = _type_tags(dgram).replace("I", "")  # infinitum holds no argument
    if "[" in tags or len(tags) != len(args):  # an array: refused as it is
        return args
    return [
        float(str(np.float32(arg))) if tag == "f" and not arg.is_integer() else arg
        for tag, arg in zip(tags, args, strict=True)
    ]


def _unread_type_error(tag: str) -> str:
    return f"argument type {tag!r} is not read by this server; send numbers as f or i (names as s)"


def message(address: str, *args: Any) -> bytes:
    """An OSC message as a datagram (ints as int32, floats as float32, strings as strings)."""
    builder = OscMessageBuilder(address=address)
    for arg in args:
        builder.add_arg(arg)
    return builder.build().dgram


class OscAnswers:
    """OSC datagrams → answer datagrams, over an :class:`Engine` (no sockets: the server below adds them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def answer(self, datagram: bytes) -> list[bytes]:
        """The answers to one datagram (a message, or a bundle of them)."""
        if len(datagram) > MAX_DATAGRAM:
            return [
                message(
                    f"{PREFIX}/error",
                    f"an OSC datagram of over {MAX_DATAGRAM:,} bytes; this server reads at most {MAX_DATAGRAM:,}: send "
                    "smaller messages or bundles",
                )
            ]
        shape = bundle_shape(datagram)  # before python-osc reads it: some shapes it cannot read (BundleShape)
        if shape.depth > MAX_NESTING:
            return [
                message(
                    f"{PREFIX}/error",
                    f"OSC bundles nested {shape.depth} deep; this server reads bundles nested at most {MAX_NESTING} "
                    "deep: send the messages in a bundle of their own",
                )
            ]
        if shape.bad_element is not None:
            return [message(f"{PREFIX}/error", shape.bad_element)]
        try:
            messages = [timed.message for timed in OscPacket(datagram).messages]
        except (ParseError, ValueError, IndexError, TypeError) as exc:
            return [message(f"{PREFIX}/error", f"not an OSC message or bundle ({exc})"[:300])]
        if not messages:  # an empty bundle, or one whose contents python-osc skipped as unreadable
            return [message(f"{PREFIX}/error", f"an OSC bundle with no readable message in it; send {USAGE}")]
        if len(messages) > MAX_BUNDLE:
            return [
                message(
                    f"{PREFIX}/error",
                    f"an OSC bundle of {len(messages)} messages; this server answers at most {MAX_BUNDLE} per bundle: "
                    "send the rest in other bundles",
                )
            ]
        return [
            reply
            for m in messages
            if m.address not in ANSWERS_ONLY
            for reply in self._answer_read(m.address, m.dgram, list(m.params))
        ]

    def _answer_read(self, address: str, dgram: bytes, args: list[Any]) -> list[bytes]:
        """The answers to one message, or an error naming its first argument type python-osc does not read (it skips
        the type but not its bytes: the arguments after it were read from the wrong bytes, a wrong value accepted)."""
        if (tag := unread_type(dgram)) is not None:
            return [message(f"{PREFIX}/error", f"{address[:80]}: {_unread_type_error(tag)}")]
        return self._answer_one(address, as_sent(dgram, args))

    def _answer_one(self, address: str, args: list[Any]) -> list[bytes]:
        """The answers to one message: one, except ``/mvae/get`` alone (one per name)."""
        try:
            if address == f"{PREFIX}/generate":
                return [self._generate(args)]
            if address == f"{PREFIX}/set":
                return [self._set(args)]
            if address in (SET_ONE, GET_ONE):  # the name left out of /mvae/set/<param> or /mvae/get/<name>
                value = " 0.8" if address == SET_ONE else ""
                example = f"{address}density{value} or {address[:-1]} density{value}"
                raise RequestError(f"the name is missing after the last /; send {example}")
            if address.startswith(SET_ONE):
                if not args:
                    raise RequestError("expected the value after the address, e.g. /mvae/set/density 0.8")
                return [self._set([address.removeprefix(SET_ONE), *args])]
            if address == f"{PREFIX}/get":
                return self._get(args)
            if address.startswith(GET_ONE):
                if args:
                    raise RequestError(f"takes no arguments, got {len(args)}; send {address[:80]}")
                return self._get([address.removeprefix(GET_ONE)])
            if address == f"{PREFIX}/loop":
                if args:  # its answer's form: /mvae/loop <loop_seconds> <note_count>
                    raise RequestError(f"takes no arguments, got {len(args)}; send /mvae/loop")
                loop = self.engine.current_loop()
                return [message(f"{PREFIX}/loop", float(loop.seconds), len(loop.notes))]
            return [message(f"{PREFIX}/error", _unknown_address(address))]
        except RequestError as exc:
            return [message(f"{PREFIX}/error", f"{address[:80]}: {exc}")]
        except Exception as exc:  # a bug (a package model's player): said to the sender, as HTTP's 500 is
            if (said := ran_out_line(exc, again="ask again")) is not None:  # the machine's failure: said, not logged
                return [message(f"{PREFIX}/error", f"{address[:80]}: {said}"[:300])]
            log.exception("error: OSC %s", address[:80])
            return [message(f"{PREFIX}/error", f"{address[:80]}: internal error: {type(exc).__name__}: {exc}"[:300])]

    def _generate(self, args: list[Any]) -> bytes:
        dim = self.engine.latent_dim
        if len(args) not in (dim, dim + 1):
            raise RequestError(
                f"expected {dim} latent numbers and an optional seed, got {counted(len(args), 'argument')}"
            )
        fields: dict[str, Any] = {"z": args[:dim]}
        if len(args) > dim:
            fields["seed"] = args[dim]
        return _notes(self.engine.loop(self.engine.request(fields, self.engine.current)))

    def _set(self, args: list[Any]) -> bytes:
        if len(args) < 2 or not isinstance(args[0], str):
            raise RequestError("expected a parameter name and a value, e.g. /mvae/set density 0.8")
        name, values = args[0], args[1:]
        if name not in FIELDS:  # before the count: /mvae/set/bogus 1 2 is refused for bogus, not for its 2 values
            raise RequestError(unknown_field(name))
        if name != "z" and len(values) != 1:
            raise RequestError(f"{name} takes one value, got {len(values)}; send /mvae/set {name} <value>")
        request = self.engine.set(name, values if name == "z" else values[0])
        return message(f"{PREFIX}/set", name, *_values(request, name))

    def _get(self, args: list[Any]) -> list[bytes]:
        """``/mvae/get [<name>]``: the current request's value of ``name`` (``/mvae/value``), its loop's notes for
        :data:`NOTES` (``/mvae/notes``, decoded as MIDI out decodes it: the same request gives the same notes), or
        without a name every value, one message each."""
        if len(args) > 1 or (args and not isinstance(args[0], str)):
            raise RequestError(f"expected one name or none, e.g. /mvae/get density (names: {_NAMES})")
        request = self.engine.current
        if not args:
            return [message(f"{PREFIX}/value", name, *_values(request, name)) for name in FIELDS]
        name = args[0]
        if name == NOTES:
            return [_notes(self.engine.current_loop())]
        if name not in FIELDS:
            hint = did_you_mean(name, (*FIELDS, NOTES), otherwise="")
            raise RequestError(f"unknown name {name[:60]!r}{hint} (names: {_NAMES})")
        return [message(f"{PREFIX}/value", name, *_values(request, name))]


_NAMES = ", ".join((*FIELDS, NOTES))


def _values(request: LoopRequest, name: str) -> list[Any]:
    """The OSC arguments of ``request``'s field ``name``: ``z``'s numbers, or the one value."""
    return list(request.z) if name == "z" else [getattr(request, name)]


def _notes(loop: Loop) -> bytes:
    """``/mvae/notes pitch start end velocity …`` of ``loop`` (start and end in seconds from the loop start)."""
    flat: list[Any] = []
    for note in loop.as_json()["notes"]:
        flat += [note["pitch"], float(note["start"]), float(note["end"]), note["velocity"]]
    return message(f"{PREFIX}/notes", *flat)


MAX_SAME_ANSWERS_PER_SECOND = 200
"""The same ``/mvae/set`` answer sent to one address and port in a second, at most; the messages past it are still
carried out, unanswered. A ``/mvae/set`` answer is the only one that is also a request (the others are never
answered, :data:`ANSWERS_ONLY`, or their request has another form), so one that two servers keep answering each other
(one's ``--osc-reply-port`` the other's ``--osc-port``, or one datagram forged from one to the other) then stops
within a fraction of a second instead of running for ever, while a client asking as fast as it can, even for the
same loop, gets every answer."""
ECHOED = f"{PREFIX}/set".encode() + b"\0"  # how a /mvae/set datagram starts: its address, then a NUL
MAX_DESTINATIONS = 1024  # (destination, answer) seconds remembered; a flood of forged senders cannot fill memory


class AnswerBudget:
    """Whether a destination may get the same ``/mvae/set`` answer again this second (:data:`MAX_SAME_ANSWERS_PER_SECOND`);
    ``clock`` is in seconds (tests pass a simulated one). Each destination refused is logged once (the first 100)."""

    limit: int

    def __init__(self, limit: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = MAX_SAME_ANSWERS_PER_SECOND if limit is None else limit
        self.clock = clock
        self._seconds: dict[tuple[Any, int], tuple[float, int]] = {}  # (to, answer's hash) → (second's start, count)
        self.warned: set[Any] = set()

    def allow(self, to: Any, answer: bytes) -> bool:
        if not answer.startswith(ECHOED):
            return True
        now, key = self.clock(), (to, hash(answer))
        start, asked = self._seconds.get(key, (now, 0))
        if now - start >= 1.0:
            start, asked = now, 0
        if key not in self._seconds and len(self._seconds) >= MAX_DESTINATIONS:  # forget the seconds that are over
            self._seconds = {k: v for k, v in self._seconds.items() if now - v[0] < 1.0}
            if len(self._seconds) >= MAX_DESTINATIONS:
                self._seconds.clear()
        self._seconds[key] = (start, asked + 1)
        if asked < self.limit:
            return True
        if to not in self.warned and len(self.warned) < 100:
            self.warned.add(to)
            log.warning(
                "warning: OSC answers to %s: the same one passed %d in a second; the server carries out the messages "
                "past them but does not answer them (two servers answering each other? check --osc-reply-port)",
                _shown(to),
                self.limit,
            )
        return False


def _shown(to: Any) -> str:
    """An address and port as a person writes them: ``127.0.0.1:9001``, ``[::1]:9001``."""
    host, port = to[0], to[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _unknown_address(address: str) -> str:
    """The error for an address this server does not answer, with the closest one it does (compared without the
    common prefix, so that /mvae/play is not taken for /mvae/loop)."""
    close = closest(address.removeprefix(PREFIX).lstrip("/"), [a.removeprefix(f"{PREFIX}/") for a in ADDRESSES])
    hint = f"did you mean {PREFIX}/{close}? " if close else ""
    return f"unknown address {address[:80]}; {hint}send {USAGE}"


class _Stderr(logging.StreamHandler):
    """What logging prints with when no handler is set up (``logging.lastResort``): warnings and errors, each as its
    message alone, to the ``sys.stderr`` of the moment."""

    def __init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)

    @property
    def stream(self) -> Any:
        return sys.stderr


_console = _Stderr()
_console_holders = 0
_console_lock = threading.Lock()


def _hold_console() -> None:
    """Give the root logger :class:`_Stderr` while an OSC server runs, if it has no handler of its own. python-osc
    warns about a datagram with the module-level ``logging.warning``, which first runs ``logging.basicConfig()`` on a
    root logger without one: from then on, every warning of the process read ``WARNING:mvae_core.serve.guard:warning:
    …`` on the console instead of ``warning: …``. A program that set up logging keeps its own handlers."""
    global _console_holders
    with _console_lock:
        if _console_holders == 0 and not logging.getLogger().handlers:
            logging.getLogger().addHandler(_console)
        _console_holders += 1


def _release_console() -> None:
    """The end of a :func:`_hold_console`: the last OSC server to stop takes :class:`_Stderr` off again, so that a
    program going on (a notebook) can still set up logging with ``logging.basicConfig``."""
    global _console_holders
    with _console_lock:
        _console_holders -= 1
        if _console_holders == 0:
            logging.getLogger().removeHandler(_console)


class OscServer:
    """A UDP OSC server on ``host:port`` answering with :class:`OscAnswers`, in a daemon thread.

    Answers go to the sender's address and port, or to the sender's address and ``reply_port`` when given: Max's
    ``udpsend``, Pure Data's ``netsend`` and TouchDesigner send from a port of their own choosing and listen on
    another, fixed one. A destination gets the same ``/mvae/set`` answer at most :data:`MAX_SAME_ANSWERS_PER_SECOND`
    times a second.
    """

    def __init__(self, engine: Engine, host: str, port: int, reply_port: int | None = None) -> None:
        answers = OscAnswers(engine)
        budget = AnswerBudget()

        stopping = self._stopping = threading.Event()

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                datagram, sock = self.request
                to = self.client_address if reply_port is None else (self.client_address[0], reply_port)
                for reply in answers.answer(datagram):
                    if budget.allow(to, reply):
                        try:
                            sock.sendto(reply, to)
                        except OSError:
                            if stopping.is_set():  # stop() closed the socket while this was answered
                                return
                            raise

        server_class = _UDPServer6 if ":" in host else socketserver.UDPServer  # --host ::1 or :: (IPv6)
        self._server = server_class((host, port), Handler)
        self._server.max_packet_size = MAX_DATAGRAM + 1  # one byte more than is read: a longer datagram is told so
        self.address: tuple[str, int] = self._server.server_address[:2]
        self._server.timeout = OSC_POLL_SECONDS  # how long handle_request waits for a datagram before it returns
        self._thread = threading.Thread(target=self._serve, name="mvae-osc", daemon=True)
        self._started = False  # holding the console (_hold_console) until stop() releases it

    def start(self) -> OscServer:
        _hold_console()
        self._started = True
        self._thread.start()
        return self

    def _serve(self) -> None:
        """Answer datagrams until :meth:`stop`, looking for it every :data:`OSC_POLL_SECONDS` seconds between them."""
        while not self._stopping.is_set():
            self._server.handle_request()

    def request_stop(self) -> None:
        """Tell the thread to stop after the datagram it answers now, without waiting (:meth:`stop` waits)."""
        self._stopping.set()

    def stop(self, timeout: float = OSC_STOP_SECONDS) -> None:
        """Stop answering and close the socket within about ``timeout`` seconds. A message still being answered then
        (a model stuck decoding) is left to the daemon thread, which sends nothing more, and a warning says so.
        (socketserver's ``shutdown()`` waits for it without a limit: ``mvae serve`` would not stop on Ctrl-C.)"""
        self.request_stop()
        if self._thread.is_alive():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning(
                    "warning: the OSC server was still answering a message when it had to stop; it stopped without "
                    "sending that answer"
                )
        self._server.server_close()
        if self._started:
            self._started = False
            _release_console()


class _UDPServer6(socketserver.UDPServer):
    """The standard library's UDP server on an IPv6 address (its default family is IPv4 only)."""

    address_family = socket.AF_INET6
