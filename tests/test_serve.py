"""`mvae serve`: the JSON API and OSC over loopback (a real server on a free port, stopped by the test), the same
notes as `mvae generate`, and bad input answered with a clear error while the server keeps serving."""

from __future__ import annotations

import io
import json
import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import wave
from contextlib import contextmanager
from pathlib import Path

import httpx
import mido
import pytest
from pythonosc.osc_message import OscMessage
from typer.testing import CliRunner

import mvae_core
from mvae_core.audio import RELEASE_SECONDS
from mvae_core.cli import app
from mvae_core.loop_file import loop_notes_json, loop_seconds, timed_notes
from mvae_core.run import RunDir
from mvae_core.serve.app import UPLOADS_AT_ONCE
from mvae_core.serve.engine import MAX_UPLOAD_BYTES, Engine, RequestError
from mvae_core.serve.osc import message
from mvae_core.serve.server import LiveServer, ServeError
from tests.interrupt import DUMP_ON_ABORT, exit_code_or_stacks

KNOBS = {"seed": 3, "density": 1.2, "temperature": 0.8, "timing_temperature": 0.5, "grid_offset": 1.5, "tempo": 97}


@pytest.fixture(scope="module")
def server(tiny_run):
    with LiveServer(tiny_run, port=0, osc_port=0) as live:
        yield live


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@pytest.fixture
def osc(server):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(10)
    yield lambda datagram: _ask(sock, server.osc_address, datagram)
    sock.close()


def _ask(sock: socket.socket, address: tuple[str, int], datagram: bytes) -> OscMessage:
    sock.sendto(datagram, address)
    return OscMessage(sock.recvfrom(65536)[0])


def test_the_server_listens_on_loopback_only(server):
    assert server.url.startswith("http://127.0.0.1:") and server.osc_address[0] == "127.0.0.1"
    # TCP by protocol number: asyncio sets TCP_NODELAY on its connections only then (else ~40 ms per answer)
    assert server._socket.proto == socket.IPPROTO_TCP


def test_info_describes_the_run_and_its_training_points(server, client, tiny_run):
    first = client.get("/api/points").json()
    assert first["ready"] or first["note"] == "encoding the training loops…"  # the server answers before they are ready
    server.points.wait(120)
    assert client.get("/api/points").json()["ready"] is True
    info = client.get("/api/info").json()
    assert info["points_ready"] is True
    assert info["latent_dim"] == 2 and info["model"] == "melody_rnn" and info["loop_seconds"] == 4.0
    assert info["points"] and all(len(p["z"]) == 2 and 0 <= p["file"] < len(info["files"]) for p in info["points"])
    assert info["defaults"]["tempo"] == 120.0 and info["ranges"]["grid_offset"] == [0.0, 2.0]
    assert info["ranges"]["seed"] == [0, 2**32 - 1]  # the page refuses a larger seed before sending it
    elbos = [record["val_elbo"] for record in RunDir(tiny_run).read_metrics()]
    assert info["epoch"] == 1 + elbos.index(min(elbos)) and info["epochs_trained"] == len(elbos)  # what plays


def test_the_pad_says_which_training_folder_is_gone(tiny_run, synth_dir, tmp_path):
    moved = tmp_path / "run"
    shutil.copytree(tiny_run, moved)
    config = moved / "config.toml"
    config.write_text(config.read_text().replace(str(synth_dir), str(tmp_path / "gone")))
    note = Engine(moved).training_points()["note"]
    assert note.startswith(f"training data not readable (data {tmp_path / 'gone'}: no such file or folder")


def test_the_pad_reads_a_hand_edited_data_path_as_one_path(tiny_run, synth_dir, tmp_path):
    """``[provenance] data`` written as a string is one path for the pad too, as for resume (RunDir.read_data)."""
    moved = tmp_path / "run"
    shutil.copytree(tiny_run, moved)
    config = moved / "config.toml"
    text = config.read_text()
    start = text.index("data = [", text.index("[provenance]"))
    end = text.index("]", start) + 1
    config.write_text(text[:start] + f"data = {json.dumps(str(synth_dir))}" + text[end:])
    points = Engine(moved).training_points()
    assert points["points"] and points["note"] == "", points["note"]


