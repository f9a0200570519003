"""`mvae serve --midi-out NAME --midi-clock-in PORT`: the loop follows a DAW's MIDI clock. The rules
(:mod:`mvae_core.serve.midi_clock`) are checked on simulated clocks: arrival times with jitter, tempo changes,
Start/Stop/Continue, Song Position Pointer, a clock that stops coming, a stall, messages that are no clock."""

from __future__ import annotations

import random

import mido
import pytest

from mvae_core.loop_file import STEP_TICKS, TimedNote
from mvae_core.serve.midi_clock import LOOP_CLOCKS, TICKS_PER_CLOCK, ClockFollower, Schedule

# a loop with a note on every 16th, each moved off the grid by its own fraction of a step (the model's timing)
NOTES = [TimedNote(60 + s % 12, s * STEP_TICKS + (s * 37) % 100, s * STEP_TICKS + 200, 90, s) for s in range(32)]


def period(bpm: float) -> float:
    return 60 / bpm / 24


class Daw:
    """A DAW sending MIDI clock: clock k arrives at ``times(k)`` plus up to ``jitter`` seconds either way."""

    def __init__(self, follower: ClockFollower, jitter: float = 0.0, seed: int = 0) -> None:
        self.follower = follower
        self.jitter = jitter
        self.rng = random.Random(seed)
        self.sent: list[Schedule] = []

    def send(self, t: float, msg: object) -> Schedule:
        schedule = self.follower.feed(t, msg)
        self.sent.append(schedule)
        return schedule

    def clocks(self, times: list[float]) -> None:
        for t in times:
            self.send(t + self.rng.uniform(-self.jitter, self.jitter), mido.Message("clock"))

    def ons(self) -> list[tuple[float, int]]:
        return [(due, m.note) for s in self.sent for due, m in s.notes if m.type == "note_on"]


def follower(asked: list[float] | None = None, tempo: float = 120.0) -> ClockFollower:
    def loop_notes(bpm: float) -> list[TimedNote]:
        if asked is not None:
            asked.append(bpm)
        return NOTES

    return ClockFollower(loop_notes, tempo)


