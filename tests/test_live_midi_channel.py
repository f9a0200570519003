"""``mvae serve --midi-out NAME --midi-channel N``: MIDI out plays on the channel a DAW's track or a hardware synth
listens to (1-16, default 1); every message, the note-offs and *all notes off* too, goes out on it, at the times it
had on channel 1. Ports are the tests' own (this machine has no ALSA sequencer)."""

from __future__ import annotations

import mido
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.serve.engine import Engine
from mvae_core.serve.midi_clock import LOOP_CLOCKS
from mvae_core.serve.midi_out import ClockInput, ClockPlayer, LoopPlayer
from mvae_core.serve.server import LiveServer, ServeError
from tests.test_midi_out import Port, SimulatedTime
from tests.test_serve_midi_clock_in import PERIOD, Script, clocks
from tests.test_serve_midi_clock_in import Port as ClockPort


@pytest.fixture(scope="module")
def engine(tiny_run) -> Engine:
    engine = Engine(tiny_run)
    engine.set("z", [0.5, -1.0])
    return engine


def _loop_player(engine: Engine, **channel: int) -> list[tuple[float, mido.Message]]:
    time = SimulatedTime()
    port = Port(time)
    LoopPlayer(engine, port, clock=time.clock, wait=time.wait, **channel).run(max_loops=2)
    return port.sent


def _on(channel: int, sent: list[tuple[float, mido.Message]]) -> list[tuple[float, mido.Message]]:
    """``sent`` as it would be on ``channel`` (1-16)."""
    return [(t, m.copy(channel=channel - 1)) for t, m in sent]


def test_loop_player_sends_every_message_on_the_channel_at_the_same_times(engine):
    """Old code: LoopPlayer took no channel; every message went out on channel 1."""
    on_one = _loop_player(engine)
    assert {m.channel for _, m in on_one} == {0} and any(m.type == "note_on" for _, m in on_one)
    on_ten = _loop_player(engine, channel=10)
    assert on_ten == _on(10, on_one)
    assert on_ten[-1][1] == mido.Message("control_change", channel=9, control=123, value=0)


def _clock_player(engine: Engine, **channel: int) -> list[tuple[float, mido.Message]]:
    """A Start, a loop and a half of clock at 120 bpm, then Stop, played by a ClockPlayer."""
    stop = (1.0 + (LOOP_CLOCKS + 6) * PERIOD, mido.Message("stop"))
    script = Script([(0.5, mido.Message("start")), *clocks(0, LOOP_CLOCKS + 12), stop])
    port = ClockPort(script)
    player = ClockPlayer(engine, port, ClockInput(script.receive, "mvae", script.close), clock=script.clock, **channel)
    script.player = player
    player.run()
    return port.sent


def test_clock_player_sends_every_message_on_the_channel_at_the_same_times(engine):
    on_one = _clock_player(engine)
    assert any(m.type == "note_on" for _, m in on_one)
    assert _clock_player(engine, channel=16) == _on(16, on_one)


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (["--midi-channel", "2"], "--midi-channel 2 goes with --midi-out: it is the channel MIDI out plays on; add it"),
        (["--midi-out", "mvae", "--midi-channel", "0"], "--midi-channel 0: a MIDI channel is a number from 1 to 16"),
        (["--midi-out", "mvae", "--midi-channel", "17"], "--midi-channel 17: a MIDI channel is a number from 1 to 16"),
        # without --midi-out too: the hint to add it would repeat a channel that does not exist
        (["--midi-channel", "0"], "--midi-channel 0: a MIDI channel is a number from 1 to 16"),
    ],
)
def test_a_channel_it_cannot_use_exits_2_before_the_run_is_loaded(tiny_run, monkeypatch, options, refusal):
    monkeypatch.setattr(LiveServer, "serve_forever", lambda self, ready=None: pytest.fail("served"))
    monkeypatch.setattr("mvae_core.serve.server.Engine", lambda *a: pytest.fail("loaded the run"))
    result = CliRunner().invoke(app, ["serve", str(tiny_run), "--port", "0", *options])
    assert result.exit_code == 2, result.output
    assert f"error: {refusal}" in " ".join(result.stderr.split())


def test_the_console_names_the_channel_and_the_player_uses_it(tiny_run, monkeypatch):
    ports: list[str] = []
    output = type("Out", (), {"send": lambda self, m: None, "close": lambda self: None})
    monkeypatch.setattr("mvae_core.serve.server.open_virtual_output", lambda name: ports.append(name) or output())
    players: list[LoopPlayer] = []

    def serve_forever(self, ready=None) -> None:
        players.append(self.midi)

    monkeypatch.setattr(LiveServer, "serve_forever", serve_forever)
    result = CliRunner().invoke(
        app, ["serve", str(tiny_run), "--port", "0", "--midi-out", "mvae", "--midi-channel", "10"]
    )
    assert result.exit_code == 0, result.output
    assert "  MIDI out: virtual port 'mvae', channel 10\n" in result.stdout
    assert ports == ["mvae"] and players[0].voices.channel == 9  # mido counts from 0
    result = CliRunner().invoke(app, ["serve", str(tiny_run), "--port", "0", "--midi-out", "mvae"])
    assert "  MIDI out: virtual port 'mvae', channel 1\n" in result.stdout


def test_the_library_refuses_a_channel_as_the_command_does(tiny_run):
    with pytest.raises(ServeError, match=r"^--midi-channel 3 goes with --midi-out"):
        LiveServer(tiny_run, port=0, midi_channel=3)
