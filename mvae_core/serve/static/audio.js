// Web Audio loop player: a look-ahead scheduler that places every note on the AudioContext clock,
// loops the current pattern seamlessly and switches to a queued pattern only at a loop boundary.
//
// A "pattern" is a /api/generate response: {loop_seconds, notes: [{pitch, start, end, velocity}]},
// times in seconds from the loop start.

const TICK_MS = 25;        // scheduler period (setInterval)
const LOOKAHEAD = 0.1;     // seconds of audio scheduled ahead of currentTime
const HIDDEN_LOOKAHEAD = 1.5;  // a hidden tab's timers fire about once a second: look further ahead
const START_DELAY = 0.05;  // the first loop starts this long after play, so its first notes are not late
const LATE_SKIP = 0.05;    // a note this late (timer starved, e.g. background tab) is skipped, not played late

// Synth voice: triangle + slightly detuned sawtooth through a lowpass, with an ADSR-ish gain envelope.
const ATTACK = 0.006;      // seconds, linear
const DECAY = 0.09;        // time constant towards the sustain level
const SUSTAIN = 0.55;      // fraction of the peak
const RELEASE = 0.035;     // time constant after the note's end
const MIN_LENGTH = 0.04;   // very short notes still get a full attack

export class LoopPlayer {
  // onLoopStart(pattern, t0): called when a loop instance is committed, t0 = its start on the audio clock
  // (a little ahead of currentTime). A pattern queued from inside the callback plays after that loop.
  constructor({ onLoopStart = () => {} } = {}) {
    this.onLoopStart = onLoopStart;
    this.ctx = null;
    this.master = null;
    this.bus = null;       // per-run gain node: stop() fades and drops it, silencing every scheduled voice
    this.timer = null;
    this.playing = false;
    this.loops = [];       // committed loop instances {pattern, notes, t0, length, index}
    this.next = null;      // pattern that takes over at the next boundary
    this.last = null;      // pattern of the latest committed loop (replayed while nothing is queued)
    this.volume = 0.8;
  }

  // Creates or resumes the AudioContext. Call it from a user-gesture handler (autoplay policies).
  ensureContext() {
    if (!this.ctx) {
      this.ctx = new (window.AudioContext || window.webkitAudioContext)();
      this.master = this.ctx.createGain();
      this.master.gain.value = this.volume;
      const limiter = this.ctx.createDynamicsCompressor();
      limiter.threshold.value = -10;
      limiter.ratio.value = 8;
      this.master.connect(limiter).connect(this.ctx.destination);
    }
    if (this.ctx.state === 'suspended') this.ctx.resume();
    return this.ctx;
  }

  setVolume(v) {
    this.volume = v;
    if (this.master) this.master.gain.setTargetAtTime(v, this.ctx.currentTime, 0.02);
  }

  // The pattern plays from the next loop boundary (or at once when playing and nothing has started yet).
  queue(pattern) {
    this.next = pattern;
    if (this.playing) this.tick();
  }

  start() {
    if (this.playing) return;
    this.ensureContext();
    this.playing = true;
    this.loops = [];
    this.bus = this.ctx.createGain();
    this.bus.connect(this.master);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.tick();
  }

  stop() {
    if (!this.playing) return;
    clearInterval(this.timer);
    this.timer = null;
    this.playing = false;
    const bus = this.bus;
    const now = this.ctx.currentTime;
    bus.gain.setValueAtTime(1, now);
    bus.gain.linearRampToValueAtTime(0, now + 0.03);
    setTimeout(() => bus.disconnect(), 120);
    this.bus = null;
    this.loops = [];
  }

  // The loop sounding now: {pattern, frac} with frac in [0, 1), or null.
  position() {
    if (!this.playing) return null;
    const now = this.ctx.currentTime;
    const loop = this.loops.find((l) => now >= l.t0 && now < l.t0 + l.length);
    return loop ? { pattern: loop.pattern, frac: (now - loop.t0) / loop.length } : null;
  }