def test_generate_answers_the_notes_generate_writes(client, tiny_run, tmp_path):
    answer = client.post("/api/generate", json={"z": [0.5, -1.0], **KNOBS}).json()
    assert answer["loop_seconds"] == pytest.approx(loop_seconds(97))
    file = tmp_path / "a.mid"
    args = ["generate", str(tiny_run), "--z", "0.5,-1", "--out", str(file)]
    args += [f"--{name.replace('_', '-')}={value}" for name, value in KNOBS.items()]
    assert CliRunner().invoke(app, args).exit_code == 0
    midi = mido.MidiFile(file)
    written, now, tempo = [], 0.0, None
    for msg in midi:  # merged tracks, times in seconds
        now += msg.time
        if msg.type == "note_on":
            written.append((msg.note, round(now, 4), msg.velocity))
    assert [(n["pitch"], round(n["start"], 4), n["velocity"]) for n in answer["notes"]] == written
    assert tempo is None and midi.length == pytest.approx(answer["loop_seconds"], abs=1e-5)


def test_generate_answers_the_players_notes(client, tiny_run):
    run = mvae_core.load(tiny_run)
    engine_request = Engine(tiny_run).request({"z": [-1.0, 2.0], "seed": 7})
    notes = run.player().notes([-1.0, 2.0], engine_request.options())
    expected = loop_notes_json(timed_notes([notes], run.config, engine_request.options()), 120.0)
    assert client.post("/api/generate", json={"z": [-1.0, 2.0], "seed": 7}).json()["notes"] == expected


def test_midi_and_wav_downloads_are_the_loop(client):
    body = {"z": [0.25, 0.25], "tempo": 140}
    midi = client.post("/api/midi", json=body)
    assert midi.headers["content-type"] == "audio/midi" and "attachment" in midi.headers["content-disposition"]
    assert mido.MidiFile(file=io.BytesIO(midi.content)).length == pytest.approx(loop_seconds(140), abs=1e-5)
    wav = client.post("/api/wav", json=body)
    assert wav.headers["content-type"] == "audio/wav" and wav.headers["x-renderer"]
    assert wav.content[:4] == b"RIFF"


