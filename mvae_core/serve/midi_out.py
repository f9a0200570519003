"""``mvae serve --midi-out NAME``: a virtual MIDI output that plays the current loop continuously, in time.

:class:`LoopPlayer` sends the current loop's notes (on channel 1, or ``--midi-channel``) on any mido output port, loop after loop at each
loop's tempo, on an absolute clock (no drift: every event is due at ``loop start + its time``). Shortly before each
boundary (:data:`PREPARE_SECONDS`) it takes the engine's current loop for the next pass, so a pad move, an OSC
message or a ``/mvae/set`` is heard from the next loop boundary on, never mid-loop. After a stall (a suspended
laptop, a busy machine) the notes it missed are dropped, not played in a burst, and the next loop starts from then.
Stopping sends the note-offs of sounding notes and *all notes off*. A loop the model cannot make plays as silence,
with one console error (:class:`NextLoop`).

With ``--midi-clock-in``, :class:`ClockPlayer` plays instead: the DAW's MIDI clock, read from
:func:`open_clock_input`, times the notes (:mod:`mvae_core.serve.midi_clock` holds the rules) and the tempo knob
follows it. Both players send through :class:`Voices`, which holds the rules for late notes and re-struck pitches.

:func:`open_virtual_output` makes the port a DAW sees (rtmidi: ALSA sequencer on Linux, CoreMIDI on macOS); where the
OS has no virtual ports (Windows, a container without ``/dev/snd/seq``) it raises :class:`MidiOutError` saying so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import heapq
import importlib.util
import itertools
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import mido

from mvae_core.errors import MvaeError
from mvae_core.loop_file import STEP_TICKS, TimedNote, step_seconds
from mvae_core.out_of_memory import ran_out_line
from mvae_core.serve.engine import Engine, Loop, LoopRequest
from mvae_core.serve.knobs import KNOBS
from mvae_core.serve.midi_clock import ClockFollower, Schedule
from mvae_core.tools import install_command

log: logging.Logger = logging.getLogger(__name__)

PREPARE_SECONDS = 0.05  # the next loop is decoded this long before its first beat
START_DELAY = 0.1  # the first loop starts this long after its decode, and a loop after a stall this long after it ends
LATE_SKIP = 0.05  # a note due this long ago (the process stalled: a suspended laptop, a busy machine) is dropped
POLL_SECONDS = 0.05  # a clock-following player notices stop() within this
READY_TEMPO = 0.005  # the last loop made (while stopped too) plays again if the tempo measured is within this fraction
CHANNELS = (1, 16)
"""The MIDI channels MIDI out plays on, numbered as DAWs and synths show them (``--midi-channel``; mido counts 0-15)."""


class MidiOutError(MvaeError):
    """No virtual MIDI output here; the message says why and what would provide one (exit code 2)."""


ALSA_SEQUENCER = Path("/dev/snd/seq")
"""The device of Linux's ALSA sequencer, through which rtmidi makes virtual MIDI ports."""


def no_ports_hint() -> str:
    """What this machine lacks for virtual MIDI ports, and how to get it: python-rtmidi when it is not installed
    (the ``serve`` extra), else on Linux the ALSA sequencer when :data:`ALSA_SEQUENCER` is not there (advising
    python-rtmidi there sent a user who had it to pip), else both needs (rtmidi failed for another reason)."""
    if importlib.util.find_spec("rtmidi") is None:
        return f"Virtual MIDI ports need python-rtmidi, which is not installed: {install_command('mvae[serve]')}"
    if sys.platform.startswith("linux") and not ALSA_SEQUENCER.exists():
        return (
            f"python-rtmidi is installed, but this machine has no ALSA sequencer ({ALSA_SEQUENCER}), which virtual "
            "MIDI ports need on Linux: modprobe snd-seq (a container needs the host's /dev/snd)"
        )
    return (
        f"Virtual ports need python-rtmidi ({install_command('mvae[serve]')}) and the ALSA sequencer "
        f"({ALSA_SEQUENCER}: modprobe snd-seq) on Linux or CoreMIDI on macOS; on Windows use a loopback driver "
        "such as loopMIDI and OSC"
    )


