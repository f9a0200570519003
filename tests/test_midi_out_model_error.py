"""`--midi-out` without a clock: a loop the model cannot make plays as silence with one console error, and the player
goes on (its thread ended, MIDI out silent for good while the server ran on)."""

from __future__ import annotations

import mido

from mvae_core.models.contract import ModelError
from mvae_core.serve.engine import Engine
from mvae_core.serve.midi_out import LoopPlayer
from tests.test_midi_out import Port, SimulatedTime


def test_a_loop_the_model_cannot_make_is_silent_and_the_next_one_plays(tiny_run, monkeypatch, caplog):
    engine = Engine(tiny_run)
    engine.set("z", [0.5, -1.0])
    made = engine.loop
    calls = []

    def fails_once(request, make_current=True):
        calls.append(request)
        if len(calls) == 1:
            raise ModelError("model 'x' (package p): player().notes raised ValueError: bad z")
        return made(request, make_current)

    monkeypatch.setattr(engine, "loop", fails_once)
    time = SimulatedTime()
    port = Port(time)
    player = LoopPlayer(engine, port, clock=time.clock, wait=time.wait)
    player.run(max_loops=2)
    loop_seconds = made(engine.current, make_current=False).seconds
    ons = [t for t, m in port.sent if m.type == "note_on"]
    assert ons and min(ons) >= loop_seconds  # the first loop silent, the second plays
    assert player.loops_played == 2 and port.sent[-1][1] == mido.Message("control_change", control=123, value=0)
    assert caplog.text.count("MIDI out plays silence until the next loop can be made: model 'x'") == 1