def _wav_seconds(content: bytes) -> float:
    with wave.open(io.BytesIO(content)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_a_wav_download_with_wrap_release_is_exactly_the_loop(client):
    """The page's WAV lasted the loop plus 0.5 s of release, so a DAW looped it out of time with its MIDI twin."""
    body = {"z": [0.25, 0.25], "tempo": 140}
    plain = client.post("/api/wav", json=body)
    assert _wav_seconds(plain.content) == pytest.approx(loop_seconds(140) + RELEASE_SECONDS, abs=1e-4)
    wrapped = client.post("/api/wav?wrap_release=true", json=body)
    assert wrapped.status_code == 200
    assert _wav_seconds(wrapped.content) == pytest.approx(loop_seconds(140), abs=1e-4)
    refused = client.post("/api/wav?wrap_release=yes", json=body)
    assert refused.status_code == 422
    assert refused.json()["error"] == "wrap_release='yes': give wrap_release=true or wrap_release=false"


def test_encode_answers_the_points_mvae_encode_prints(client, tiny_run, synth_dir, monkeypatch):
    monkeypatch.setattr("mvae_core.serve.engine.ENCODE_CHUNK", 3)  # the file's 4 loops are encoded as 3 + 1
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    answer = client.post("/api/encode", content=file.read_bytes(), headers={"X-Filename": "../../etc/passwd"}).json()
    printed = CliRunner().invoke(app, ["encode", str(tiny_run), str(file), "--json"])
    expected = json.loads(printed.output)["loops"]
    assert answer["file"] == "passwd"  # only echoed, never a path
    assert [loop["z"] for loop in answer["loops"]] == [pytest.approx(loop["mu"], abs=1e-4) for loop in expected]


def test_an_upload_is_read_in_another_process(server, synth_dir, monkeypatch):
    """Parsing a dropped file can take seconds, holding the interpreter from the threads of OSC, MIDI out and the
    page: it is read in a worker process (mvae_core.serve.uploads), never in the server's own."""
    import mvae_core.tools.encode

    def parse_here(*args, **kwargs):
        pytest.fail("the upload was parsed in the server's process")

    monkeypatch.setattr(mvae_core.tools.encode, "load_dataset", parse_here)
    file = sorted(Path(synth_dir).glob("*.mid"))[0]
    assert server.engine.encode(file.read_bytes())


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "expected"),
    [
        ("POST", "/api/generate", b'{"z": [0.5', 400, "not JSON"),
        ("POST", "/api/generate", b"[1, 2]", 422, "must be a JSON object"),
        ("POST", "/api/generate", b"{}", 422, "z is missing"),
        ("POST", "/api/generate", b'{"z": [1]}', 422, "z must be a list of 2 numbers"),
        ("POST", "/api/generate", b'{"z": [NaN, 0]}', 422, "z[0] must be a finite number, got nan"),
        ("POST", "/api/generate", b'{"z": [1e300, 0]}', 422, "within ±10"),
        ("POST", "/api/generate", b'{"z": [0, "a"]}', 422, 'z[1] must be a number, got "a"'),
        ("POST", "/api/generate", b'{"z": [0, 0], "tempoo": 90}', 422, "did you mean 'tempo'"),
        ("POST", "/api/generate", b'{"z": [0, 0], "tempo": 0}', 422, "tempo must lie in"),
        ("POST", "/api/generate", b'{"z": [0, 0], "seed": -1}', 422, "seed must be a whole number"),
        ("POST", "/api/generate", b'{"z": [0, 0], "density": true}', 422, "density must be a number, got true"),
        ("POST", "/api/generate", b"x" * (70 * 1024), 413, "limited to"),
        ("POST", "/api/generate", b'{"z": [0, 0], "seed": 1' + b"0" * 400 + b"}", 422, "seed must be a whole number"),
        ("POST", "/api/generate", b'{"z": [1' + b"0" * 400 + b", 0]}", 422, "z[0] must lie within ±10"),
        ("POST", "/api/generate", b'{"z": [0, 0], "tempo": ' + b"9" * 5000 + b"}", 400, "too many digits"),
        ("POST", "/api/generate", b"[" * 20000 + b"]" * 20000, 400, "nested too deeply"),
        ("POST", "/api/encode", b"MThd not really a MIDI file", 422, "no loop to encode"),
        ("POST", "/api/encode", b"", 422, "empty"),
        ("POST", "/api/encode", b"\0" * (MAX_UPLOAD_BYTES + 1), 413, "limited to"),
        ("GET", "/api/generate", b"", 405, "GET is not allowed on /api/generate; use POST"),
        ("GET", "/api/nothing", b"", 404, "no such path /api/nothing; the page is / and the API is /api/info,"),
        ("POST", "/api/generat", b"{}", 404, "no such path /api/generat; did you mean /api/generate?"),
        ("GET", "/static/../../config.toml", b"", 404, "no such path"),
    ],
)
def test_bad_requests_get_a_clear_error_and_the_server_keeps_serving(client, method, path, body, status, expected):
    answer = client.request(method, path, content=body)
    assert answer.status_code == status
    assert expected in answer.json()["error"]
    assert client.post("/api/generate", json={"z": [0, 0]}).status_code == 200


@contextmanager
def _server_log():
    """The lines the server logs meanwhile (mvae's and uvicorn's loggers; uvicorn's do not reach the root's)."""
    lines: list[str] = []
    handler = logging.Handler()
    formatter = logging.Formatter()
    handler.emit = lambda record: lines.append(formatter.format(record))
    loggers = [logging.getLogger(), logging.getLogger("uvicorn")]  # uvicorn.error's records reach uvicorn's
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield lines
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout:g} s for {what}"
        time.sleep(0.01)