def open_virtual_output(name: str) -> Any:
    """A virtual mido output port called ``name`` (rtmidi backend), of a MIDI client called ``name`` too: a DAW on
    Linux lists it as ``mvae:mvae``, not as rtmidi's default client name (``RtMidiOut Client:mvae``)."""
    try:
        with _quiet_stderr():
            return mido.open_output(name, virtual=True, client_name=name)
    except (ImportError, OSError, SystemError, NotImplementedError, RuntimeError) as exc:
        raise MidiOutError(
            f"--midi-out {name}: cannot create a virtual MIDI port here ({str(exc).rstrip('.')}). {no_ports_hint()}; "
            "or drop --midi-out"
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


class NextLoop:
    """The loop MIDI out plays next, of a request to ``engine``. A loop the model cannot make (an
    :class:`~mvae_core.errors.MvaeError`: a model's or plugin's bug, a point it cannot decode; or the machine running
    out of memory, :func:`~mvae_core.out_of_memory.ran_out_line`) plays as silence, and
    one console error says why until a loop is made again: MIDI out keeps time and plays again once the performer
    moves on, where the error ended its thread and MIDI out stayed silent with the server running."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.failure: str | None = None

    def __call__(self, request: LoopRequest) -> Loop:
        try:
            loop = self.engine.loop(request, make_current=False)
        except (MvaeError, MemoryError, RuntimeError) as exc:
            said = str(exc) if isinstance(exc, MvaeError) else ran_out_line(exc, again="the next loop plays")
            if said is None:  # a bug, not the machine running out of memory
                raise
            if said != self.failure:
                log.error("error: MIDI out plays silence until the next loop can be made: %s", said)
            self.failure = said
            return Loop(request, [])
        self.failure = None
        return loop


class PlayerThread:
    """The daemon thread a player plays in: :meth:`start` it, :meth:`request_stop` it from any thread (its ``run``
    checks ``_stop``), or :meth:`stop` it and wait for it to turn its notes off and end."""

    def __init__(self, name: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name=name, daemon=True)

    def run(self) -> None:
        raise NotImplementedError

    def start(self) -> Self:
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


class LoopPlayer(PlayerThread):
    """Plays ``engine``'s current loop on ``port`` in a daemon thread (module docstring).

    ``clock`` and ``wait(seconds, stop_event)`` default to ``time.perf_counter`` and ``Event.wait``; tests pass a
    simulated clock. ``channel`` is the MIDI channel of every message sent (:data:`CHANNELS`).
    """

    engine: Engine
    next_loop: NextLoop
    wait: Callable[[float, threading.Event], Any]
    loops_played: int
    voices: Voices

    def __init__(
        self,
        engine: Engine,
        port: Any,
        clock: Callable[[], float] = time.perf_counter,
        wait: Callable[[float, threading.Event], Any] | None = None,
        channel: int = 1,
    ) -> None:
        super().__init__("mvae-midi-out")
        self.engine = engine
        self.next_loop = NextLoop(engine)
        self.port = port
        self.clock = clock
        self.wait = wait or (lambda seconds, stop: stop.wait(seconds))
        self.loops_played = 0
        self.voices = Voices(port, channel)

    def run(self, max_loops: int | None = None) -> None:
        """Play until :meth:`stop` (or ``max_loops`` loops); always ends with every note off."""
        try:
            loop = self.next_loop(self.engine.current)
            start = self.clock() + START_DELAY  # after the first decode, which may be slow: its notes all sound
            while not self._stop.is_set() and (max_loops is None or self.loops_played < max_loops):
                boundary = start + loop.seconds
                upcoming = None
                schedule = [*loop_events(loop, start), (boundary - PREPARE_SECONDS, None)]
                for due, msg in sorted(schedule, key=lambda event: event[0]):  # stable: note-offs stay first
                    if not self._until(due):
                        return
                    if msg is None:
                        upcoming = self._upcoming(loop)
                    else:
                        self.voices.play(msg, self.clock() - due)
                self.loops_played += 1
                start, loop = boundary, upcoming
                if self.clock() > start + LATE_SKIP:  # a stall: start the next loop from now, not a burst of notes
                    start = self.clock() + START_DELAY
        finally:
            self.voices.silence()

    def _upcoming(self, loop: Loop) -> Loop:
        """The loop after ``loop``: ``loop`` itself while the current request is still its own (the same request
        gives the same notes, and a decode slower than :data:`PREPARE_SECONDS` on a busy machine would make the first
        notes late), else the current request's, decoded now. A loop the model could not make is tried again."""
        request = self.engine.current
        if request == loop.request and self.next_loop.failure is None:
            return loop
        return self.next_loop(request)

    def _until(self, due: float) -> bool:
        """Wait until clock time ``due``; False when stopped meanwhile."""
        while (left := due - self.clock()) > 0:
            if self.wait(left, self._stop) or self._stop.is_set():
                return False
        return not self._stop.is_set()


class Voices:
    """The notes sounding on ``port``: what :class:`LoopPlayer` and :class:`ClockPlayer` send goes through it, so
    that a note-on :data:`LATE_SKIP` late is dropped (with its note-off), a pitch still sounding is turned off before
    it is struck again, and :meth:`silence` turns off exactly the notes that sound. Every message goes out on
    ``channel`` (1-16, :data:`CHANNELS`), whatever channel it was made on."""

    def __init__(self, port: Any, channel: int = 1) -> None:
        low, high = CHANNELS
        if not low <= channel <= high:
            raise ValueError(f"a MIDI channel is {low}-{high}, got {channel}")
        self.port = port
        self.channel = channel - 1  # mido's
        self.sounding: set[int] = set()

    def play(self, msg: mido.Message, late: float) -> None:
        """Send ``msg`` (a note-on or note-off due ``late`` seconds ago) unless the rules above drop it."""
        if msg.type == "note_on":
            if late > LATE_SKIP:
                return
            if msg.note in self.sounding:
                self._send("note_off", note=msg.note, velocity=0)
            self.sounding.add(msg.note)
        elif msg.note in self.sounding:
            self.sounding.discard(msg.note)
        else:
            return
        self._send(msg.type, note=msg.note, velocity=msg.velocity)

    def silence(self) -> None:
        """The note-offs of the sounding notes, then *all notes off* (controller 123)."""
        for pitch in sorted(self.sounding):
            self._send("note_off", note=pitch, velocity=0)
        self.sounding.clear()
        self._send("control_change", control=123, value=0)

    def _send(self, kind: str, **fields: int) -> None:
        self.port.send(mido.Message(kind, channel=self.channel, **fields))


Receive = Callable[[float], tuple[float, Any] | None]
"""Waits up to the given seconds for the next MIDI message and returns ``(arrival time, message)``, or None."""


@dataclasses.dataclass
class ClockInput:
    """An open MIDI input: ``receive`` gives its messages with their arrival times (``time.perf_counter``), ``name``
    is the port's (as the console and ``/api/info`` say it), ``close`` closes it."""

    receive: Receive
    name: str
    close: Callable[[], None]


def open_clock_input(name: str, midi_out: str) -> ClockInput:
    """The MIDI input ``--midi-clock-in name`` reads the DAW's clock from: with the ``--midi-out`` name, a virtual
    input of that name (a DAW lists it as an output to send its clock to); any other name picks an existing input,
    the one whose name is ``name`` or the only one that contains it (case aside: ALSA adds numbers such as ``14:0``).
    :class:`MidiOutError` without MIDI ports here, or naming the inputs there are when none or several match."""
    inbox: queue.SimpleQueue[tuple[float, Any]] = queue.SimpleQueue()

    def arrived(msg: Any) -> None:  # rtmidi's thread: stamp it at once, the player's thread reads it
        inbox.put((time.perf_counter(), msg))

    def receive(timeout: float) -> tuple[float, Any] | None:
        try:
            return inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    try:
        with _quiet_stderr():
            if name == midi_out:
                port = mido.open_input(name, virtual=True, client_name=name, callback=arrived)
            else:
                port = mido.open_input(_input_named(name, mido.get_input_names()), callback=arrived)
    except (ImportError, OSError, SystemError, NotImplementedError, RuntimeError) as exc:
        raise MidiOutError(
            f"--midi-clock-in {name}: cannot open a MIDI input here ({str(exc).rstrip('.')}). {no_ports_hint()}; "
            "or drop --midi-clock-in and set the tempo with --tempo"
        ) from None
    return ClockInput(receive, port.name, port.close)


def _input_named(name: str, names: Sequence[str]) -> str:
    """The input of ``names`` that ``--midi-clock-in name`` means (:func:`open_clock_input`)."""
    if name in names:
        return name
    found = [n for n in names if name.casefold() in n.casefold()]
    if len(found) == 1:
        return found[0]
    listed = "; ".join(repr(n) for n in (found or names)) or "none"
    if found:
        raise MidiOutError(f"--midi-clock-in {name}: several MIDI inputs match: {listed}; give more of the name")
    raise MidiOutError(
        f"--midi-clock-in {name}: no MIDI input of that name; the inputs here: {listed}. Give one of them, or the "
        "--midi-out name for a virtual input of mvae's own that the DAW sends its clock to"
    )


class ClockPlayer(PlayerThread):
    """Plays ``engine``'s current loop on ``port`` as :class:`LoopPlayer` does, timed by the MIDI clock that
    ``clock_in`` receives (:class:`~mvae_core.serve.midi_clock.ClockFollower`) instead of the tempo knob; each
    loop is decoded at the measured tempo. ``clock`` gives the time ``clock_in``'s arrival times are in; tests pass
    simulated ones. ``channel`` is the MIDI channel of every message sent (:data:`CHANNELS`)."""

    engine: Engine
    next_loop: NextLoop
    voices: Voices
    follower: ClockFollower

    def __init__(
        self,
        engine: Engine,
        port: Any,
        clock_in: ClockInput,
        clock: Callable[[], float] = time.perf_counter,
        channel: int = 1,
    ) -> None:
        super().__init__("mvae-midi-clock")
        self.engine = engine
        self.next_loop = NextLoop(engine)
        self.clock_in = clock_in
        self.clock = clock
        self.voices = Voices(port, channel)
        self.follower = ClockFollower(self._loop_notes, engine.current.tempo)
        self._made: Loop | None = None  # the last loop made (while the DAW is stopped: the one a Start plays) ...
        self._tried: LoopRequest | None = None  # ... and, while stopped, the request tried (once, if the model failed)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop playing (the thread sees it within :data:`POLL_SECONDS`), wait up to ``timeout`` seconds for it to turn
        its notes off, and close the input."""
        super().stop(timeout)
        self.clock_in.close()

    def status(self) -> dict[str, Any]:
        """``/api/info``'s ``midi_clock``: the input's name, the state (``waiting`` for a first clock, ``playing``,
        ``stopped`` by the DAW, ``lost``: no clock while playing) and the measured tempo (bpm, None before one)."""
        tempo = self.follower.tempo
        return {
            "input": self.clock_in.name,
            "state": self.follower.state,
            "tempo": None if tempo is None else round(tempo, 2),
        }

    def tempo_refusal(self) -> str:
        """Why the tempo knob cannot be set while the clock times the notes."""
        tempo = self.follower.tempo
        measured = "no clock yet" if tempo is None else f"now {tempo:.1f} bpm"
        return (
            f"tempo follows the MIDI clock from {self.clock_in.name!r} ({measured}): change it in the DAW, or serve "
            "without --midi-clock-in"
        )

    def run(self) -> None:
        """Play until :meth:`stop`; always ends with every note off."""
        pending: list[tuple[float, int, mido.Message]] = []
        order = itertools.count()  # equal times keep the schedule's order
        state = self.follower.state
        try:
            while not self._stop.is_set():
                if not self.follower.running:
                    self._make_ready()
                now = self.clock()
                while pending and pending[0][0] <= now:
                    due, _, msg = heapq.heappop(pending)
                    self.voices.play(msg, now - due)
                wake = [t for t in (pending[0][0] if pending else None, self.follower.deadline()) if t is not None]
                item = self.clock_in.receive(min([POLL_SECONDS, *(max(t - now, 0.0) for t in wake)]))
                schedule: Schedule = self.follower.check(self.clock()) if item is None else self.follower.feed(*item)
                if schedule.silence:
                    pending.clear()
                    self.voices.silence()
                for due, msg in schedule.notes:
                    heapq.heappush(pending, (due, next(order), msg))
                if self.follower.state != state:
                    state = self.follower.state
                    if state == "lost":
                        log.warning(
                            "warning: the MIDI clock from %r stopped coming while playing (the DAW closed?); the "
                            "notes are off until it comes back",
                            self.clock_in.name,
                        )
        finally:
            self.voices.silence()

    def _loop_notes(self, tempo: float) -> Sequence[TimedNote]:
        """The current loop's notes, decoded at the measured ``tempo`` (within the knob's range): the rules for
        short notes and gaps are in ticks at a tempo. The last loop made (while stopped, or the one playing) is taken
        again while it is still the current request's at about that tempo (:data:`READY_TEMPO`): the decode is made
        one clock before the loop's first beat (21 ms at 120 bpm), and one that takes longer on a busy machine (a
        guest's upload read beside it) made the first notes of a loop that goes on unchanged late."""
        request = _at_tempo(self.engine.current, tempo)
        self._tried = None
        if self._made is not None and _same_loop(self._made.request, request):
            return self._made.notes
        return self._make(request).notes

    def _make_ready(self) -> None:
        """While the DAW is stopped: make the loop a Start (or Continue) would play, unless made already. Made at the
        first clock after Start instead, a decode (tens of ms for a model's first one, or with the engine busy)
        held back the first notes."""
        request = _at_tempo(self.engine.current, self.follower.loop_tempo)
        if self._made is not None and _same_loop(self._made.request, request):
            return
        if self._tried is not None and _same_loop(self._tried, request):
            return
        self._tried = request
        self._make(request)

    def _make(self, request: LoopRequest) -> Loop:
        """The loop of ``request``, kept as the last loop made unless the model could not make it (tried again)."""
        loop = self.next_loop(request)
        self._made = loop if self.next_loop.failure is None else None
        return loop


def _at_tempo(request: LoopRequest, tempo: float) -> LoopRequest:
    """``request`` at ``tempo`` bpm, kept within the knob's range."""
    low, high = KNOBS["tempo"]
    return dataclasses.replace(request, tempo=min(max(tempo, low), high))


def _same_loop(made: LoopRequest, wanted: LoopRequest) -> bool:
    """Whether the loop made for ``made`` may play for ``wanted``: the same request, at about its tempo."""
    close = abs(made.tempo - wanted.tempo) <= READY_TEMPO * wanted.tempo
    return close and dataclasses.replace(made, tempo=wanted.tempo) == wanted
