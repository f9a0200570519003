"""`mvae serve --midi-out NAME --midi-clock-in PORT`: MIDI out timed by a DAW's clock. The player thread is run on
a simulated clock with a trained model, the ports are mido's functions replaced (this machine has no ALSA sequencer;
the real port is tried where it has one), and the refusals are those of the command line."""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path
from typing import Any

import mido
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.models.contract import ModelError
from mvae_core.serve import midi_out
from mvae_core.serve.engine import Engine, RequestError
from mvae_core.serve.midi_clock import LOOP_CLOCKS, TICKS_PER_CLOCK
from mvae_core.serve.midi_out import ClockInput, ClockPlayer, MidiOutError, open_clock_input
from mvae_core.serve.osc import OscAnswers, message
from mvae_core.serve.server import LiveServer
from tests.test_cli_help import help_text

PERIOD = 60 / 120 / 24  # a clock at 120 bpm


@pytest.fixture(scope="module")
def engine(tiny_run):
    return Engine(tiny_run)


class Script:
    """A DAW's messages at set times, and actions (a pad move) at set times, on a simulated clock: ``receive`` jumps
    to the next message or waits out its timeout; once all are sent the player is told to stop."""

    def __init__(self, events: list[tuple[float, Any]]) -> None:
        self.events = deque(sorted(events, key=lambda event: event[0]))
        self.now = 0.0
        self.player: ClockPlayer | None = None
        self.closed = False

    def clock(self) -> float:
        return self.now

    def receive(self, timeout: float) -> tuple[float, Any] | None:
        while self.events and self.events[0][0] <= self.now + timeout:
            t, item = self.events.popleft()
            self.now = max(self.now, t)
            if not callable(item):
                return t, item
            item()
        if not self.events:
            self.player.request_stop()
        self.now += timeout
        return None

    def close(self) -> None:
        self.closed = True


class Port:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.sent: list[tuple[float, mido.Message]] = []

    def send(self, msg: mido.Message) -> None:
        self.sent.append((self.script.now, msg))


def play(engine: Engine, events: list[tuple[float, Any]]) -> tuple[Port, ClockPlayer]:
    script = Script(events)
    port = Port(script)
    player = ClockPlayer(engine, port, ClockInput(script.receive, "mvae", script.close), clock=script.clock)
    script.player = player
    player.run()
    return port, player


def clocks(first: int, last: int, start: float = 1.0) -> list[tuple[float, Any]]:
    return [(start + k * PERIOD, mido.Message("clock")) for k in range(first, last)]


def ons_at(engine: Engine, z: list[float], loop_start: float) -> list[tuple[float, int]]:
    request = engine.request({"z": z, "tempo": 120})
    notes = engine.loop(request, make_current=False).notes
    return [(loop_start + n.start / TICKS_PER_CLOCK * PERIOD, n.pitch) for n in notes]


def test_the_loop_plays_on_the_daw_s_clock_and_switches_at_its_loop_boundary(engine):
    """Start, two loops of clock at 120 bpm (a pad move in the first loop's middle), Stop: the notes on the clock's
    times, the move heard from the second loop, no note-on of a sounding pitch, everything off at Stop, nothing after."""
    engine.set("z", [0.5, -1.0])
    loop = LOOP_CLOCKS * PERIOD
    events = [*clocks(-48, 0), (1.0 - PERIOD / 2, mido.Message("start")), *clocks(0, 2 * LOOP_CLOCKS)]
    events.append((1.0 + 0.4 * loop, lambda: engine.set("z", [-2.0, 1.5])))
    stop_at = 1.0 + (2 * LOOP_CLOCKS - 0.5) * PERIOD
    events += [(stop_at, mido.Message("stop")), *clocks(2 * LOOP_CLOCKS, 2 * LOOP_CLOCKS + 48)]
    port, _ = play(engine, events)
    ons = [(t, m.note) for t, m in port.sent if m.type == "note_on"]
    first, second = ons_at(engine, [0.5, -1.0], 1.0), ons_at(engine, [-2.0, 1.5], 1.0 + loop)
    assert [p for _, p in first] != [p for _, p in second]  # the two points sound different
    assert [p for _, p in ons] == [p for _, p in first + second]
    assert [t for t, _ in ons] == pytest.approx([t for t, _ in first + second], abs=1e-6)
    sounding = set()
    for t, msg in port.sent:
        if msg.type == "note_on":
            assert msg.note not in sounding
            sounding.add(msg.note)
        elif msg.type == "note_off":
            sounding.discard(msg.note)
        elif msg.is_cc(123):
            assert not sounding and t >= stop_at
    assert [m for t, m in port.sent if t > stop_at and m.type == "note_on"] == []
    assert port.sent[-1][1].is_cc(123)


