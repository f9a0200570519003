"""OSC that python-osc reads badly, and OSC answered in words that mislead (helper-481's and helper-484's review):

* a bundle element of a negative size sent python-osc's bundle reader round the same bytes for ever: one 20-byte
  datagram, from anyone on the network, and OSC answered no one again, a core busy, MIDI out's notes late;
* python-osc warns with the module-level ``logging.warning``, which ran ``logging.basicConfig()``: every later
  warning of ``mvae serve`` read ``WARNING:mvae_core.serve.guard:warning: …``;
* ``/mvae/set/ density 0.5`` and ``/mvae/set/bogus 1 2`` were refused for the wrong reason;
* a float32 from an OSC host was held as ``0.800000011920929``, which ``/api/current`` showed.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import httpx
import pytest
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from mvae_core.serve.engine import Engine
from mvae_core.serve.osc import MAX_NESTING, OscServer, bundle_shape, message
from mvae_core.serve.server import LiveServer

LOOP = message("/mvae/loop")
HEAD = b"#bundle\0" + bytes(8)  # a bundle's start: its tag, then a time tag (0: at once)


def element(datagram: bytes) -> bytes:
    """``datagram`` as a bundle element: its size, then it."""
    return len(datagram).to_bytes(4, "big") + datagram


def sized(size: int) -> bytes:
    """A bundle element's size field of ``size`` (which may be negative), with nothing after it."""
    return size.to_bytes(4, "big", signed=True)


NEGATIVE = HEAD + sized(-4)  # the 20 bytes of helper-481's finding 1
NESTED = HEAD + element(LOOP) + element(NEGATIVE)  # the same inside a valid bundle, beside a valid message


@pytest.fixture(scope="module")
def osc_server(tiny_run):
    server = OscServer(Engine(tiny_run), "127.0.0.1", 0).start()
    yield server
    server.stop(timeout=1.0)


@pytest.fixture
def ask(osc_server):
    """Send a datagram to the server and read its answers (none: an empty list) for up to ``seconds``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))

    def answers(datagram: bytes, seconds: float = 1.0, count: int = 1) -> list[OscMessage]:
        sock.settimeout(seconds)
        sock.sendto(datagram, osc_server.address)
        got = []
        try:
            while len(got) < count:
                got.append(OscMessage(sock.recvfrom(65536)[0]))
        except TimeoutError:
            pass
        return got

    yield answers
    sock.close()


@pytest.mark.parametrize(
    ("datagram", "size", "at"),
    [
        (NEGATIVE, -4, 16),
        (NESTED, -4, 16 + len(element(LOOP)) + 4 + 16),  # the nested bundle's element
        (HEAD + sized(-1) + LOOP, -1, 16),
        (HEAD + sized(-(2**31)) + LOOP, -(2**31), 16),
        (HEAD + sized(0) + element(LOOP), 0, 16),  # an empty element: python-osc skipped it with a console warning
        (HEAD + element(LOOP) + sized(0), 0, 16 + len(element(LOOP))),
    ],
)
def test_a_bundle_element_of_a_size_that_is_not_positive_is_refused_and_osc_answers_on(ask, datagram, size, at):
    """Before, python-osc stepped back by the size and read the same element again for ever: no answer, then or
    later. The valid /mvae/loop beside the bad element is not answered either: the datagram is refused whole."""
    (answer,) = ask(datagram)
    assert answer.address == "/mvae/error"
    assert answer.params == [
        f"an OSC bundle element of size {size} at byte {at}; an element's size is a positive multiple of 4 (OSC 1.0), "
        "so none of this datagram was read: check how the sender builds bundles"
    ]
    (answer,) = ask(message("/mvae/get", "density"))
    assert (answer.address, answer.params) == ("/mvae/value", ["density", 1.0])


def test_the_shapes_python_osc_reads_without_harm_are_left_to_it(ask):
    """A size past the end is read as what follows; an element that is neither message nor bundle is skipped."""
    assert ask(HEAD + sized(400) + LOOP)[0].address == "/mvae/loop"
    assert ask(HEAD + element(b"junk") + element(LOOP))[0].address == "/mvae/loop"
    assert ask(HEAD + sized(8))[0].params[0].startswith("an OSC bundle with no readable message in it")


def test_bundle_shape_finds_a_bad_size_at_any_depth_and_the_depth_past_the_limit():
    assert bundle_shape(LOOP) == (0, None)
    assert bundle_shape(HEAD + element(LOOP)) == (1, None)
    deep = NEGATIVE
    for _ in range(3):
        deep = HEAD + element(deep)
    shape = bundle_shape(deep)
    assert shape.depth == 4 and shape.bad_element.startswith("an OSC bundle element of size -4 at byte 76;")
    for _ in range(MAX_NESTING):
        deep = HEAD + element(deep)
    assert bundle_shape(deep).depth == MAX_NESTING + 1  # refused for its depth: the walk stops there


@pytest.mark.parametrize(
    ("address", "args", "said"),
    [
        ("/mvae/set/", ["density", 0.5], "/mvae/set/: the name is missing after the last /; send "
         "/mvae/set/density 0.8 or /mvae/set density 0.8"),
        ("/mvae/set/", [0.5], "/mvae/set/: the name is missing after the last /; send /mvae/set/density 0.8 or "
         "/mvae/set density 0.8"),
        ("/mvae/get/", [], "/mvae/get/: the name is missing after the last /; send /mvae/get/density or "
         "/mvae/get density"),
        ("/mvae/set/bogus", [1.0, 2.0], "/mvae/set/bogus: unknown parameter 'bogus' (parameters: z, seed, density,"),
        ("/mvae/set", ["bogus", 1.0, 2.0], "/mvae/set: unknown parameter 'bogus' (parameters: z, seed, density,"),
        ("/mvae/set", ["densty", 1.0, 2.0], "/mvae/set: unknown parameter 'densty'; did you mean 'density'?"),
        ("/mvae/set/density", [1.0, 2.0], "/mvae/set/density: density takes one value, got 2; send /mvae/set "
         "density <value>"),
    ],
)  # fmt: skip
def test_a_set_without_a_name_or_with_an_unknown_one_says_so(ask, address, args, said):
    """``/mvae/set/ density 0.5`` was told ':  takes one value, got 2' and ``/mvae/set/bogus 1 2`` 'bogus takes one
    value, got 2', rather than that the name was missing or unknown."""
    (answer,) = ask(message(address, *args))
    assert answer.address == "/mvae/error" and answer.params[0].startswith(said), answer.params


