"""MIDI out on a busy machine: a decode that takes longer than the 50 ms MIDI out allows before a loop boundary (a
guest's upload being read beside it, a slow package model) neither drops the first notes of a loop that goes on
unchanged nor shifts the loops after it, and the first loop starts after the first decode, not during it."""

from __future__ import annotations

from typing import Any

import mido
import pytest

from mvae_core.loop_file import step_seconds
from mvae_core.serve.engine import Engine, Loop, LoopRequest
from mvae_core.serve.midi_clock import LOOP_CLOCKS
from mvae_core.serve.midi_out import PREPARE_SECONDS, START_DELAY, ClockInput, ClockPlayer, LoopPlayer
from tests.test_midi_out import Port, SimulatedTime, _expected
from tests.test_serve_midi_clock_in import PERIOD, Script, clocks, ons_at
from tests.test_serve_midi_clock_in import Port as ClockPort

SLOW = 0.12  # seconds a decode takes: more than PREPARE_SECONDS, so the old player's first notes came late


class SlowDecodes:
    """``engine`` whose every decode takes ``seconds`` of simulated ``time`` (anything with a ``now``)."""

    def __init__(self, engine: Engine, time: SimulatedTime | Script, seconds: float = SLOW) -> None:
        self.engine = engine
        self.time = time
        self.seconds = seconds
        self.decodes = 0

    @property
    def current(self) -> LoopRequest:
        return self.engine.current

    def loop(self, request: LoopRequest, make_current: bool = True) -> Loop:
        self.decodes += 1
        self.time.now += self.seconds
        return self.engine.loop(request, make_current)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


def test_an_unchanged_loop_keeps_time_when_decoding_is_slow(tiny_run):
    assert SLOW > PREPARE_SECONDS
    engine = Engine(tiny_run)
    engine.set("tempo", 150)
    engine.set("z", [0.5, -1.0])
    time = SimulatedTime()
    port = Port(time)
    slow = SlowDecodes(engine, time)
    LoopPlayer(slow, port, clock=time.clock, wait=time.wait).run(max_loops=3)  # type: ignore[arg-type]
    loop_length = 32 * step_seconds(150)
    first = SLOW + START_DELAY  # the first loop starts once it is decoded
    expected = [on for k in range(3) for on in _expected(engine, [0.5, -1.0], first + k * loop_length)]
    assert expected
    ons = [(round(t, 9), m.note, m.type) for t, m in port.sent if m.type == "note_on"]
    assert ons == expected  # every note, on time: none dropped, no loop shifted
    assert slow.decodes == 1  # the loop that goes on unchanged is not decoded again


def test_a_change_is_still_decoded_at_the_boundary(tiny_run):
    engine = Engine(tiny_run)
    engine.set("tempo", 150)
    engine.set("z", [0.5, -1.0])
    time = SimulatedTime()
    port = Port(time)
    loop_length = 32 * step_seconds(150)
    time.at.append((START_DELAY + 0.3 * loop_length, lambda: engine.set("z", [-2.0, 1.5])))  # mid-loop
    LoopPlayer(engine, port, clock=time.clock, wait=time.wait).run(max_loops=3)
    ons = [(round(t, 9), m.note, m.type) for t, m in port.sent if m.type == "note_on"]
    first = _expected(engine, [0.5, -1.0], START_DELAY)
    then = [on for k in (1, 2) for on in _expected(engine, [-2.0, 1.5], START_DELAY + k * loop_length)]
    assert ons == first + then


def test_an_unchanged_loop_keeps_the_daw_s_clock_when_decoding_is_slow(tiny_run):
    """Following a DAW's clock, the next loop is made one clock (21 ms at 120 bpm) before its first beat: a decode
    that lasts past the loop's first note made that note late in every loop after the first one."""
    engine = Engine(tiny_run)
    engine.set("z", [0.5, -1.0])
    first_note = ons_at(engine, [0.5, -1.0], 0.0)[0][0]
    events = [*clocks(-48, 0), (1.0 - PERIOD / 2, mido.Message("start")), *clocks(0, 3 * LOOP_CLOCKS)]
    script = Script(events)
    port = ClockPort(script)
    slow = SlowDecodes(engine, script, seconds=first_note + 2 * PERIOD)
    player = ClockPlayer(slow, port, ClockInput(script.receive, "mvae", script.close), clock=script.clock)  # type: ignore[arg-type]
    script.player = player
    player.run()
    loop = LOOP_CLOCKS * PERIOD
    expected = [on for k in range(3) for on in ons_at(engine, [0.5, -1.0], 1.0 + k * loop)]
    ons = [(t, m.note) for t, m in port.sent if m.type == "note_on"]
    assert [p for _, p in ons] == [p for _, p in expected]
    assert [t for t, _ in ons] == pytest.approx([t for t, _ in expected], abs=1e-6)
    assert slow.decodes == 1  # made once, while the DAW was stopped