def test_a_clock_that_stops_coming_silences_the_notes_with_a_warning(engine, caplog):
    engine.set("z", [0.0, 0.0])
    port, player = play(engine, [(0.5, mido.Message("start")), *clocks(0, 100), (4.0, lambda: None)])
    assert player.status() == {"input": "mvae", "state": "lost", "tempo": pytest.approx(120)}
    last_clock = 1.0 + 99 * PERIOD
    silenced = [t for t, m in port.sent if m.is_cc(123)]
    assert silenced and silenced[0] == pytest.approx(last_clock + 0.3, abs=0.06)
    assert not [m for t, m in port.sent if t > silenced[0] and m.type == "note_on"]
    assert "the MIDI clock from 'mvae' stopped coming while playing" in caplog.text


def test_while_the_clock_times_the_notes_the_tempo_knob_is_refused_and_shown(tiny_run):
    engine = Engine(tiny_run)
    script = Script([])
    engine.midi_clock = ClockPlayer(engine, Port(script), ClockInput(script.receive, "mvae", script.close))
    assert engine.info({"files": [], "points": [], "note": "", "ready": True})["midi_clock"] == {
        "input": "mvae",
        "state": "waiting",
        "tempo": None,
    }
    with pytest.raises(RequestError) as refused:
        engine.set("tempo", 90)
    assert str(refused.value) == (
        "tempo follows the MIDI clock from 'mvae' (no clock yet): change it in the DAW, or serve without "
        "--midi-clock-in"
    )
    answer = OscAnswers(engine).answer(message("/mvae/set", "tempo", 90.0))[0]
    assert b"/mvae/error" in answer and b"tempo follows the MIDI clock" in answer
    assert engine.set("density", 1.5).density == 1.5  # the other knobs are the performer's


class FakeMido:
    """mido's port functions, recording what was opened."""

    def __init__(self, inputs: list[str]) -> None:
        self.inputs = inputs
        self.opened: list[tuple[str, dict[str, Any]]] = []

    def open_input(self, name: str, **options: Any) -> Any:
        self.opened.append((name, options))
        return type("Port", (), {"name": name, "close": lambda self: None})()


@pytest.fixture
def fake_mido(monkeypatch):
    fake = FakeMido(["Midi Through:Midi Through Port-0 14:0", "Bitwig Studio:Clock Out 130:0", "Bitwig Studio:Notes"])
    monkeypatch.setattr(midi_out.mido, "open_input", fake.open_input)
    monkeypatch.setattr(midi_out.mido, "get_input_names", lambda: fake.inputs)
    return fake


def test_the_midi_out_name_makes_a_virtual_input_the_daw_sends_its_clock_to(fake_mido):
    clock_in = open_clock_input("mvae", "mvae")
    assert clock_in.name == "mvae"
    ((name, options),) = fake_mido.opened
    assert name == "mvae" and options["virtual"] and options["client_name"] == "mvae"
    options["callback"](mido.Message("clock"))  # rtmidi's thread
    arrived = clock_in.receive(1.0)
    assert arrived is not None and arrived[1].type == "clock"
    assert clock_in.receive(0.0) is None


def test_another_name_picks_an_existing_input_by_a_part_of_its_name(fake_mido):
    assert open_clock_input("clock out", "mvae").name == "Bitwig Studio:Clock Out 130:0"
    assert fake_mido.opened[0][1].get("virtual") is None