def test_a_client_that_leaves_mid_request_leaves_nothing_in_the_log(server, client):
    host, port = server.url.removeprefix("http://").strip("/").split(":")
    handling = server._server.server_state.tasks  # uvicorn's request tasks: one ends after its error is logged
    with _server_log() as lines:
        uploads = [socket.create_connection((host, int(port)), timeout=10) for _ in range(UPLOADS_AT_ONCE)]
        try:
            for sock in uploads:  # a browser tab closed during an upload: the body is cut short
                sock.sendall(b"POST /api/encode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nMThd")
            _wait_for(lambda: len(handling) == UPLOADS_AT_ONCE, "the server to start the uploads")
        finally:
            for sock in uploads:
                sock.close()
        _wait_for(lambda: not handling, "the server to finish the uploads")
        assert client.post("/api/generate", json={"z": [0, 0]}).status_code == 200
    assert lines == []


def test_an_unexpected_failure_is_a_500_and_its_traceback_is_logged_once(tiny_run, monkeypatch):
    with LiveServer(tiny_run, port=0) as live, httpx.Client(base_url=live.url, timeout=30) as http:

        def broken(*args, **kwargs):
            raise RuntimeError("the player broke")

        monkeypatch.setattr(live.engine.player, "notes", broken)
        with _server_log() as lines:
            answer = http.post("/api/generate", json={"z": [0, 0]})
            deadline = time.monotonic() + 10  # uvicorn logs the traceback after the answer has gone
            while not any("Traceback" in line for line in lines) and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)  # and nothing more comes
        assert answer.status_code == 500
        assert answer.json()["error"] == (  # the model's code is named, with its line (a package's: its own file)
            "internal error: ModelError: model 'melody_rnn' (built-in): player().notes raised RuntimeError: the "
            f"player broke (at {__file__}:{broken.__code__.co_firstlineno + 1})"
        )
        logged = "".join(lines)  # one log record: the model's error, after the exception that caused it
        assert logged.count("RuntimeError: the player broke\n") == 1 and logged.count("ModelError: model") == 1
        assert "NoneType: None" not in logged


def test_the_page_and_its_assets_are_served_without_a_cdn(client):
    page = client.get("/")
    assert page.status_code == 200 and "<canvas" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # works offline
    for asset in ("app.js", "style.css"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_osc_generate_answers_the_sender_with_the_apis_notes(osc, client):
    answer = osc(message("/mvae/generate", 0.5, -1.0, 3))
    assert answer.address == "/mvae/notes"
    notes = client.post("/api/generate", json={"z": [0.5, -1.0], "seed": 3}).json()["notes"]
    expected = [v for n in notes for v in (n["pitch"], n["start"], n["end"], n["velocity"])]
    assert list(answer.params) == pytest.approx(expected, abs=1e-6)


def test_osc_set_changes_the_knobs_of_later_requests(osc, server):
    try:
        assert list(osc(message("/mvae/set", "density", 0.0)).params) == ["density", 0.0]
        assert list(osc(message("/mvae/generate", 0.0, 0.0)).params) == []  # density 0: no notes
        assert osc(message("/mvae/loop")).params[0] == pytest.approx(4.0)
    finally:
        server.engine.set("density", 1.0)


@pytest.mark.parametrize(
    ("datagram", "expected"),
    [
        (b"this is not OSC", "not an OSC message"),
        (b"#bundle\0" + bytes(8) + (1).to_bytes(4, "big") + b"x", "an OSC bundle with no readable message"),
        (b"#bundle\0" + bytes(8), "an OSC bundle with no readable message"),
        (message("/mvae/generate", 0.5), "expected 2 latent numbers"),
        (message("/mvae/generate", float("nan"), 0.0), "/mvae/generate: z[0] must be a finite number, got nan"),
        (message("/mvae/set", "densty", 0.5), "did you mean 'density'"),
        (message("/mvae/set", "tempo", 1000.0), "tempo must lie in"),
        (message("/mvae/set", "tempo"), "a parameter name and a value"),
        (message("/mvae/play"), "unknown address /mvae/play; send /mvae/generate x y [seed], /mvae/set"),
        (message("/mvae/genrate", 0.0, 0.0), "unknown address /mvae/genrate; did you mean /mvae/generate? send"),
        (message("/generate", 0.0, 0.0), "unknown address /generate; did you mean /mvae/generate? send"),
        (message("/mvae/Loop"), "unknown address /mvae/Loop; did you mean /mvae/loop? send"),
    ],
)
def test_bad_osc_gets_an_error_reply_and_the_server_keeps_answering(osc, datagram, expected):
    answer = osc(datagram)
    assert answer.address == "/mvae/error" and expected in answer.params[0]
    assert osc(message("/mvae/generate", 0.0, 0.0)).address == "/mvae/notes"


def test_osc_answers_go_to_the_reply_port_when_one_is_given(tiny_run):
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a Max patch's [udpreceive]
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(10)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # its [udpsend], from a port of its own
    try:
        with LiveServer(tiny_run, port=0, osc_port=0, osc_reply_port=listener.getsockname()[1]) as live:
            sender.sendto(message("/mvae/generate", 0.5, -1.0), live.osc_address)
            assert OscMessage(listener.recvfrom(65536)[0]).address == "/mvae/notes"
    finally:
        listener.close()
        sender.close()


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")
def test_osc_answers_on_an_ipv6_host_too(tiny_run):
    with LiveServer(tiny_run, host="::1", port=0, osc_port=0) as live:
        assert live.url.startswith("http://[::1]:")
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.settimeout(10)
            assert _ask(sock, live.osc_address, message("/mvae/generate", 0.5, -1.0)).address == "/mvae/notes"


def test_a_request_starts_from_its_base(server):
    base = server.engine.request({"z": [1, 2], "tempo": 90})
    moved = server.engine.request({"density": 0.5}, base)
    assert moved.z == (1.0, 2.0) and moved.tempo == 90 and moved.density == 0.5
    with pytest.raises(RequestError, match="z is missing"):
        server.engine.request({"density": 0.5})


def test_a_port_in_use_is_named(tiny_run, server):
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}"):
        LiveServer(tiny_run, port=port)