  tick() {
    const now = this.ctx.currentTime;
    const horizon = now + (document.hidden ? HIDDEN_LOOKAHEAD : LOOKAHEAD);
    this.commitLoops(now, horizon);
    for (const loop of this.loops) this.scheduleNotes(loop, now, horizon);
    // Forget loops whose notes are all scheduled and whose time is over (always keep the newest).
    while (this.loops.length > 1 && this.loops[0].index >= this.loops[0].notes.length
           && this.loops[0].t0 + this.loops[0].length < now) {
      this.loops.shift();
    }
  }

  // Commits the next loop instance once the look-ahead window reaches its boundary (earlier by
  // the pattern's earliest note when a note starts before 0).
  commitLoops(now, horizon) {
    let tail = this.loops[this.loops.length - 1];
    if (!tail) {
      const first = this.next || this.last;
      if (!first) return;
      tail = this.commit(first, now + START_DELAY);
    }
    for (;;) {
      const pattern = this.next || tail.pattern;
      let boundary = tail.t0 + tail.length;
      if (horizon < boundary + earliestStart(pattern)) return;
      if (boundary < now) boundary = now + START_DELAY;  // the timer was starved: resync, no burst
      tail = this.commit(pattern, boundary);
    }
  }

  commit(pattern, t0) {
    const notes = [...pattern.notes].sort((a, b) => a.start - b.start);
    const loop = { pattern, notes, t0, length: Math.max(pattern.loop_seconds, 0.25), index: 0 };
    this.loops.push(loop);
    this.next = null;
    this.last = pattern;
    this.onLoopStart(pattern, t0);
    return loop;
  }

  scheduleNotes(loop, now, horizon) {
    while (loop.index < loop.notes.length) {
      const note = loop.notes[loop.index];
      const t = loop.t0 + note.start;
      if (t >= horizon) return;
      loop.index += 1;
      if (t < now - LATE_SKIP) continue;
      this.voice(note, Math.max(t, now), loop.t0 + note.end);
    }
  }

  // One synth voice for one note, entirely scheduled ahead on the audio clock.
  voice(note, t, tEnd) {
    const ctx = this.ctx;
    const freq = 440 * 2 ** ((note.pitch - 69) / 12);
    const vel = Math.min(Math.max(note.velocity, 1), 127) / 127;
    const peak = 0.05 + 0.2 * vel ** 1.5;
    const end = Math.max(tEnd, t + MIN_LENGTH);

    const env = ctx.createGain();
    env.gain.setValueAtTime(0, t);
    env.gain.linearRampToValueAtTime(peak, t + ATTACK);
    env.gain.setTargetAtTime(peak * SUSTAIN, t + ATTACK, DECAY);
    env.gain.setTargetAtTime(0, end, RELEASE);

    const tone = ctx.createBiquadFilter();
    tone.type = 'lowpass';
    tone.frequency.value = Math.min(freq * (3 + 5 * vel) + 600, 14000);
    tone.Q.value = 0.8;

    const body = ctx.createOscillator();
    body.type = 'triangle';
    body.frequency.value = freq;
    body.detune.value = -4;
    const edge = ctx.createOscillator();
    edge.type = 'sawtooth';
    edge.frequency.value = freq;
    edge.detune.value = 5;
    const edgeLevel = ctx.createGain();
    edgeLevel.gain.value = 0.3;

    body.connect(tone);
    edge.connect(edgeLevel).connect(tone);
    tone.connect(env).connect(this.bus);
    const stopAt = end + RELEASE * 8;
    for (const osc of [body, edge]) {
      osc.start(t);
      osc.stop(stopAt);
    }
    body.onended = () => env.disconnect();
  }
}

function earliestStart(pattern) {
  let min = 0;
  for (const n of pattern.notes) min = Math.min(min, n.start);
  return min;
}
