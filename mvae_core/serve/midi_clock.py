"""Following a DAW's MIDI clock (``mvae serve --midi-clock-in``): MIDI real-time messages in, note times out.

:class:`ClockFollower` is fed ``(arrival time, mido message)`` and answers a :class:`Schedule` of notes to send; it
holds no thread and touches no port, so it is tested on a simulated clock. The rules:

* **Timing Clock** (24 per quarter note) moves the song position by one clock while the transport runs, and gives the
  tempo at all times (a DAW may send it while stopped). Arrival times jitter (a busy machine, USB), so the notes are
  timed from :class:`TickFilter`'s smoothed tick times and tick period, never from one tick's arrival: a note at clock
  position ``p`` is due at ``smoothed time of clock k + (p - k) · smoothed period``, scheduled :data:`LOOKAHEAD`
  clocks ahead. A note's position is its tick in the loop (``MIDI_RESOLUTION`` per beat), so the model's timing
  offsets, fractions of a step, scale with the measured tempo.
* **Start** plays from the loop's beginning at the next clock; **Continue** resumes at the song position; **Stop**
  silences at once (:attr:`Schedule.silence`) and keeps the position; **Song Position Pointer** (in 16ths) sets it,
  and the loop plays aligned to it: a loop of 2 bars is 32 16ths, so a song position of 40 plays the loop from its
  9th 16th. Anything else (notes, sysex, Active Sensing, a Song Select) is ignored.
* Patterns switch only at loop boundaries: the follower asks its ``loop_notes`` callback for the next loop's notes
  when the schedule reaches the boundary (:data:`LOOKAHEAD` clocks before it), at the measured tempo.
* No clock for :data:`LOST_CLOCKS` periods (at least :data:`LOST_SECONDS`) while playing: the clock is *lost* (a DAW
  closed, a cable pulled); the notes are silenced, and the next clock resumes from the position it counts. A clock
  after a gap restarts the smoothing; clocks arriving in a burst (the process stalled while they queued) move the
  position but their notes are dropped, not played at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mido

from mvae_core.data.loops import STEPS_PER_BEAT, STEPS_PER_LOOP
from mvae_core.loop_file import MIDI_RESOLUTION, TimedNote

CLOCKS_PER_BEAT = 24  # MIDI's Timing Clock
CLOCKS_PER_STEP = CLOCKS_PER_BEAT // STEPS_PER_BEAT  # a 16th: Song Position Pointer's unit
LOOP_CLOCKS = STEPS_PER_LOOP * CLOCKS_PER_STEP  # 192: a loop of 2 bars
TICKS_PER_CLOCK = MIDI_RESOLUTION / CLOCKS_PER_BEAT  # a loop's note ticks per clock
LOOKAHEAD = 1  # notes up to this many clocks after the last one are scheduled at its arrival
LOST_CLOCKS = 6  # no clock for this many periods while playing: the clock is lost ...
LOST_SECONDS = 0.3  # ... and for at least this long
GAP_CLOCKS = 4  # a clock this many periods after the last restarts the smoothing (the period is measured anew) ...
SLOWEST = 60 / (10 * CLOCKS_PER_BEAT)  # ... and the interval after a restart is the period unless over this (10 bpm)
BURST = 0.25  # a clock this fraction of a period after the last ...
BURST_SECONDS = 0.002  # ... and this soon arrived in a burst (a stall released the clocks queued): no notes
SETTLE = 12  # the first clocks after a (re)start are fitted by least squares; then the steady gains:
MEMORY = 0.9  # the steady smoothing's fading memory: a clock weighs this much less with each clock after it
STEADY_ALPHA = 1 - MEMORY**3  # time, period and the period's change (an alpha-beta-gamma filter: a tempo ramp, such
STEADY_BETA = 1.5 * (1 - MEMORY**2) * (1 - MEMORY)  # as a DAW's tempo automation, is followed without lagging)
STEADY_GAMMA = 0.5 * (1 - MEMORY) ** 3
CHANGE = 3.0  # two clocks in a row off the smoothed time the same way by this many spreads: a new tempo
SPREAD_GAIN = 0.05  # how fast the spread (the mean size of a clock's deviation) follows the clock's jitter
SPREAD_FLOOR = 0.0005  # the least spread assumed (seconds): a clean clock's tiny deviations are no tempo change


def clock_tempo(period: float) -> float:
    """The tempo in bpm of a clock of ``period`` seconds per tick."""
    return 60.0 / (period * CLOCKS_PER_BEAT)


class TickFilter:
    """The smoothed time of the last clock, the smoothed period and its change per clock (a DLL in audio terms).

    The first :data:`SETTLE` clocks after a (re)start are fitted by least squares on a steady tempo (the gains of a
    growing memory: the second clock sets the period from their interval). Then an alpha-beta-gamma filter of fading
    memory (:data:`MEMORY`) takes over, which also follows the period's change: ±1 ms of jitter moves the smoothed
    times by a fraction of that, and a tempo ramp (a ritardando drawn in the DAW's automation) is followed without
    the lag of a filter that assumes a steady tempo (120 → 60 bpm over 4 bars: notes within 3 ms, where such a filter
    was up to 9 ms late). Two clocks in a row off the smoothed time the same way by over :data:`CHANGE` times the usual
    deviation are a new tempo: the fit restarts from those two clocks (a single late clock is jitter). ``period`` is
    the period assumed before two clocks have come.
    """

    period: float
    change: float
    average: float
    count: int
    spread: float
    last_error: float

    def __init__(self, period: float) -> None:
        self.period = period
        self.change = 0.0  # the period's change per clock (a tempo ramp)
        self.average = period  # the period over about a beat: the tempo shown, steadier than the one that times
        self.time: float | None = None  # the smoothed time of the last clock
        self.arrival: float | None = None  # the arrival time of the last clock
        self.count = 0  # clocks since the smoothing (re)started
        self.spread = SPREAD_FLOOR  # the mean size of a clock's deviation from the smoothed time (its jitter)
        self.last_error = 0.0

    def tick(self, t: float) -> bool:
        """Take a clock that arrived at ``t``; False when it came in a burst (:data:`BURST_SECONDS` and :data:`BURST`
        of a period after the last): its notes are dropped."""
        last, self.arrival = self.arrival, t
        if self.time is None or last is None or t - last > (SLOWEST if self.count < 2 else GAP_CLOCKS * self.period):
            self.time, self.count, self.change = t, 1, 0.0
            return True
        if t - last < BURST_SECONDS and (self.count < 2 or t - last < BURST * self.period):
            self.time = t
            return False
        error = t - (self.time + self.period + self.change / 2)  # how far from where the smoothed clock put it
        limit = CHANGE * max(self.spread, SPREAD_FLOOR)
        if self.count > 2 and abs(error) > limit and abs(self.last_error) > limit and error * self.last_error > 0:
            self.time, self.period, self.count = t, t - last, 2  # twice the same way: a new tempo, measured anew
            self.change = self.last_error = 0.0
            self.average = self.period
            return True
        self.count += 1
        n = self.count
        if n > 3:
            self.spread += SPREAD_GAIN * (abs(error) - self.spread)
        self.last_error = error
        if n <= SETTLE:  # least squares over the n clocks (n = 2: the period is their interval)
            self.time += self.period + 2 * (2 * n - 1) / (n * (n + 1)) * error
            self.period += 6 / (n * (n + 1)) * error
            self.average = self.period
            return True
        self.time += self.period + self.change / 2 + STEADY_ALPHA * error
        self.period += self.change + STEADY_BETA * error
        self.change += 2 * STEADY_GAMMA * error
        self.average += (self.period - self.average) / CLOCKS_PER_BEAT
        return True


@dataclass
class Schedule:
    """What to do after a message: with ``silence``, drop every note scheduled before and turn the sounding notes off
    now; then send ``notes``, ``(due time, message)`` in order (note-offs before note-ons at equal times)."""

    notes: list[tuple[float, mido.Message]] = field(default_factory=list)
    silence: bool = False


class ClockFollower:
    """The notes of the current loop, timed by a MIDI clock (module docstring).

    ``loop_notes(tempo)`` returns the notes of the loop to play next, in ticks of one loop, decoded at ``tempo`` bpm
    (the measured one); ``tempo`` is the tempo assumed until the clock has given one (the tempo knob).
    """

    filter: TickFilter
    running: bool
    lost: bool
    seen: bool
    position: int

    def __init__(self, loop_notes: Callable[[float], Sequence[TimedNote]], tempo: float) -> None:
        self.loop_notes = loop_notes
        self.filter = TickFilter(60.0 / (tempo * CLOCKS_PER_BEAT))
        self.running = False  # the DAW's transport
        self.lost = False
        self.seen = False  # a clock has come
        self.position = 0  # the song position (in clocks) of the next clock
        self._pending: list[tuple[float, bool, int, int]] = []  # (clock position, is note-on, pitch, velocity)
        self._fetched = 0  # the loops' notes are in _pending up to this position
        self._from = 0  # notes before this position (the resume point) are not played
        self._last_due = -math.inf
        self._resumed = -math.inf  # when the last Start or Continue came

    @property
    def tempo(self) -> float | None:
        """The measured tempo in bpm (over about a beat: :attr:`TickFilter.average`); None before two clocks have
        come."""
        return clock_tempo(self.filter.average) if self.filter.count >= 2 else None

    @property
    def loop_tempo(self) -> float:
        """The tempo the next loop is decoded at: the measured one, else the period assumed."""
        return self.tempo or clock_tempo(self.filter.period)

    @property
    def state(self) -> str:
        """``waiting`` (no clock yet), ``playing``, ``stopped`` (by the DAW) or ``lost`` (no clock while playing)."""
        if self.lost:
            return "lost"
        if self.running:
            return "playing"
        return "stopped" if self.seen else "waiting"

    def feed(self, t: float, msg: Any) -> Schedule:
        """Take ``msg`` (a mido message; anything else is ignored) that arrived at time ``t`` (seconds)."""
        kind = getattr(msg, "type", None)
        if kind == "clock":
            return self._clock(t)
        if kind == "start":
            self._resumed = t
            return self._locate(0, play=True)
        if kind == "continue" and not self.running:
            self._resumed = t
            return self._locate(self.position, play=True)
        if kind == "stop" and self.running:
            self.running = self.lost = False
            return Schedule(silence=True)
        if kind == "songpos":
            return self._locate(msg.pos * CLOCKS_PER_STEP, play=self.running)
        return Schedule()

    def deadline(self) -> float | None:
        """When :meth:`check` should next be called: the time by which a clock must come while playing, counted from
        the last clock or the Start (Continue) after it: a DAW that sends no clock while stopped sends its first
        clock a moment after its Start, long after its last clock."""
        if not self.running or self.lost or self.filter.time is None:
            return None
        return max(self.filter.time, self._resumed) + max(LOST_CLOCKS * self.filter.period, LOST_SECONDS)

    def check(self, t: float) -> Schedule:
        """At time ``t`` without a message: past :meth:`deadline` the clock is lost and the notes are silenced."""
        deadline = self.deadline()
        if deadline is None or t < deadline:
            return Schedule()
        self.lost = True
        self._locate(self.position, play=True)  # the notes scheduled are dropped; a clock resumes from here
        return Schedule(silence=True)

    def _locate(self, position: int, play: bool) -> Schedule:
        """Play (or, stopped, wait to play) from song ``position`` at the next clock, silencing what sounded."""
        silence = self.running
        self.position, self.running = position, play
        self._pending = []
        self._fetched = position - position % LOOP_CLOCKS
        self._from = position
        self._last_due = -math.inf
        return Schedule(silence=silence)

    def _clock(self, t: float) -> Schedule:
        regular = self.filter.tick(t)
        self.seen = True
        if not self.running:
            return Schedule()
        self.lost = False
        clock, self.position = self.position, self.position + 1
        horizon = clock + LOOKAHEAD
        while self._fetched <= horizon:
            self._fetch()
        notes = []
        while self._pending and self._pending[0][0] <= horizon:
            position, on, pitch, velocity = self._pending.pop(0)
            due = max(self.filter.time + (position - clock) * self.filter.period, self._last_due)
            self._last_due = due
            if on and not regular:
                continue
            kind = "note_on" if on else "note_off"
            notes.append((due, mido.Message(kind, note=pitch, velocity=velocity if on else 0)))
        return Schedule(notes)

    def _fetch(self) -> None:
        """Add the next loop's notes (from position :attr:`_fetched`) to the pending ones, minus those before the
        resume point; a note of the 16th at the resume point played a little early (its grid step is there, its
        start before) sounds at the resume point."""
        start = self._fetched
        for note in self.loop_notes(self.loop_tempo):
            on = start + note.start / TICKS_PER_CLOCK
            if max(on, start + note.step % STEPS_PER_LOOP * CLOCKS_PER_STEP) >= self._from:
                self._pending.append((max(on, self._from), True, note.pitch, note.velocity))
                self._pending.append((start + note.end / TICKS_PER_CLOCK, False, note.pitch, 0))
        self._pending.sort(key=lambda event: (event[0], event[1]))  # note-offs first at equal positions
        self._fetched += LOOP_CLOCKS