def _double(address: str, *args: float) -> bytes:
    builder = OscMessageBuilder(address=address)
    for arg in args:
        builder.add_arg(arg, arg_type="d")
    return builder.build().dgram


def test_a_float32_is_held_and_shown_as_the_number_sent(tiny_run):
    """``/mvae/set/density 0.8`` was held, echoed and shown by ``/api/current`` as 0.800000011920929."""
    with LiveServer(tiny_run, port=0, osc_port=0) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(10)

        def ask(datagram: bytes) -> list:
            sock.sendto(datagram, live.osc_address)
            return OscMessage(sock.recvfrom(65536)[0]).params

        try:
            assert ask(message("/mvae/set/density", 0.8))[0] == "density"
            assert ask(message("/mvae/set", "tempo", 97.3)) == ["tempo", pytest.approx(97.3, abs=1e-5)]  # float32
            assert ask(message("/mvae/generate", 0.3, -0.7, 5))
            current = http.get("/api/current").json()
            assert (current["density"], current["tempo"], current["z"]) == (0.8, 97.3, [0.3, -0.7])
            assert live.engine.current.density == 0.8
            ask(_double("/mvae/set/density", 0.800000011920929))  # a double is taken as it is
            assert http.get("/api/current").json()["density"] == 0.800000011920929
            ask(message("/mvae/set/seed", 123456789.0))  # a whole number as float32 carries it, not moved further
            assert http.get("/api/current").json()["seed"] == 123456792
        finally:
            sock.close()


SERVE_AND_WARN = textwrap.dedent(
    """
    import logging, socket, sys
    import httpx
    from mvae_core.serve import osc
    from mvae_core.serve.server import LiveServer

    osc.MAX_SAME_ANSWERS_PER_SECOND = 1  # so that a second /mvae/set density 1 logs mvae's own warning
    char = b"/mvae/generate\\x00\\x00,ffc\\x00\\x00\\x00\\x00" + bytes(8) + b"\\x00\\x00\\x00A"  # x, y and a char
    empty_element = b"#bundle\\x00" + bytes(8) + (8).to_bytes(4, "big")  # an element of 8 bytes: none follow
    with LiveServer(sys.argv[1], port=0, osc_port=0) as live:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(10)
        for datagram in (char, b"", empty_element, osc.message("/mvae/set", "density", 1.0)):
            sock.sendto(datagram, live.osc_address)
            sock.recvfrom(65536)
        sock.sendto(osc.message("/mvae/set", "density", 1.0), live.osc_address)  # its answer is held back
        sock.sendto(osc.message("/mvae/loop"), live.osc_address)
        sock.recvfrom(65536)
        httpx.get(live.url + "api/current", headers={"Origin": "http://one.example"}, timeout=30)
        print("root handlers while serving:", len(logging.getLogger().handlers))
    print("root handlers after:", len(logging.getLogger().handlers))
    """
)


def test_python_oscs_warnings_leave_mvaes_console_lines_as_they_are(tiny_run):
    """In a process that set up no logging, as ``mvae serve``: python-osc's first warning (a char argument, an empty
    bundle element) ran ``logging.basicConfig()``, after which each warning read ``WARNING:<logger>:warning: …``."""
    done = subprocess.run(
        [sys.executable, "-c", SERVE_AND_WARN, str(tiny_run)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert not [line for line in lines if line.startswith(("WARNING:", "ERROR:"))], done.stderr
    assert "Unhandled parameter type: c (shown once: mvae serve answers its repeats without a word here)" in lines
    assert "Could not identify content type of dgram b'' (shown once: mvae serve answers its repeats without a word " \
        "here)" in lines  # fmt: skip
    assert any(line.startswith("warning: OSC answers to 127.0.0.1:") for line in lines), done.stderr
    assert any(line.startswith("warning: a web page from http://one.example sent") for line in lines), done.stderr
    assert done.stdout.splitlines() == ["root handlers while serving: 1", "root handlers after: 0"]
