"""``mvae serve --midi-out NAME``: a virtual MIDI output that plays the current loop continuously, in time.

:class:`LoopPlayer` sends the current loop's notes (channel 1) on any mido output port, loop after loop at each
loop's tempo, on an absolute clock (no drift: every event is due at ``loop start + its time``). Shortly before each
boundary (:data:`PREPARE_SECONDS`) it takes the engine's current loop for the next pass, so a pad move, an OSC
message or a ``/mvae/set`` is heard from the next loop boundary on, never mid-loop. After a stall (a suspended
laptop, a busy machine) the notes it missed are dropped, not played in a burst, and the next loop starts from then.
Stopping sends the note-offs of sounding notes and *all notes off*.

:func:`open_virtual_output` makes the port a DAW sees (rtmidi: ALSA sequencer on Linux, CoreMIDI on macOS); where the
OS has no virtual ports (Windows, a container without ``/dev/snd/seq``) it raises :class:`MidiOutError` saying so.
Following an external MIDI clock is not implemented: the tempo is the ``tempo`` knob.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import mido

from mvae_core.errors import MvaeError
from mvae_core.loop_file import STEP_TICKS, step_seconds
from mvae_core.serve.engine import Engine, Loop
from mvae_core.tools import install_command

PREPARE_SECONDS = 0.05  # the next loop is decoded this long before its first beat
START_DELAY = 0.1  # the first loop starts this long after start(), and a loop after a stall this long after it ends
LATE_SKIP = 0.05  # a note due this long ago (the process stalled: a suspended laptop, a busy machine) is dropped


class MidiOutError(MvaeError):
    """No virtual MIDI output here; the message says why and what would provide one (exit code 2)."""


def open_virtual_output(name: str) -> Any:
    """A virtual mido output port called ``name`` (rtmidi backend), of a MIDI client called ``name`` too: a DAW on
    Linux lists it as ``mvae:mvae``, not as rtmidi's default client name (``RtMidiOut Client:mvae``)."""
    try:
        with _quiet_stderr():
            return mido.open_output(name, virtual=True, client_name=name)
    except (ImportError, OSError, SystemError, NotImplementedError, RuntimeError) as exc:
        raise MidiOutError(
            f"--midi-out {name}: cannot create a virtual MIDI port here ({str(exc).rstrip('.')}). Virtual ports need "
            f"python-rtmidi ({install_command('mvae[serve]')}) and the ALSA sequencer (/dev/snd/seq: modprobe snd-seq) on Linux or CoreMIDI "
            "on macOS; on Windows use a loopback driver such as loopMIDI and OSC, or drop --midi-out"
        ) from None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """ALSA's C library prints to file descriptor 2 when it fails; the error above says it better."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def loop_events(loop: Loop, start: float) -> list[tuple[float, mido.Message]]:
    """``(due time, message)`` of ``loop`` starting at clock time ``start``, note-offs first at equal times."""
    tick = step_seconds(loop.request.tempo) / STEP_TICKS
    events = []
    for note in loop.notes:
        events.append((start + note.start * tick, mido.Message("note_on", note=note.pitch, velocity=note.velocity)))
        events.append((start + note.end * tick, mido.Message("note_off", note=note.pitch, velocity=0)))
    return sorted(events, key=lambda event: (event[0], event[1].type == "note_on"))


class LoopPlayer:
    """Plays ``engine``'s current loop on ``port`` in a daemon thread (module docstring).

    ``clock`` and ``wait(seconds, stop_event)`` default to ``time.perf_counter`` and ``Event.wait``; tests pass a
    simulated clock.
    """

    def __init__(
        self,
        engine: Engine,
        port: Any,
        clock: Callable[[], float] = time.perf_counter,
        wait: Callable[[float, threading.Event], Any] | None = None,
    ) -> None:
        self.engine = engine
        self.port = port
        self.clock = clock
        self.wait = wait or (lambda seconds, stop: stop.wait(seconds))
        self.loops_played = 0
        self._stop = threading.Event()
        self._sounding: set[int] = set()
        self._thread = threading.Thread(target=self.run, name="mvae-midi-out", daemon=True)

    def start(self) -> LoopPlayer:
        self._thread.start()
        return self

    def request_stop(self) -> None:
        """Tell the thread to stop, without waiting (:meth:`stop` waits)."""
        self._stop.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop playing and wait up to ``timeout`` seconds for the thread to turn its notes off and end."""
        self.request_stop()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run(self, max_loops: int | None = None) -> None:
        """Play until :meth:`stop` (or ``max_loops`` loops); always ends with every note off."""
        try:
            start = self.clock() + START_DELAY
            loop = self.engine.current_loop()
            while not self._stop.is_set() and (max_loops is None or self.loops_played < max_loops):
                boundary = start + loop.seconds
                upcoming = None
                schedule = [*loop_events(loop, start), (boundary - PREPARE_SECONDS, None)]
                for due, msg in sorted(schedule, key=lambda event: event[0]):  # stable: note-offs stay first
                    if not self._until(due):
                        return
                    if msg is None:
                        upcoming = self.engine.current_loop()
                    elif self._due_now(msg, due):
                        self._send(msg)
                self.loops_played += 1
                start, loop = boundary, upcoming
                if self.clock() > start + LATE_SKIP:  # a stall: start the next loop from now, not a burst of notes
                    start = self.clock() + START_DELAY
        finally:
            self._silence()

    def _until(self, due: float) -> bool:
        """Wait until clock time ``due``; False when stopped meanwhile."""
        while (left := due - self.clock()) > 0:
            if self.wait(left, self._stop) or self._stop.is_set():
                return False
        return not self._stop.is_set()

    def _due_now(self, msg: mido.Message, due: float) -> bool:
        """Whether to send ``msg`` now: not a note-on over :data:`LATE_SKIP` late, nor the note-off of one."""
        if msg.type == "note_on":
            return self.clock() - due <= LATE_SKIP
        return msg.note in self._sounding

    def _send(self, msg: mido.Message) -> None:
        if msg.type == "note_on":
            self._sounding.add(msg.note)
        else:
            self._sounding.discard(msg.note)
        self.port.send(msg)

    def _silence(self) -> None:
        for pitch in sorted(self._sounding):
            self.port.send(mido.Message("note_off", note=pitch, velocity=0))
        self._sounding.clear()
        self.port.send(mido.Message("control_change", control=123, value=0))  # all notes off