@pytest.mark.parametrize(
    ("ports", "message"),
    [
        ({"port": 70000}, "--port 70000: a port is a number from 0 to 65535"),
        ({"port": -1}, "--port -1: a port is a number from 0 to 65535"),
        ({"port": 0, "osc_port": 65536}, "--osc-port 65536: a port is a number from 0 to 65535"),
        ({"port": 0, "osc_port": 0, "osc_reply_port": 99999}, "--osc-reply-port 99999: a port is a number from 1 to"),
        ({"port": 0, "osc_port": 0, "osc_reply_port": 0}, "--osc-reply-port 0: a port is a number from 1 to"),
    ],
)
def test_a_port_out_of_range_is_named_before_anything_listens(tiny_run, ports, message):
    with pytest.raises(ServeError, match=message):
        LiveServer(tiny_run, **ports)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"host": " ", "port": 0}, "--host is empty; give an address"),
        ({"host": "[::1]", "port": 0}, r"^--host \[::1\]: give an IPv6 address without brackets, e.g. --host ::1;"),
        ({"host": "http://127.0.0.1", "port": 0}, "^--host http://127.0.0.1: give an address, not a URL, e.g. 127"),
        (
            {"host": "127.0.0.1:8000", "port": 0},
            "^--host 127.0.0.1:8000: give the port with --port: --host 127.0.0.1 --",
        ),
        ({"port": 0, "osc_reply_port": 9001}, "--osc-reply-port goes with --osc-port"),
        (
            {"port": 0, "osc_port": 9000, "osc_reply_port": 9000},
            "^--osc-reply-port 9000 is the server's own --osc-port",
        ),
        ({"port": 0, "tempo": 2}, r"^--tempo must lie in \[20, 300\], got 2 \(the range of the page's tempo knob\)$"),
        ({"port": 0, "tempo": math.nan}, r"^--tempo must be a finite number, got nan$"),
    ],
)
def test_options_that_cannot_work_are_refused(tiny_run, options, message):
    with pytest.raises(ServeError, match=message):
        LiveServer(tiny_run, **options)