def expected(first: int, last: int, time_of: object) -> list[tuple[float, int]]:
    """The note-ons of the loop (repeated) at song positions ``first`` to ``last`` clocks, at ``time_of(position)``."""
    ons = []
    for loop in range(first // LOOP_CLOCKS, last // LOOP_CLOCKS + 1):
        for note in NOTES:
            position = loop * LOOP_CLOCKS + note.start / TICKS_PER_CLOCK
            if first <= position <= last:
                ons.append((time_of(position), note.pitch))
    return ons


def errors(played: list[tuple[float, int]], wanted: list[tuple[float, int]]) -> list[float]:
    assert [p for _, p in played] == [p for _, p in wanted]
    return [abs(a - b) for (a, _), (b, _) in zip(played, wanted, strict=True)]


@pytest.mark.parametrize("seed", range(5))
def test_a_steady_clock_with_jitter_plays_every_note_on_time(seed):
    """±1 ms of jitter on each clock at 120 bpm: every note (its timing offset included) within 1 ms of its time, and
    on average within a quarter of that: the times come from the smoothed clock, not from each clock's arrival."""
    daw = Daw(follower(), jitter=0.001, seed=seed)
    daw.clocks([1.0 - (48 - k) * period(120) for k in range(48)])  # a DAW sends its clock while stopped too
    daw.send(1.0 - period(120) / 2, mido.Message("start"))
    daw.clocks([1.0 + k * period(120) for k in range(3 * LOOP_CLOCKS)])
    gaps = errors(daw.ons(), expected(0, 3 * LOOP_CLOCKS, lambda p: 1.0 + p * period(120)))
    assert max(gaps) < 0.001
    assert sum(gaps) / len(gaps) < 0.00025  # arrival times themselves are off by 0.5 ms on average
    assert daw.follower.tempo == pytest.approx(120, abs=0.1)


@pytest.mark.parametrize(("new", "settled"), [(140, 1), (60, 1), (200, 1), (125, 2)])
def test_a_tempo_change_mid_loop_is_followed_and_scales_the_timing_offsets(new, settled):
    """120 bpm → ``new`` at clock 100 (in the loop's 2nd bar), ±1 ms of jitter: the notes stay within 3 ms of their
    times (the clocks right after the change cannot be foreseen), and from ``settled`` beats after it within 1 ms at
    the new tempo, timing offsets included; the next loop is decoded at the new tempo. A big change is caught at its
    second clock (the smoothing restarts); a small one is followed by the smoothing itself, within two beats."""
    asked = []
    daw = Daw(follower(asked), jitter=0.001)
    change = 100

    def time_of(position: float) -> float:
        return 1.0 + min(position, change) * period(120) + max(position - change, 0) * period(new)

    daw.send(0.99, mido.Message("start"))
    daw.clocks([time_of(k) for k in range(2 * LOOP_CLOCKS)])
    gaps = errors(daw.ons(), expected(0, 2 * LOOP_CLOCKS, time_of))
    assert max(gaps) < 0.003
    after = [gap for (t, _), gap in zip(daw.ons(), gaps, strict=True) if t > time_of(change + settled * 24)]
    assert after and max(after) < 0.001
    assert asked[0] == 120 and asked[1] == pytest.approx(new, rel=0.005)  # the 2nd loop's no-click rules


def test_stop_silences_at_once_and_continue_resumes_where_it_stopped():
    daw = Daw(follower())
    clock = period(120)
    daw.send(0.0, mido.Message("start"))
    daw.clocks([1.0 + k * clock for k in range(50)])
    assert daw.follower.state == "playing"
    stop = daw.send(1.0 + 49.5 * clock, mido.Message("stop"))
    assert stop.silence and not stop.notes and daw.follower.state == "stopped"
    daw.clocks([1.0 + k * clock for k in range(50, 120)])  # the DAW is stopped; its clock goes on
    assert not any(s.notes for s in daw.sent[51:])
    daw.send(1.0 + 119.5 * clock, mido.Message("continue"))
    daw.clocks([1.0 + k * clock for k in range(120, 200)])
    resumed = [on for on in daw.ons() if on[0] > 1.0 + 100 * clock]
    # the song position is 50 at the 121st clock: the loop goes on from its 50th clock then
    wanted = expected(50, 130, lambda p: 1.0 + (p + 70) * clock)
    assert max(errors(resumed, wanted)) < 1e-9
    restart = daw.send(1.0 + 199.5 * clock, mido.Message("start"))  # Start while playing: from the top
    assert restart.silence
    daw.clocks([1.0 + k * clock for k in range(200, 210)])
    assert daw.sent[-10].notes[0][1].note == NOTES[0].pitch


def test_a_song_position_mid_song_aligns_the_loop_to_its_bars():
    """SPP 40 (16ths) then Continue: the 2-bar loop (32 16ths) plays from its 9th 16th at the next clock."""
    daw = Daw(follower())
    clock = period(100)
    daw.clocks([k * clock for k in range(30)])  # stopped, clock running
    assert daw.send(29.5 * clock, mido.Message("songpos", pos=40)).notes == []
    daw.send(29.6 * clock, mido.Message("continue"))
    daw.clocks([k * clock for k in range(30, 30 + 2 * LOOP_CLOCKS)])
    start = 40 * 6  # clocks
    wanted = expected(start, start + 2 * LOOP_CLOCKS - 1, lambda p: (p - start + 30) * clock)
    assert daw.ons()[0][1] == NOTES[8].pitch
    assert max(errors(daw.ons(), wanted)) < 1e-6
    jump = daw.send((30 + 2 * LOOP_CLOCKS) * clock, mido.Message("songpos", pos=0))  # a jump while playing
    assert jump.silence and daw.follower.position == 0


def test_a_clock_that_stops_coming_silences_the_notes_and_says_so():
    """The DAW closed while playing: after 6 clocks' time (0.3 s at least) the notes are silenced and the state is
    'lost'; a clock coming back resumes."""
    daw = Daw(follower())
    clock = period(120)
    daw.send(0.0, mido.Message("start"))
    daw.clocks([k * clock for k in range(60)])
    last = 59 * clock
    assert daw.follower.deadline() == pytest.approx(last + 0.3)
    assert daw.follower.check(last + 0.29) == Schedule()
    lost = daw.follower.check(last + 0.31)
    assert lost.silence and daw.follower.state == "lost"
    assert daw.follower.deadline() is None  # no second silence while lost
    daw.clocks([5.0 + k * clock for k in range(30)])
    assert daw.follower.state == "playing" and any(s.notes for s in daw.sent[-30:])


def test_clocks_arriving_in_a_burst_after_a_stall_play_no_notes_at_once():
    daw = Daw(follower())
    clock = period(120)
    daw.send(0.0, mido.Message("start"))
    daw.clocks([k * clock for k in range(40)])
    daw.clocks([40 * clock + 0.2 + k * 1e-5 for k in range(10)])  # 10 clocks queued while the process stalled
    burst = [s for s in daw.sent[-9:] if any(m.type == "note_on" for _, m in s.notes)]
    assert not burst
    assert daw.follower.position == 50  # the position counts them all


@pytest.mark.parametrize(
    "noise",
    [
        mido.Message("note_on", note=60),
        mido.Message("sysex", data=[1, 2, 3]),
        mido.Message("active_sensing"),
        mido.Message("song_select", song=3),
        mido.Message("control_change", control=123),
        b"\xf8",
        "clock",
        None,
    ],
)
def test_messages_that_are_no_clock_are_ignored(noise):
    clean, noisy = Daw(follower()), Daw(follower())
    for daw in (clean, noisy):
        daw.send(0.0, mido.Message("start"))
    for k in range(100):
        for daw in (clean, noisy):
            daw.send(k * period(120), mido.Message("clock"))
        assert noisy.send(k * period(120) + 0.001, noise) == Schedule()
    assert noisy.ons() == clean.ons() and clean.ons()


def test_without_a_start_nothing_plays_and_the_state_says_why():
    daw = Daw(follower())
    assert daw.follower.state == "waiting" and daw.follower.tempo is None
    daw.clocks([k * period(90) for k in range(48)])
    assert daw.follower.state == "stopped" and not daw.ons()
    assert daw.follower.tempo == pytest.approx(90)
    assert daw.send(1.0, mido.Message("continue")).notes == []  # resumes at the next clock, not now


@pytest.mark.parametrize("bpm", [90, 160])
def test_a_start_without_a_clock_before_it_times_the_first_beat_from_the_first_clocks(bpm):
    """A DAW that sends its clock only while playing, at another tempo than the knob's 120: from the second clock on,
    the notes are timed by the clocks' own period (the knob's tempo is forgotten; only a note within the first clock,
    never one on a 16th, is timed at the knob's tempo)."""
    early = [
        TimedNote(60 + k, round(k * 0.5 * TICKS_PER_CLOCK), round(k * 0.5 * TICKS_PER_CLOCK) + 10, 90, 0)
        for k in range(3, 10)
    ]  # a note every half clock after the 2nd clock
    daw = Daw(ClockFollower(lambda tempo: early, 120.0))
    daw.send(0.5, mido.Message("start"))
    daw.clocks([1.0 + k * period(bpm) for k in range(6)])
    played = daw.ons()
    wanted = [(1.0 + note.start / TICKS_PER_CLOCK * period(bpm), note.pitch) for note in early]
    assert max(errors(played, wanted)) < 1e-9


@pytest.mark.parametrize("resume", ["start", "continue"])
def test_a_daw_that_sends_its_clock_only_while_playing_is_not_lost_between_its_start_and_first_clock(resume):
    """A DAW that sends its clock only while playing (some do): the Start (or Continue) after a pause comes long
    after the last clock, and its first clock a moment later. That moment is no lost clock."""
    daw = Daw(follower())
    clock = period(120)
    daw.send(0.0, mido.Message("start"))
    daw.clocks([k * clock for k in range(48)])
    daw.send(48 * clock, mido.Message("stop"))
    daw.send(10.0, mido.Message(resume))  # ten seconds later, no clock meanwhile
    assert daw.follower.deadline() == pytest.approx(10.3)
    assert daw.follower.check(10.001) == Schedule() and daw.follower.state == "playing"
    daw.clocks([10.002 + k * clock for k in range(48)])
    assert daw.follower.state == "playing" and daw.ons()[-1][0] > 10.0


@pytest.mark.parametrize(("to", "clocks"), [(60, 384), (90, 96), (180, 384)])
def test_a_tempo_ramp_drawn_in_the_daw_s_automation_is_followed_without_lagging(to, clocks):
    """120 bpm → ``to`` in a straight line over ``clocks`` clocks (a ritardando over 4 bars, or 1 bar; an
    accelerando), ±1 ms of jitter: the period changes a little at every clock, never enough to be a tempo change, and
    every note stays within 4 ms of its time (a filter that assumed a steady tempo lagged by up to 9 ms on the
    ritardando)."""
    times, t = [], 1.0
    for k in range(3 * LOOP_CLOCKS + 2):
        times.append(t)
        t += period(120 + (to - 120) * min(max((k - 100) / clocks, 0.0), 1.0))

    def time_of(position: float) -> float:
        k = int(position)
        return times[k] + (position - k) * (times[k + 1] - times[k])

    for seed in range(3):
        daw = Daw(follower(), jitter=0.001, seed=seed)
        daw.send(0.99, mido.Message("start"))
        daw.clocks(times[: 3 * LOOP_CLOCKS])
        gaps = errors(daw.ons(), expected(0, 3 * LOOP_CLOCKS, time_of))
        assert max(gaps) < 0.004


@pytest.mark.parametrize(("knob", "bpm", "before"), [(120, 20, None), (60, 300, None), (120, 25, 120), (60, 300, 60)])
def test_a_clock_far_slower_or_faster_than_the_tempo_assumed_is_measured(knob, bpm, before):
    """A DAW at 20 bpm while the knob says 120, or at 300 while it says 60, from its Start (``before`` None) or after
    a clock at another tempo: more than 4 times slower looked like a pause at every clock (the tempo was never
    measured, the notes up to 100 ms off), more than 4 times faster like a stall's burst (every note dropped). Every
    note now comes within 1 ms of its time from the second beat on (±0.2 ms of jitter), and the tempo is measured."""
    daw = Daw(follower(tempo=knob), jitter=0.0002)
    if before is not None:
        daw.clocks([1.0 - (48 - k) * period(before) for k in range(48)])
    daw.send(1.0 - period(bpm) / 2, mido.Message("start"))
    daw.clocks([1.0 + k * period(bpm) for k in range(LOOP_CLOCKS)])
    gaps = errors(daw.ons(), expected(0, LOOP_CLOCKS, lambda p: 1.0 + p * period(bpm)))
    later = [gap for (t, _), gap in zip(daw.ons(), gaps, strict=True) if t > 1.0 + 24 * period(bpm)]
    assert later and max(later) < 0.001
    assert daw.follower.tempo == pytest.approx(bpm, rel=0.002)


def test_playing_from_a_song_position_keeps_the_early_note_of_that_16th():
    """Continue from bar 2 (song position 16): the note of the loop's 17th 16th that the model played a little early
    (before the bar line) is the bar's first note; it was dropped as before the position, and now sounds on the
    first clock. The early note of the 16th before stays out."""
    early = [
        TimedNote(62, 15 * STEP_TICKS - 50, 15 * STEP_TICKS + 100, 90, 15),
        TimedNote(64, 16 * STEP_TICKS - 60, 16 * STEP_TICKS + 100, 90, 16),
        TimedNote(65, 17 * STEP_TICKS - 60, 17 * STEP_TICKS + 100, 90, 17),
    ]
    daw = Daw(ClockFollower(lambda tempo: early, 120.0))
    daw.clocks([k * period(120) for k in range(48)])  # stopped, the clock going on
    daw.send(47.3 * period(120), mido.Message("songpos", pos=16))
    daw.send(47.6 * period(120), mido.Message("continue"))
    daw.clocks([k * period(120) for k in range(48, 72)])
    assert [p for _, p in daw.ons()] == [64, 65]
    assert daw.ons()[0][0] == pytest.approx(48 * period(120), abs=1e-9)