def test_an_unknown_input_is_refused_naming_the_inputs_there_are(fake_mido):
    listed = "'Midi Through:Midi Through Port-0 14:0'; 'Bitwig Studio:Clock Out 130:0'; 'Bitwig Studio:Notes'"
    with pytest.raises(MidiOutError) as refused:
        open_clock_input("Ableton", "mvae")
    assert str(refused.value) == (
        f"--midi-clock-in Ableton: no MIDI input of that name; the inputs here: {listed}. Give one of them, or the "
        "--midi-out name for a virtual input of mvae's own that the DAW sends its clock to"
    )
    with pytest.raises(MidiOutError, match="several MIDI inputs match: 'Bitwig Studio:Clock Out 130:0'; 'Bitwig"):
        open_clock_input("bitwig", "mvae")
    fake_mido.inputs = []
    with pytest.raises(MidiOutError, match="the inputs here: none"):
        open_clock_input("Ableton", "mvae")


@pytest.mark.skipif(Path("/dev/snd/seq").exists(), reason="this machine has an ALSA sequencer")
def test_without_an_alsa_sequencer_the_clock_input_is_refused_with_the_reason():
    with pytest.raises(MidiOutError, match=r"--midi-clock-in mvae: cannot open a MIDI input here .*/dev/snd/seq"):
        open_clock_input("mvae", "mvae")


@pytest.mark.skipif(not Path("/dev/snd/seq").exists(), reason="no ALSA sequencer (/dev/snd/seq) on this machine")
def test_a_real_virtual_clock_input_receives_the_clock():
    clock_in = open_clock_input("mvae-clock-test", "mvae-clock-test")
    try:
        listed = [name for name in mido.get_output_names() if clock_in.name in name]  # ALSA adds "128:0"
        with mido.open_output(listed[0]) as daw:  # the DAW's side, connected to mvae's input
            daw.send(mido.Message("start"))
            daw.send(mido.Message("clock"))
            kinds = [clock_in.receive(1.0) for _ in range(2)]
        assert [item[1].type for item in kinds if item] == ["start", "clock"]
    finally:
        clock_in.close()


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (["--midi-clock-in", "mvae"], "--midi-clock-in mvae goes with --midi-out: the clock times the notes MIDI out"),
        (["--midi-out", "mvae", "--midi-clock-in", " "], "--midi-clock-in is empty; give the --midi-out name"),
    ],
)
def test_mvae_serve_refuses_a_clock_input_it_cannot_use_with_exit_2(tiny_run, monkeypatch, options, refusal):
    monkeypatch.setattr(LiveServer, "serve_forever", lambda self: pytest.fail("served"))
    result = CliRunner().invoke(app, ["serve", str(tiny_run), "--port", "0", *options])
    assert result.exit_code == 2, result.output
    assert f"error: {refusal}" in result.stderr


def test_the_server_plays_midi_out_by_the_clock_and_closes_the_output_when_the_input_fails(tiny_run, monkeypatch):
    closed = []
    output = type("Out", (), {"send": lambda self, m: None, "close": lambda self: closed.append(True)})
    monkeypatch.setattr("mvae_core.serve.server.open_virtual_output", lambda name: output())
    inbox: list[Any] = []

    def nothing(timeout: float) -> None:
        time.sleep(timeout)

    clock_in = ClockInput(nothing, "mvae", lambda: inbox.append(1))
    monkeypatch.setattr("mvae_core.serve.server.open_clock_input", lambda name, out: clock_in)
    server = LiveServer(tiny_run, port=0, midi_out="mvae", midi_clock_in="mvae")
    with server:
        assert isinstance(server.midi, ClockPlayer) and server.midi_clock_input == "mvae"
        assert server.engine.info(server.points.get())["midi_clock"]["state"] == "waiting"
    assert inbox == [1]  # the input is closed as the server stops

    def no_input(name: str, out: str) -> ClockInput:
        raise MidiOutError("--midi-clock-in nope: no MIDI input of that name")

    monkeypatch.setattr("mvae_core.serve.server.open_clock_input", no_input)
    with pytest.raises(MidiOutError):
        LiveServer(tiny_run, port=0, midi_out="mvae", midi_clock_in="nope")
    assert closed == [True]


