"""`--midi-out`: the current loop played continuously in time, switching patterns only at loop boundaries, every note
off at the end; a clear error where the OS has no virtual MIDI ports. The schedule is checked on a simulated clock
(exact times), the real port where the machine has one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import mido
import pytest

from mvae_core.loop_file import STEP_TICKS, step_seconds
from mvae_core.serve import midi_out
from mvae_core.serve.engine import Engine
from mvae_core.serve.midi_out import START_DELAY, LoopPlayer, MidiOutError, open_virtual_output
from mvae_core.tools import install_command


class SimulatedTime:
    """A clock that jumps to whatever time the player waits for, running ``at`` callbacks on the way."""

    def __init__(self) -> None:
        self.now = 0.0
        self.at: list[tuple[float, Callable[[], object]]] = []

    def clock(self) -> float:
        return self.now

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        target = self.now + seconds
        for when, action in sorted(self.at, key=lambda item: item[0]):
            if self.now < when <= target:
                self.now = when
                action()
        self.now = target
        return stop.is_set()


class Port:
    """An output port that records what it is sent, with the simulated time."""

    def __init__(self, time: SimulatedTime) -> None:
        self.time = time
        self.sent: list[tuple[float, mido.Message]] = []

    def send(self, msg: mido.Message) -> None:
        self.sent.append((self.time.now, msg))


@pytest.fixture(scope="module")
def engine(tiny_run):
    return Engine(tiny_run)


def _expected(engine: Engine, z: list[float], start: float) -> list[tuple[float, int, str]]:
    loop = engine.loop(engine.request({"z": z, "tempo": 150}), make_current=False)
    tick = step_seconds(150) / STEP_TICKS
    return [(round(start + n.start * tick, 9), n.pitch, "note_on") for n in loop.notes]


def test_the_current_loop_plays_in_time_and_a_change_is_heard_from_the_next_boundary(engine):
    time = SimulatedTime()
    port = Port(time)
    engine.set("tempo", 150)
    engine.set("z", [0.5, -1.0])
    loop_length = 32 * step_seconds(150)
    time.at.append((START_DELAY + 0.3 * loop_length, lambda: engine.set("z", [-2.0, 1.5])))  # mid-loop
    LoopPlayer(engine, port, clock=time.clock, wait=time.wait).run(max_loops=2)
    ons = [(round(t, 9), m.note, m.type) for t, m in port.sent if m.type == "note_on"]
    first = _expected(engine, [0.5, -1.0], START_DELAY)
    second = _expected(engine, [-2.0, 1.5], START_DELAY + loop_length)
    assert first != [(t + loop_length, p, k) for t, p, k in second]  # the two points sound different
    assert ons == first + second
    assert port.sent[-1][1].is_cc(123)  # all notes off at the end
    sounding = set()
    for _, msg in port.sent:
        if msg.type == "note_on":
            assert msg.note not in sounding  # never a second note-on before the note-off
            sounding.add(msg.note)
        elif msg.type == "note_off":
            sounding.discard(msg.note)
    assert not sounding


class StallingTime(SimulatedTime):
    """A simulated clock that jumps ``seconds`` ahead once it passes ``at``, as after a laptop's sleep."""

    def __init__(self, at: float, seconds: float) -> None:
        super().__init__()
        self.stall = (at, seconds)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        stopped = super().wait(seconds, stop)
        if self.stall and self.now >= self.stall[0]:
            self.now += self.stall[1]
            self.stall = None
        return stopped


def test_after_a_stall_the_missed_notes_are_dropped_not_played_in_a_burst(engine):
    engine.set("tempo", 150)
    engine.set("z", [0.5, -1.0])
    loop_length = 32 * step_seconds(150)
    time = StallingTime(at=START_DELAY + 0.4 * loop_length, seconds=60.0)
    port = Port(time)
    LoopPlayer(engine, port, clock=time.clock, wait=time.wait).run(max_loops=4)
    ons = [t for t, m in port.sent if m.type == "note_on"]
    assert len(set(ons)) == len(ons)  # a burst sends many notes at one instant
    # the rest of the stalled loop is dropped; the three loops after it play in time from a new start
    after = [(t, m.note) for t, m in port.sent if m.type == "note_on" and t > 60]
    loop = [(t, pitch) for t, pitch, _ in _expected(engine, [0.5, -1.0], 0)]
    start = after[0][0] - loop[0][0]
    expected = [(start + k * loop_length + t, pitch) for k in range(3) for t, pitch in loop]
    assert [pitch for _, pitch in after] == [pitch for _, pitch in expected]
    assert [t for t, _ in after] == pytest.approx([t for t, _ in expected], abs=1e-6)  # rounding 6 digits once split
    on, off = ([m.note for _, m in port.sent if m.type == kind] for kind in ("note_on", "note_off"))
    assert sorted(on) == sorted(off)  # every note played is ended, and no note-off for a note not played


def test_stop_silences_the_notes_that_sound(engine):
    sent = []
    started = threading.Event()

    class SlowPort:
        def send(self, msg: mido.Message) -> None:
            sent.append(msg)
            started.set()

    engine.set("z", [0.0, 0.0])
    player = LoopPlayer(engine, SlowPort()).start()
    assert started.wait(10)
    player.stop()
    on = {m.note for m in sent if m.type == "note_on"} - {m.note for m in sent if m.type == "note_off"}
    assert not on and sent[-1].is_cc(123)


def test_the_virtual_port_s_client_has_the_port_s_name(monkeypatch):
    """A Linux DAW listed the port as 'RtMidiOut Client:mvae' (python-rtmidi's default client name), and the ports
    of two servers under clients that looked alike."""
    opened = []
    monkeypatch.setattr(midi_out.mido, "open_output", lambda name, **options: opened.append((name, options)))
    open_virtual_output("mvae-2")
    assert opened == [("mvae-2", {"virtual": True, "client_name": "mvae-2"})]


def test_no_virtual_port_gives_a_clear_error(monkeypatch):
    def alsa_fails(name: str, **options: object) -> None:
        raise SystemError("MidiOutAlsa::initialize: error creating ALSA sequencer client object.")

    monkeypatch.setattr(midi_out.mido, "open_output", alsa_fails)
    monkeypatch.setattr(midi_out.importlib.util, "find_spec", lambda name: None)  # no python-rtmidi
    with pytest.raises(MidiOutError, match=r"cannot create a virtual MIDI port here .*ALSA sequencer") as refused:
        open_virtual_output("mvae")
    assert f"python-rtmidi, which is not installed: {install_command('mvae[serve]')}" in str(
        refused.value
    )  # this Python's pip, not a bare one


@pytest.mark.skipif(not Path("/dev/snd/seq").exists(), reason="no ALSA sequencer (/dev/snd/seq) on this machine")
def test_a_real_virtual_port_opens():
    port = open_virtual_output("mvae-test")
    port.close()


@pytest.mark.skipif(Path("/dev/snd/seq").exists(), reason="this machine has an ALSA sequencer")
def test_without_an_alsa_sequencer_midi_out_is_refused_with_the_reason(tiny_run):
    with pytest.raises(MidiOutError, match="/dev/snd/seq"):
        open_virtual_output("mvae-test")