def test_an_address_not_of_this_machine_is_refused_without_the_exposure_warning(tiny_run):
    from typer.testing import CliRunner

    from mvae_core.cli import app

    result = CliRunner().invoke(app, ["serve", str(tiny_run), "--host", "192.0.2.1", "--port", "0"])
    assert result.exit_code == 2 and "error: cannot listen on 192.0.2.1:0" in result.stderr
    assert "; --host takes an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0" in result.stderr
    assert "warning" not in result.stderr


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl_c", "sigterm"])
def test_mvae_serve_prints_where_it_listens_and_stops_on_a_signal(tiny_run, signum, code):
    command = [sys.executable, "-m", "mvae_core.cli", "serve", str(tiny_run), "--port", "0", "--osc-port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **DUMP_ON_ABORT}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url, lines = None, []
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "page and API:" in line:
                url = line.split("page and API:")[1].strip()
        assert url and url.startswith("http://127.0.0.1:"), process.stderr.read() if process.poll() is not None else ""
        info = httpx.get(url + "api/info", timeout=30).json()
        assert info["latent_dim"] == 2
        played = f"model: the best epoch when the server started, {info['epoch']} of {info['epochs_trained']} trained"
        assert played in "".join(lines)
        process.send_signal(signum)
        assert exit_code_or_stacks(process, timeout=30) == code  # 128 + the signal, as a shell expects
        stderr = process.stderr.read()
        assert "Traceback" not in stderr
        assert f"stopped: the server at {url} stopped ({signal.Signals(signum).name})" in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_starting_tempo_is_the_tempo_knobs_default_for_the_page_and_the_api(tiny_run):
    """``mvae serve --tempo 90``: the page's knob starts (and double-click resets) at 90, and a request that names
    no tempo plays at 90, as MIDI out does; it used to be 120 everywhere but MIDI out until the first request."""
    with LiveServer(tiny_run, port=0, tempo=90) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        info = http.get("/api/info").json()
        assert info["defaults"]["tempo"] == 90 and info["loop_seconds"] == pytest.approx(loop_seconds(90))
        assert live.engine.current.tempo == 90
        answer = http.post("/api/generate", json={"z": [0, 0]}).json()
        assert answer["tempo"] == 90 and live.engine.current.tempo == 90
        assert http.post("/api/generate", json={"z": [0, 0], "tempo": 140}).json()["tempo"] == 140


def test_stopping_does_not_wait_for_a_client_that_stopped_sending_mid_body(tiny_run):
    """Ctrl-C while a client has sent half an upload (a stalled tab, a slow link): uvicorn alone waited for the rest
    of the body for ever, so the server stopped only when ``stop`` gave up on its thread after 10 s."""
    live = LiveServer(tiny_run, port=0).start()
    host, port = live.url.removeprefix("http://").strip("/").split(":")
    with _server_log() as lines, socket.create_connection((host, int(port)), timeout=10) as upload:
        upload.sendall(b"POST /api/encode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nMThd")
        _wait_for(lambda: len(live._server.server_state.tasks) == 1, "the server to start the upload")
        started = time.monotonic()
        live.stop()
        assert time.monotonic() - started < 5 and not live._thread.is_alive()
        assert upload.recv(100) == b""  # the server hung up
    assert lines == []


def _has_websocket_library() -> bool:
    """Whether uvicorn can take a WebSocket handshake (wsproto comes with selenium; websockets with uvicorn[standard])."""
    import importlib.util

    return any(importlib.util.find_spec(name) for name in ("websockets", "wsproto"))


@pytest.mark.skipif(not _has_websocket_library(), reason="uvicorn has no WebSocket library (websockets or wsproto)")
def test_a_websocket_handshake_is_told_there_is_no_websocket_api(server):
    """A WebSocket client (TouchDesigner's WebSocket DAT, a browser's new WebSocket) got a bare 403."""
    host, port = server.url.removeprefix("http://").strip("/").split(":")
    handshake = (
        b"GET /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(handshake)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404")
    assert json.loads(body)["error"].startswith("mvae serve has no WebSocket API: send HTTP requests (POST /api/gen")


def test_the_help_states_the_tempo_knobs_range():
    """``mvae serve --help``: --tempo says which tempos the server takes (the knob's range, narrower than
    generate's), so a performer does not meet the range as an error first."""
    from mvae_core.serve.knobs import KNOBS

    low, high = KNOBS["tempo"]
    help_text = " ".join(CliRunner().invoke(app, ["serve", "--help"]).output.replace("│", " ").split())
    assert f"Starting tempo in bpm, {low:g} to {high:g}: of the page's tempo knob, MIDI out" in help_text


def test_a_page_from_an_allowed_origin_may_call_the_api(tiny_run):
    """A p5.js sketch on http://localhost:5500 posting JSON: the browser first asks OPTIONS (CORS preflight), which
    was a 405, and then could not read any answer. ``--allow-origin`` lets that origin in, and only it."""
    sketch, other = "http://localhost:5500", "https://example.org"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with LiveServer(tiny_run, port=0, allow_origins=[sketch]) as live, httpx.Client(base_url=live.url) as http:
        asked = http.options("/api/generate", headers={"Origin": sketch, **preflight})
        assert asked.status_code == 200 and asked.headers["access-control-allow-origin"] == sketch
        answer = http.post("/api/wav", json={"z": [0, 0]}, headers={"Origin": sketch})
        assert answer.headers["access-control-allow-origin"] == sketch
        assert "X-Renderer" in answer.headers["access-control-expose-headers"]
        assert http.options("/api/generate", headers={"Origin": other, **preflight}).status_code == 403
        assert "access-control-allow-origin" not in http.get("/api/info", headers={"Origin": other}).headers


def test_without_allow_origin_other_pages_cannot_read_the_api(server, client):
    answer = client.get("/api/info", headers={"Origin": "http://localhost:5500"})
    assert answer.status_code == 403 and "access-control-allow-origin" not in answer.headers


def test_a_page_not_let_in_cannot_make_the_server_play_and_programs_still_can(tiny_run):
    """Any page open in the performer's browser could POST a loop request to the server (a form, or fetch with
    no-cors: no preflight, only the answer unreadable), changing what MIDI out plays. Browsers name the page in
    Origin: the server's own page and --allow-origin's are served, others refused; curl and Python send none."""
    expected = (
        "a web page from https://example.org sent the server a request; to let its scripts in, start mvae serve "
        "with --allow-origin https://example.org (docs/live.md)"
    )
    with LiveServer(tiny_run, port=0) as live, httpx.Client(base_url=live.url) as http, _server_log() as lines:
        sneaky = {"Origin": "https://example.org", "Content-Type": "text/plain"}
        answers = [http.post("/api/generate", content=b'{"z": [1, 1]}', headers=sneaky) for _ in range(2)]
        assert [(a.status_code, a.json()["error"]) for a in answers] == [(403, expected)] * 2
        own = {"Origin": live.url.rstrip("/")}  # the page mvae serve serves
        assert http.post("/api/generate", json={"z": [1, 1]}, headers=own).status_code == 200
        assert http.post("/api/generate", json={"z": [1, 1]}).status_code == 200  # a program: no Origin
    assert lines == [f"warning: {expected}"]


def test_a_page_of_another_name_that_leads_to_this_machine_is_refused(server):
    """DNS rebinding: a page of rebind.example, whose owner points the name at 127.0.0.1, is the server's own
    origin to the browser (Origin and Host agree); a server on a loopback address answers only its own names."""
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as sock:
        host = f"rebind.example:{port}"
        sock.sendall(f"POST /api/generate HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n".encode()
                     + b"Content-Length: 12\r\nConnection: close\r\n\r\n{\"z\": [0, 0]}")  # fmt: skip
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403")
    assert f"Host '{host}': this server listens on this machine only".encode() in answer


def test_a_server_on_localhost_in_capitals_also_refuses_pages_of_other_names(tiny_run):
    """--host LOCALHOST listens on loopback, but was not taken for it: no DNS-rebinding guard, and mvae serve warned
    that the server was exposed to other machines."""
    with LiveServer(tiny_run, host="LOCALHOST", port=0) as live:
        port = live.url.rstrip("/").rsplit(":", 1)[1]
        answer = httpx.post(
            f"http://127.0.0.1:{port}/api/generate", json={"z": [0, 0]}, headers={"Host": "rebind.example"}
        )
    assert answer.status_code == 403 and "this server listens on this machine only" in answer.json()["error"]


@pytest.mark.parametrize(
    ("host", "origin", "local_only", "allowed", "served"),
    [
        ("localhost:8000", "http://localhost:8000", True, (), True),
        ("[::1]:8000", "http://[::1]:8000", True, (), True),
        ("127.0.0.1:8000", None, True, (), True),
        ("127.0.0.1:8000", "http://localhost:5500", True, ("http://localhost:5500",), True),
        ("127.0.0.1:8000", "null", True, ("*",), True),
        ("127.0.0.1:8000", "null", True, (), False),  # a page opened from a file
        ("192.168.1.5:8000", "http://192.168.1.5:8000", False, (), True),  # --host 0.0.0.0: the LAN's address
        ("192.168.1.5:8000", "http://192.168.1.5:8000", True, (), False),
        ("[::1:8000", None, True, (), False),  # malformed: urlsplit raised ValueError, a 500 with a traceback
        ("[zz]:8000", None, True, (), False),
    ],
)
def test_who_the_guard_serves(host, origin, local_only, allowed, served):
    from starlette.datastructures import Headers

    from mvae_core.serve.guard import OriginGuard

    guard = OriginGuard(app=None, allow_origins=allowed, local_only=local_only)
    headers = Headers({"host": host} | ({"origin": origin} if origin else {}))
    assert (guard.refusal(headers) is None) == served


def test_a_client_forging_a_new_origin_per_request_fills_neither_memory_nor_the_log():
    from starlette.datastructures import Headers

    from mvae_core.serve.guard import MAX_WARNED, OriginGuard

    guard = OriginGuard(app=None, allow_origins=(), local_only=True)
    with _server_log() as lines:
        for i in range(MAX_WARNED + 50):
            assert guard.refusal(Headers({"host": "127.0.0.1:8000", "origin": f"http://{i}.example" + "x" * 5000}))
    assert len(lines) == len(guard.warned) == MAX_WARNED and max(map(len, guard.warned)) == 100


@pytest.mark.parametrize("origin", ["localhost:5500", "http://localhost:5500/", "http://x/sketch.html", "file://"])
def test_an_allow_origin_that_no_browser_sends_is_refused(tiny_run, origin):
    with pytest.raises(ServeError, match=f"^--allow-origin {origin}: give a web page's origin, e.g. http://local"):
        LiveServer(tiny_run, port=0, allow_origins=[origin])


@pytest.mark.parametrize("allowed", [(), ("http://127.0.0.1:5500",)])
def test_a_page_that_is_not_let_in_is_told_how_to_be(tiny_run, allowed):
    """Without --allow-origin, a sketch's preflight was a 405 'OPTIONS is not allowed'; with another page's
    --allow-origin (the sketch's server named 127.0.0.1, the page opened as localhost), a plain-text 400 'Disallowed
    CORS origin'. Either way the terminal said nothing while the browser console said only 'blocked by CORS policy'.
    Now the answer (a 403, as for the page's other requests) and one log line per origin say which option lets the
    page in."""
    preflight = {"Origin": "http://localhost:5500", "Access-Control-Request-Method": "POST"}
    expected = (
        "a web page from http://localhost:5500 asked to call the API (a CORS preflight); to let its scripts in, start "
        "mvae serve with --allow-origin http://localhost:5500 (docs/live.md)"
    )
    live = LiveServer(tiny_run, port=0, allow_origins=allowed)
    with live, httpx.Client(base_url=live.url) as http, _server_log() as lines:
        answers = [http.options("/api/generate", headers=preflight) for _ in range(2)]
        assert [(a.status_code, a.json()["error"]) for a in answers] == [(403, expected)] * 2
        assert "OPTIONS is not allowed" in http.options("/api/generate").json()["error"]  # no page: as before
    assert lines == [f"warning: {expected}"]