def test_serve_help_shows_the_clock_option():
    text = help_text("serve")
    assert "--midi-clock-in PORT" in " ".join(text.split())


def test_a_loop_the_model_cannot_make_plays_as_silence_and_the_player_keeps_following(engine, monkeypatch, caplog):
    """The model raises twice (a plugin's bug, a point it cannot decode): the loop it could not make is silent, one
    console error says why, and a later loop plays; the thread does not end (MIDI out silent for good)."""
    engine.set("z", [0.5, -1.0])
    made = engine.loop
    calls = []

    def fails_once(request, make_current=True):
        calls.append(request)
        if len(calls) <= 2:
            raise ModelError("model 'x' (package p): player().notes raised ValueError: bad z")
        return made(request, make_current)

    monkeypatch.setattr(engine, "loop", fails_once)
    port, player = play(engine, [(0.5, mido.Message("start")), *clocks(0, 3 * LOOP_CLOCKS)])
    loop = LOOP_CLOCKS * PERIOD
    ons = [t for t, m in port.sent if m.type == "note_on"]
    assert ons and min(ons) >= 1.0 + loop - 1e-9  # the first loop silent (made ready while stopped, then at Start)
    assert len(calls) >= 3
    assert caplog.text.count("player().notes raised ValueError: bad z") == 1
    assert player.status()["state"] == "playing"


def test_the_first_loop_after_start_is_ready_before_it_so_a_slow_decode_delays_no_note(engine, monkeypatch):
    """A decode takes 60 ms here (a model's first decode does: 43-53 ms measured with the default model; or the
    engine is busy with a request). Made at the first clock after Start, it held back the first notes of a DAW at 300
    bpm (one is due 46 ms after the downbeat here). The loop a Start plays is now made while the DAW is stopped, so
    the first loop is on time."""
    engine.set("z", [0.5, -1.0])
    made = engine.loop
    period = 60 / 300 / 24
    events = [(1.0 + k * period, mido.Message("clock")) for k in range(-24, LOOP_CLOCKS - 2)]
    script = Script([*events, (1.0 - period / 2, mido.Message("start"))])
    port = Port(script)
    player = ClockPlayer(engine, port, ClockInput(script.receive, "mvae", script.close), clock=script.clock)
    script.player = player

    def slow(request, make_current=True):
        script.now += 0.06
        return made(request, make_current)

    request = engine.request({"z": [0.5, -1.0], "tempo": 300})
    wanted = [1.0 + n.start / TICKS_PER_CLOCK * period for n in made(request, make_current=False).notes]
    monkeypatch.setattr(engine, "loop", slow)
    player.run()
    ons = [t for t, m in port.sent if m.type == "note_on"]
    assert wanted[0] < 1.06 and len(ons) >= len(wanted) - 1
    assert ons == pytest.approx(wanted[: len(ons)], abs=1e-6)


def test_a_restart_that_adds_or_moves_the_clock_input_serves_other_settings_of_the_same_model(tiny_run):
    """The page re-reads /api/info (and starts following the clock) when the served SETTINGS digest changes; the
    clock was attached after the digest was computed, so a restart with --midi-clock-in served the same string."""
    served = []
    for name in (None, "mvae", "Bitwig Studio:Clock Out 130:0"):
        engine = Engine(tiny_run)
        if name is not None:
            script = Script([])
            engine.follow_clock(ClockPlayer(engine, Port(script), ClockInput(script.receive, name, script.close)))
        served.append(engine.served.split("."))
    assert len({model for model, _ in served}) == 1  # the same model: no reload
    assert len({settings for _, settings in served}) == 3
    assert served[0] == Engine(tiny_run).served.split(".")  # without a clock, as before
