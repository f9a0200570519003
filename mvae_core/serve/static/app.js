// mvae serve page: wires the latent pad, the knobs, the piano roll, the loop player, downloads,
// MIDI drag-and-drop and the A↔B walk to the JSON API.
//
// Test hooks (kept stable): window.mvae.{audio, current, playing, ready, pointsReady, fileLabels, axisLabels}; #pad,
// #roll (data-notes, data-loop-seconds), #play, #status.

import * as api from './api.js';
import { LoopPlayer } from './audio.js';
import { Pad, round3, fileColor, rampColor } from './pad.js';
import { Roll, noteName } from './roll.js';

// The decoding knobs, in display order. Their ranges and defaults come from /api/info (the server's KNOBS).
const KNOBS = [
  { key: 'grid_offset', label: 'Grid offset', step: 0.01,
    hint: '0 quantized · 1 as learned · 2 exaggerated' },
  { key: 'density', label: 'Density', step: 0.01,
    hint: 'scales the expected number of notes' },
  { key: 'temperature', label: 'Temperature', step: 0.01,
    hint: 'note choice: 0 most probable · 1 as learned · >1 more surprising' },
  { key: 'timing_temperature', label: 'Timing temp.', step: 0.01,
    hint: 'offset draw: 0 its mean · 1 as learned · >1 looser' },
  { key: 'tempo', label: 'Tempo', step: 1, unit: 'bpm',
    hint: 'beats per minute; sets the loop length' },
];
const MESSAGE_MS = 6000;  // how long an informational status message stays
// /api/midi_clock is read this often while MIDI out follows a DAW's clock and the page is shown
const CLOCK_POLL_MS = 1000;
const CLOCK_ADOPT_BPM = 0.5;  // a DAW's tempo this far from the last one taken: the page's loop is asked again
const PLACE_WRITE_MS = 250;  // the page's address keeps the point and knobs, written at most this often
const RETRY_MS = 2000;     // a loop request the server did not receive (stopped, network gone) is sent again after

const $ = (id) => document.getElementById(id);
// a touch screen (a phone, a tablet: no mouse to hover, no shift key), as style.css's touch hints tell it
const touchScreen = matchMedia('(pointer: coarse)');

const state = {
  info: null,
  point: [0, 0],   // pad position = z dims 0 and 1 (rounded to 3 decimals)
  knobs: {},       // key → number, starts at info.defaults exactly
  showKnob: {},    // key → function(value) that shows the knob at value (state.knobs follows)
  seed: 0,
  a: null,
  b: null,
};

// Latest-wins loop requests: at most one /api/generate in flight; while it runs only the newest wanted
// request is kept, so a drag ends with the final position. startAt: the serial from which a response
// starts playback (a pad click while stopped plays the clicked loop, not an older one).
const loopReq = { busy: false, wanted: null, serial: 0, startAt: 0 };

// The A↔B walk: index = step playing (ping-pong counter), queued = prefetched next step given to the player.
const walk = { active: false, index: -1, queued: null, pending: false, serial: 0 };

const player = new LoopPlayer({ onLoopStart });
const pad = new Pad($('pad'), { onPick: pickPoint, onPickB: setB, onHover: showPadHover });
const roll = new Roll($('roll'));

const mvae = {
  ready: false,
  pointsReady: false,  // the training loops' dots are drawn (they may arrive after ready)
  current: null,   // the /api/generate response shown in the roll, as received
  info: null,
  get audio() { return player.ctx; },
  get playing() { return player.playing; },
  get point() { return [...state.point]; },
  get fileLabels() { return pad.labelsDrawn; },  // the dropped loops' labels on the pad, as drawn
  get axisLabels() { return pad.axisLabels; },  // the axes' labels on the pad, as drawn
};
window.mvae = mvae;

// ---------------------------------------------------------------- status line

let messageTimer = null;
let messageKind = 'ok';
// Set once the server answers for another model than the page loaded (restarted on another run, best epoch, latent
// dimension, pitch window or knob ranges): the page's dots, knobs and roll are the old model's, so its loops are not
// taken and this message stays.
let staleMessage = null;

// kind 'ok' fades after MESSAGE_MS; 'error' stays until the next success or message; 'busy' (work under way, such as
// a file being read) stays until the next message.
function setMessage(text, kind = 'ok') {
  if (staleMessage) [text, kind] = [staleMessage, 'error'];
  const el = $('status').querySelector('.status-msg');
  // the same message again (a request retried every few seconds) is not rewritten: a screen reader would say it again
  if (el.textContent !== text) el.textContent = text;
  el.className = `status-msg ${kind}`;
  messageKind = kind;
  $('status').title = $('status').textContent;  // the line may be cut off with an ellipsis
  clearTimeout(messageTimer);
  if (kind === 'ok' && text) messageTimer = setTimeout(() => setMessage(''), MESSAGE_MS);
}

function showError(err) {
  setMessage(`⚠ ${err.message || err}`, 'error');
}

function clearError() {
  if (messageKind === 'error') setMessage('');
}

// A request failed: a server restarted on another model makes the page stale (said once, for good, with what
// changed); the rest is shown as it is.
async function requestFailed(err) {
  if (!err.changed) {
    showError(err);
    return;
  }
  if (staleMessage) return;
  let now = 'another model';
  try {
    const info = await api.getInfo();
    now = `${info.run} (${info.model}, epoch ${info.epoch}, latent ${info.latent_dim})`;
    const changed = modelChanges(state.info, info);
    now += `; changed: ${changed.length ? changed.join(', ') : 'the weights, at the same epoch'}`;
  } catch {
    // gone again: say it without the name
  }
  if (staleMessage) return;  // another request's failure said it meanwhile
  // what to do first: a phone's status line shows two lines of it
  staleMessage = `⚠ Reload the page: the server was restarted and now serves ${now}. Until then the last loop `
    + 'plays on (the dots, knobs and roll are of the model this page loaded).';
  setMessage(staleMessage, 'error');
}

// What the page's model (was) and the server's now (info) differ in, in words: the fields of /api/info its dots,
// knobs and roll are built from (engine.py's MODEL_FIELDS), each with its old value where it is short.
function modelChanges(was, info) {
  const same = (...keys) => keys.every((key) => JSON.stringify(was[key]) === JSON.stringify(info[key]));
  const pitches = (i) => `${noteName(i.pitch_low)}–${noteName(i.pitch_low + i.pitch_classes - 1)}`;
  return [
    [same('run'), `run (was ${was.run})`],
    [same('model'), `model (was ${was.model})`],
    [same('epoch'), `epoch (was ${was.epoch})`],
    [same('latent_dim'), `latent (was ${was.latent_dim})`],
    [same('pitch_low', 'pitch_classes'), `pitch window (was ${pitches(was)})`],
    [same('steps', 'steps_per_beat'), 'loop grid'],
    [same('ranges'), 'knob ranges'],
    [same('extent', 'z_limit'), 'pad extent'],
  ].filter(([kept]) => !kept).map(([, words]) => words);
}

// The server answered with other settings for the same model (restarted with or without --no-upload, with another
// --tempo): the page takes them from a fresh /api/info, as a reload would, and says what changed.
let adopting = false;

async function settingsChanged() {
  if (adopting) return;
  adopting = true;
  try {
    const fresh = await api.getInfo();
    if (fresh.served.split('.')[0] !== state.info.served.split('.')[0]) {  // restarted again, on another model
      requestFailed(Object.assign(new Error('the server now serves another model'), { changed: true }));
      return;
    }
    adoptSettings(fresh);
  } catch (err) {
    requestFailed(err);  // asked again at the next answer with the new settings
  } finally {
    adopting = false;
  }
}

function adoptSettings(fresh) {
  const was = state.info;
  const said = [];
  if (fresh.uploads !== was.uploads) {
    said.push(fresh.uploads ? 'MIDI files are taken again' : 'MIDI files are now refused (--no-upload)');
  }
  // a knob (or the seed) at the old default goes to the new one, as a reload would take it; one moved stays
  let moved = false;
  const fields = [...KNOBS, { key: 'seed', label: 'seed' }];
  for (const k of fields.filter((f) => fresh.defaults[f.key] !== was.defaults[f.key])) {
    const [old, now] = [was.defaults[k.key], fresh.defaults[k.key]];
    const shown = (v) => (k.key === 'seed' ? String(v) : formatKnob(k, v));
    let words = `${k.label.toLowerCase()} ${shown(now)} by default (was ${shown(old)})`;
    const current = k.key === 'seed' ? state.seed : state.knobs[k.key];
    const free = k.key === 'seed' || !$(`knob-${k.key}`).disabled;  // a tempo following a DAW's clock stays
    if (current === old && free) {
      if (k.key === 'seed') {
        state.seed = now;
        $('seed').value = String(now);
      } else {
        state.showKnob[k.key](now);
      }
      moved = true;
      words += ', taken';
    }
    said.push(words);
  }
  const [clockWas, clockNow] = [was.midi_clock?.input ?? null, fresh.midi_clock?.input ?? null];
  if (clockNow !== clockWas) {
    said.push(clockNow === null ? 'the tempo knob is yours again (no --midi-clock-in)'
      : `the tempo follows the DAW's MIDI clock (${clockNow})`);
  }
  const settings = { ...fresh };
  for (const key of ['files', 'points', 'points_note', 'points_ready']) delete settings[key];  // the same model's
  Object.assign(state.info, settings);
  api.expectServed(fresh.served);
  showSettings();
  if (said.length) setMessage(`The server was restarted with other settings: ${said.join('; ')}.`);
  if (showClock(fresh.midi_clock ?? null) || moved) knobsChanged();  // restarted with or without --midi-clock-in
  if (fresh.midi_clock && clockTimer === null) followClock();
}

function updateStatusInfo() {
  const { info } = state;
  const parts = [info.model, info.run, `latent ${info.latent_dim}`];
  if (mvae.current) {
    const c = mvae.current;
    parts.push(`loop ${c.loop_seconds.toFixed(2)} s @ ${c.tempo} bpm`, `${c.notes.length} notes`);
  }
  $('status').querySelector('.status-info').textContent = parts.join(' · ');
  $('status').title = $('status').textContent;
}

// ---------------------------------------------------------------- requests

// A latent point on the pad: its dimensions 0 and 1 (a model with latent_dim 1 has no y: 0).
function padPoint(z) {
  return [z[0], z[1] ?? 0];
}

// The full request for a pad point: z has latent_dim numbers (pad x, y, then zeros).
function params(point = state.point) {
  const z = [point[0], point[1], ...new Array(Math.max(state.info.latent_dim - 2, 0)).fill(0)];
  return { z: z.slice(0, state.info.latent_dim), seed: state.seed, ...state.knobs };
}

function requestLoop({ start = false } = {}) {
  loopReq.serial += 1;
  loopReq.wanted = { serial: loopReq.serial, body: params() };
  if (start) loopReq.startAt = loopReq.serial;
  pumpLoopRequests();
}

async function pumpLoopRequests() {
  if (loopReq.busy || !loopReq.wanted) return;
  const { serial, body } = loopReq.wanted;
  loopReq.wanted = null;
  loopReq.busy = true;
  let retry = false;
  try {
    const resp = await api.generate(body);
    clearError();
    if (!walk.active) showLoop(resp);  // a walk owns the player; a late answer must not cut in
  } catch (err) {
    // a request that never reached the server, or that it could not answer for lack of memory (a 503), is sent
    // again until it is answered (unless a newer one replaced it), so the point and knobs shown are heard then
    retry = Boolean(err.unreachable || err.again);
    if (retry && !loopReq.wanted) loopReq.wanted = { serial, body };
    requestFailed(retry ? new Error(`${err.message}; trying again every ${RETRY_MS / 1000} s`) : err);
  }
  loopReq.busy = false;
  if (loopReq.startAt && serial >= loopReq.startAt) {
    loopReq.startAt = 0;
    startPlayback();
  }
  if (retry) setTimeout(pumpLoopRequests, RETRY_MS);
  else pumpLoopRequests();
}

// A new current loop: drawn at once, heard from the next loop boundary.
function showLoop(resp) {
  display(resp);
  player.queue(resp);
}

// Makes resp the current loop of the page: the roll, its caption and the status line.
function display(resp) {
  mvae.current = resp;
  roll.setPattern(resp);
  $('roll-info').textContent = `${resp.notes.length} notes · ${resp.loop_seconds.toFixed(2)} s`;
  updateStatusInfo();
}

// ---------------------------------------------------------------- pad

function pickPoint(z, { drag }) {
  if (!mvae.ready) return;
  if (walk.active) stopWalk();
  if (!drag) player.ensureContext();  // pointerdown is a user gesture: create/resume audio now
  movePoint(z);
  requestLoop({ start: !drag && !player.playing });
}

function movePoint(z) {
  state.point = z;
  rememberPlace();
  pad.set({ current: z });
  markChosenLoop();
  const sent = params(z).z;  // what the model gets: latent_dim numbers, those past the pad's two at 0
  const numbers = sent.slice(0, 2).map((v) => v.toFixed(3));
  if (sent.length > 2) numbers.push(`0 × ${sent.length - 2}`);
  const unused = sent.length === 1 ? ' · latent_dim 1: the pad\'s y is not used' : '';
  const dot = Object.assign(document.createElement('span'), { textContent: '● ' });
  dot.setAttribute('aria-hidden', 'true');  // a screen reader would say "black circle" before every point
  $('pad-current').replaceChildren(dot, `z = (${numbers.join(', ')})${unused}`);
  // The pad is a slider for assistive technology: its value is the point, x and y in words, and the training loop
  // it is on (what hovering its dot shows the eye).
  const y = sent.length === 1 ? 'y not used' : `y ${numbers[1]}`;
  const near = pad.pointNear(z);
  $('pad').setAttribute('aria-valuenow', String(z[0]));
  $('pad').setAttribute('aria-valuetext', `x ${numbers[0]}, ${y}${near ? `, near ${pointName(near)}` : ''}`);
}

// A training point in words: its file and its number of notes.
function pointName(point) {
  return `${state.info.files[point.file] ?? `file ${point.file}`}, ${point.notes} notes`;
}

function showPadHover(z, point) {
  const el = $('pad-hover');
  if (!z) {
    el.textContent = '';
    return;
  }
  let text = `cursor (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
  if (point) text += ` · ${pointName(point)}`;
  if (el.textContent !== text) el.textContent = text;
}

function setColorMode(mode) {
  pad.setColorMode(mode);
  for (const [id, m] of [['color-file', 'file'], ['color-notes', 'notes']]) {
    $(id).classList.toggle('on', m === mode);
    $(id).setAttribute('aria-pressed', String(m === mode));
  }
  drawLegend(mode);
}

function drawLegend(mode) {
  const el = $('legend');
  el.replaceChildren();
  const { files, points } = state.info;
  if (!points.length) return;
  if (mode === 'notes') {
    const [lo, hi] = pad.notesRange;
    const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `${rampColor(t)} ${t * 100}%`).join(', ');
    el.append(legendText(`${lo}`), Object.assign(document.createElement('i'), {
      className: 'ramp', style: `background: linear-gradient(90deg, ${stops})`,
    }), legendText(`${hi} notes/loop`));
    return;
  }
  // the files with a dot on the pad (training files: `files` also names the validation ones)
  const shown = [...new Set(points.map((p) => p.file))].sort((a, b) => a - b);
  if (shown.length > 8) {
    const how = touchScreen.matches ? 'drag a finger onto a dot' : 'hover a dot';
    const note = legendText(`${shown.length} training files: colours repeat, ${how} for its file`);
    note.classList.add('wide');
    el.append(note);
    return;
  }
  shown.forEach((i) => {
    const name = files[i];
    const item = legendText(name);
    item.prepend(Object.assign(document.createElement('i'), { className: 'dot', style: `background: ${fileColor(i)}` }));
    item.title = name;
    el.append(item);
  });
}

function legendText(text) {
  return Object.assign(document.createElement('span'), { textContent: text, className: 'legend-item' });
}

// ---------------------------------------------------------------- knobs

function buildKnobs() {
  const { defaults, ranges } = state.info;  // the server's knobs: their ranges and the run's defaults
  for (const k of KNOBS) {
    const [min, max] = ranges[k.key];
    const initial = defaults[k.key];
    state.knobs[k.key] = initial;
    // The label names the slider (a <label> around an <output> labelled the output and left the slider nameless);
    // the value, units included, is the slider's value text for a screen reader and the span's for the eye.
    const wrap = document.createElement('div');
    wrap.className = 'knob';
    wrap.innerHTML = `<label class="knob-name" for="knob-${k.key}">${k.label}</label><span class="knob-value"></span>`
      + `<input type="range" id="knob-${k.key}" min="${min}" max="${max}" step="${k.step}">`;
    const input = wrap.querySelector('input');
    const out = wrap.querySelector('.knob-value');
    // state.knobs holds the exact value (a default need not sit on the slider's step grid).
    const set = (value) => {
      state.knobs[k.key] = value;
      out.textContent = formatKnob(k, value);
      input.setAttribute('aria-valuetext', out.textContent);
    };
    input.value = String(initial);
    set(initial);
    state.showKnob[k.key] = (value) => {
      input.value = String(value);
      set(value);
    };
    input.addEventListener('input', () => {
      set(Number(input.value));
      knobsChanged();
    });
    const reset = () => {  // to the server's default now (a restart with another --tempo changes it)
      input.value = String(state.info.defaults[k.key]);
      set(state.info.defaults[k.key]);
      knobsChanged();
    };
    input.addEventListener('dblclick', reset);
    input.addEventListener('keydown', (ev) => {  // the keyboard's double-click
      if (ev.key !== 'Delete' && ev.key !== 'Backspace') return;
      ev.preventDefault();
      reset();
    });
    $('knobs').append(wrap);
  }
  state.seed = defaults.seed;
  $('seed').value = String(state.seed);
  $('seed').max = String(maxSeed());
}

// What the page shows of the server's settings (/api/info's, taken again after a restart with others): MIDI in
// (offered unless --no-upload), the files it takes, and each knob's hint with the default it resets to.
function showSettings() {
  const { info } = state;
  $('midi-file').accept = [...info.midi_suffixes, 'audio/midi', 'audio/x-midi'].join(',');
  $('midi-in').hidden = !info.uploads;  // mvae serve --no-upload
  for (const k of KNOBS) {
    const input = $(`knob-${k.key}`);
    const wrap = input.closest('.knob');
    wrap.title = `${k.hint} (double-click or Delete: reset to ${info.defaults[k.key]})`;
    if (!input.disabled) input.title = wrap.title;  // the hint, as the slider's description (a DAW's clock: its own)
  }
}

// The volume slider's value for a screen reader, in per cent (its own value, 0–1, would be read as "0.8").
function showVolume() {
  $('volume').setAttribute('aria-valuetext', `${Math.round(Number($('volume').value) * 100)} %`);
}

// The largest seed the server takes (/api/info's ranges.seed).
function maxSeed() {
  return state.info.ranges.seed[1];
}

// value, brought within the range the server takes for knob key (/api/info's ranges).
function withinRange(key, value) {
  const [low, high] = state.info.ranges[key];
  return Math.min(Math.max(value, low), high);
}

function formatKnob(k, v) {
  return k.unit ? `${Number.isInteger(v) ? v : v.toFixed(1)} ${k.unit}` : v.toFixed(2);  // --tempo 97.5: not 98
}

function setSeed(seed) {
  state.seed = seed;
  $('seed').value = String(seed);
  knobsChanged();
}

// A knob or the seed changed: re-request the loop (a walk re-requests its next step instead).
function knobsChanged() {
  rememberPlace();
  if (walk.active) fetchWalkStep(walk.index + 1);
  else requestLoop();
}

// ---------------------------------------------------------------- playback

function startPlayback() {
  player.start();
  updatePlayButton();
  requestAnimationFrame(animate);
}

function stopPlayback() {
  player.stop();
  loopReq.startAt = 0;
  if (walk.active) stopWalk();
  updatePlayButton();
  roll.frame(null);
}

function togglePlayback() {
  player.ensureContext();
  if (player.playing) stopPlayback();
  else startPlayback();
}

// The button says what it does next, Play or Stop (its name for a screen reader too, which is why it is no toggle
// button: "Stop, pressed" would say the opposite); the glyph before the word is for the eye only.
function updatePlayButton() {
  const btn = $('play');
  const glyph = Object.assign(document.createElement('span'), { textContent: player.playing ? '■' : '▶' });
  glyph.setAttribute('aria-hidden', 'true');
  btn.replaceChildren(glyph, player.playing ? ' Stop' : ' Play');
  btn.classList.toggle('on', player.playing);
}

// Playhead: redrawn every frame while playing. Where the user prefers reduced motion it does not sweep: it
// stands on the beat playing and steps once a beat.
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

function animate() {
  if (!player.playing) return;
  const pos = player.position();
  let frac = pos ? pos.frac : null;
  if (frac !== null && reducedMotion.matches) {
    const beats = state.info.steps / state.info.steps_per_beat;
    frac = Math.floor(frac * beats) / beats;
  }
  roll.frame(frac, Boolean(pos && pos.pattern !== mvae.current));
  requestAnimationFrame(animate);
}

// Runs fn when the audio clock reaches t (approximately, on the page's clock).
function atAudioTime(t, fn) {
  setTimeout(fn, Math.max(0, (t - player.ctx.currentTime) * 1000));
}

// ---------------------------------------------------------------- A↔B walk

function setA() {
  state.a = [...state.point];
  pad.set({ a: state.a });
}

function setB(z = state.point) {
  if (!mvae.ready) return;
  state.b = [...z];
  pad.set({ b: state.b });
}

// The walk's number of points, 2–64: the field's number, clamped; an empty or unreadable field keeps the last
// good one (an emptied number field reads as '', which Number() would take as 0).
let lastWalkSteps = 8;
function walkSteps() {
  const text = $('walk-steps').value.trim();
  const n = text === '' ? NaN : Math.round(Number(text));
  if (Number.isFinite(n)) lastWalkSteps = Math.min(Math.max(n, 2), 64);
  return lastWalkSteps;
}

// Ping-pong position of walk counter i: 0, 1, …, N-1, N-2, …, 1, 0, 1, …
function walkPosition(i) {
  const n = walkSteps();
  const k = i % (2 * (n - 1));
  return k < n ? k : 2 * (n - 1) - k;
}

function walkPoint(i) {
  const f = walkPosition(i) / (walkSteps() - 1);
  const [a, b] = [state.a, state.b];
  return [round3(a[0] + (b[0] - a[0]) * f), round3(a[1] + (b[1] - a[1]) * f)];
}

function startWalk() {
  if (!state.a || !state.b) {
    // a touch screen has no shift key: its words name only the buttons
    const how = touchScreen.matches ? 'the Set A and Set B buttons' : 'buttons, or shift-click the pad for B';
    setMessage(`Set A and B first (${how}).`, 'error');
    return;
  }
  player.ensureContext();
  Object.assign(walk, { active: true, index: -1, queued: null });
  updateWalkButton();
  fetchWalkStep(0);
}

function stopWalk() {
  Object.assign(walk, { active: false, queued: null });
  walk.serial += 1;   // drop any step still on its way
  player.queue(null); // a prefetched step must not play after the walk ends
  updateWalkButton();
  $('walk-info').textContent = '';
}

function updateWalkButton() {
  $('walk').classList.toggle('on', walk.active);
  $('walk').setAttribute('aria-pressed', String(walk.active));
}

// Fetches walk step i and queues it for the next loop boundary (a newer fetch supersedes it). A step the server did
// not receive (or could not make for lack of memory) is asked for again: at the next loop boundary while a loop
// plays (onLoopStart), else after RETRY_MS.
async function fetchWalkStep(i) {
  const serial = ++walk.serial;
  walk.pending = true;
  let resp;
  try {
    resp = await api.generate(params(walkPoint(i)));
  } catch (err) {
    if (!(err.unreachable || err.again)) {
      requestFailed(err);
    } else if (player.playing) {
      requestFailed(new Error(`${err.message}; trying again at the next loop`));
    } else {
      requestFailed(new Error(`${err.message}; trying again every ${RETRY_MS / 1000} s`));
      setTimeout(() => { if (walk.active && serial === walk.serial) fetchWalkStep(i); }, RETRY_MS);
    }
    return;
  } finally {
    if (serial === walk.serial) walk.pending = false;
  }
  clearError();  // the server answers again: an unreachable server's message goes
  if (!walk.active || serial !== walk.serial) return;
  walk.queued = { index: i, pattern: resp };
  player.queue(resp);
  if (!player.playing) startPlayback();
}

// Player callback at each loop commit (shortly before the loop sounds). When the walk's prefetched
// step starts, show it on time and fetch the following step so it is ready before the next boundary.
function onLoopStart(pattern, t0) {
  if (!walk.active) return;
  if (walk.queued && walk.queued.pattern === pattern) {
    const i = walk.queued.index;
    walk.index = i;
    walk.queued = null;
    atAudioTime(t0, () => showWalkStep(i, pattern));
  }
  if (!walk.queued && !walk.pending) fetchWalkStep(walk.index + 1);
}

function showWalkStep(i, pattern) {
  if (!walk.active) return;
  movePoint(padPoint(pattern.z));
  display(pattern);
  $('walk-info').textContent = `step ${walkPosition(i) + 1}/${walkSteps()}`;
}

// ---------------------------------------------------------------- downloads

// While a download is made its button is busy: aria-disabled, not disabled, which would take the keyboard's focus
// away from it (to the page's top) and drop its focus ring.
async function download(kind, button) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    // the server's name (engine.py's download_name: the point, the seed and the knobs not at their defaults), the one
    // rule for it; a proxy that dropped the header leaves a plain name
    const { blob, filename } = await api.render(kind, params());
    const name = filename || `mvae.${kind === 'midi' ? 'mid' : 'wav'}`;
    const url = URL.createObjectURL(blob);
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setMessage(`Downloaded ${name}`);
  } catch (err) {
    requestFailed(err);
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

// ---------------------------------------------------------------- MIDI in (drop / file picker)

let encoding = 0;  // the serial of the last file sent: only its answer is shown

async function encodeFile(file) {
  if (!state.info.uploads) {  // mvae serve --no-upload: the button is hidden, a dropped file is refused here
    setMessage(`This server takes no MIDI files (mvae serve --no-upload): ${file.name} was not sent`, 'error');
    return;
  }
  const suffixes = state.info.midi_suffixes;  // the server's READ_SUFFIXES: .smf and .kar are MIDI files too
  if (!suffixes.some((suffix) => file.name.toLowerCase().endsWith(suffix))) {
    const expected = `${suffixes.slice(0, -1).join(', ')} or ${suffixes[suffixes.length - 1]}`;
    setMessage(`Not a MIDI file: ${file.name} (expected ${expected})`, 'error');
    return;
  }
  // until the answer (a big file takes seconds; the server's first read starts its worker) the status line and the
  // box of the file's loops say it is being read, and the loops of a file opened before leave the pad and the box
  const serial = ++encoding;
  setMessage(`Encoding ${file.name}…`, 'busy');
  pad.set({ fileLoops: [] });
  fileChips = [];
  $('file-loops').replaceChildren(Object.assign(document.createElement('p'), {
    className: 'muted', textContent: `encoding ${file.name}…`,
  }));
  try {
    const resp = await api.encodeMidi(await file.arrayBuffer(), file.name);
    if (serial !== encoding) return;  // a file dropped since is the one shown
    const loops = resp.loops.map((l) => ({ ...l, z: padPoint(l.z) }));
    pad.set({ fileLoops: loops });
    showFileLoops(file.name, loops);  // resp.file is the same name, as the server read it
    const n = loops.length;
    setMessage(`${file.name}: ${n} loop${n === 1 ? '' : 's'}${n ? '' : ' with notes found'}`);
    if (n) chooseFileLoop(loops[0]);
  } catch (err) {
    if (serial !== encoding) return;
    showFileError(err);  // the server's refusal, or why it was not read (unreachable, another model)
    requestFailed(err);
  }
}

// A file that gives no loop (cut short, in 3/4, drums only): the whole reason, wrapped, where its loops would be,
// since the status line cuts a long one off, often before its end, which says what to do. The loops of a file
// opened before leave the pad: the box and the pad show the last file opened.
function showFileError(err) {
  pad.set({ fileLoops: [] });
  $('file-loops').replaceChildren(Object.assign(document.createElement('p'), {
    className: 'file-error', textContent: `⚠ ${err.message || err}`,
  }));
}

// The buttons of the open file's loops, each with its loop, and the loop last chosen: its button is pressed while the
// point is that loop's (a pad move, a walk or another loop's button leaves it), so a performer sees which one plays.
let fileChips = [];
let chosenLoop = null;

function showFileLoops(name, loops) {
  const box = $('file-loops');
  fileChips = [];
  box.replaceChildren(Object.assign(document.createElement('span'), {
    className: 'muted', textContent: `${name}: ${loops.length} loop${loops.length === 1 ? '' : 's'}`,
  }));
  for (const l of loops) {
    const chip = Object.assign(document.createElement('button'), {
      type: 'button', className: 'chip', textContent: `#${l.loop} · ${l.notes} notes · ${l.bpm} bpm`,
      title: `z = (${l.z[0].toFixed(3)}, ${l.z[1].toFixed(3)}); plays at its tempo in the file, ${l.bpm} bpm`,
    });
    chip.setAttribute('aria-pressed', 'false');
    chip.addEventListener('click', () => chooseFileLoop(l));
    fileChips.push([chip, l]);
    box.append(chip);
  }
}

function markChosenLoop() {
  const at = chosenLoop && state.point[0] === round3(chosenLoop.z[0]) && state.point[1] === round3(chosenLoop.z[1]);
  for (const [chip, loop] of fileChips) {
    const on = Boolean(at) && loop === chosenLoop;
    chip.classList.toggle('on', on);
    chip.setAttribute('aria-pressed', String(on));
  }
}

// A dropped file's loop plays at its tempo in the file (mvae encode's bpm): choosing it (the drop, which chooses
// loop 0, or its chip) sets the tempo knob to that tempo, within the knob's range, then jumps to its point. While the
// tempo follows a DAW's clock the knob is the DAW's and stays.
function chooseFileLoop(loop) {
  if (!$('knob-tempo').disabled) state.showKnob.tempo(withinRange('tempo', loop.bpm));
  chosenLoop = loop;
  jumpTo(loop.z);
}

function jumpTo(z) {
  if (walk.active) stopWalk();
  movePoint([round3(z[0]), round3(z[1])]);
  requestLoop();
}

function listenForDrops() {
  const overlay = $('drop-overlay');
  let depth = 0;  // dragenter/dragleave nest over child elements
  const hasFiles = (ev) => ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
  document.addEventListener('dragenter', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    depth += 1;
    overlay.hidden = !state.info.uploads;  // with --no-upload a drop is only told it is refused
  });
  document.addEventListener('dragover', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(depth - 1, 0);
    if (!depth) overlay.hidden = true;
  });
  document.addEventListener('drop', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const file = ev.dataTransfer.files[0];
    if (file) encodeFile(file);
  });
}

// ---------------------------------------------------------------- controls

function isTyping(el) {
  return el instanceof HTMLInputElement && ['text', 'number', 'search'].includes(el.type);
}

function listenToControls() {
  // The first gesture anywhere creates the AudioContext, so that playback later starts without delay.
  for (const type of ['pointerdown', 'keydown']) {
    document.addEventListener(type, () => player.ensureContext(), { once: true, capture: true });
  }
  $('play').addEventListener('click', togglePlayback);
  // Space toggles playback anywhere except while typing; keyup is swallowed too so that a focused
  // button is not also "clicked" by the same key.
  document.addEventListener('keydown', (ev) => {
    if (ev.code !== 'Space' || isTyping(ev.target)) return;
    ev.preventDefault();
    if (!ev.repeat) togglePlayback();
  });
  document.addEventListener('keyup', (ev) => {
    if (ev.code === 'Space' && !isTyping(ev.target)) ev.preventDefault();
  });

  $('color-file').addEventListener('click', () => setColorMode('file'));
  $('color-notes').addEventListener('click', () => setColorMode('notes'));

  $('seed').addEventListener('change', () => {
    // an emptied field reads as '', which Number() takes as 0: a seed the musician liked would be lost for seed 0
    const text = $('seed').value.trim();
    const seed = text === '' ? NaN : Number(text);
    if (Number.isInteger(seed) && seed >= 0 && seed <= maxSeed()) {
      setSeed(seed);
      return;
    }
    // a seed the server refuses (1.5, -5, over 2³² − 1) would fail every later request: keep the last good one
    $('seed').value = String(state.seed);
    setMessage(`A seed is a whole number from 0 to ${maxSeed()}; kept ${state.seed}.`, 'error');
  });
  $('new-seed').addEventListener('click', () => setSeed(Math.floor(Math.random() * 100000)));
  $('volume').addEventListener('input', () => {
    player.setVolume(Number($('volume').value));
    showVolume();
  });

  $('set-a').addEventListener('click', setA);
  $('set-b').addEventListener('click', () => setB());
  $('walk-steps').addEventListener('input', () => pad.set({ walkSteps: walkSteps() }));
  $('walk-steps').addEventListener('change', () => { $('walk-steps').value = walkSteps(); });  // shows what is used
  $('walk').addEventListener('click', () => (walk.active ? stopWalk() : startWalk()));

  $('dl-midi').addEventListener('click', (ev) => download('midi', ev.currentTarget));
  $('dl-wav').addEventListener('click', (ev) => download('wav', ev.currentTarget));

  $('open-midi').addEventListener('click', () => $('midi-file').click());
  $('midi-file').addEventListener('change', (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';  // choosing the same file again still fires change
    if (file) encodeFile(file);
  });

  const rollCanvas = $('roll');
  rollCanvas.addEventListener('pointermove', (ev) => showNoteHover(roll.noteAt(ev.clientX, ev.clientY)));
  rollCanvas.addEventListener('pointerleave', () => showNoteHover(null));
  listenForDrops();
}

function showNoteHover(note) {
  const el = $('roll-hover');
  if (!note) {
    el.textContent = '';
    return;
  }
  const offMs = Math.round((note.start - note.step * mvae.current.step_seconds) * 1000);
  const feel = offMs === 0 ? 'on grid' : offMs < 0 ? `${offMs} ms early` : `+${offMs} ms late`;
  const beat = (note.step / state.info.steps_per_beat + 1).toFixed(2);
  el.textContent = `${noteName(note.pitch)} · step ${note.step} (beat ${beat}) · ${feel}`
    + ` · vel ${note.velocity} · ${Math.round((note.end - note.start) * 1000)} ms`;
}

// ---------------------------------------------------------------- the DAW's clock

// With `mvae serve --midi-clock-in`, /api/info's midi_clock ({input, state, tempo}, null without it) says that the
// DAW's MIDI clock sets MIDI out's tempo: the tempo knob shows the measured tempo, disabled, with a word saying so,
// and the page's own loops take that tempo, so the page sounds as the DAW does (the loop playing is asked again
// when the tempo moved CLOCK_ADOPT_BPM, not at every wobble of the measure).
// /api/midi_clock (the same without the training points) is read every CLOCK_POLL_MS while the server follows a
// clock and the page is shown, at once when the page is shown again, and never without a clock.
let clockTempo = null;  // the DAW's tempo the page's loops last took
let clockTimer = null;  // the next reading of /api/midi_clock, while a clock is followed

// Shows /api/info's midi_clock on the tempo knob; true when the page's loops are to take a new tempo.
function showClock(clock) {
  const input = $('knob-tempo');
  const wrap = input.closest('.knob');
  let word = wrap.querySelector('.knob-clock');
  input.disabled = clock !== null;
  if (clock === null) {
    word?.remove();
    input.title = wrap.title;
    clockTempo = null;  // a clock followed again later is taken at once
    return false;
  }
  if (!word) {
    word = Object.assign(document.createElement('span'), { className: 'knob-clock' });
    wrap.append(word);
  }
  const from = `the DAW's MIDI clock (${clock.input})`;
  word.textContent = clock.tempo === null ? `set by ${from}: waiting for it` : `set by ${from}, ${clock.state}`;
  input.title = `the tempo follows ${from}: change it in the DAW`;
  if (clock.tempo === null) return false;
  // a DAW beyond the knob's range: MIDI out plays at its end too
  const tempo = withinRange('tempo', Math.round(clock.tempo * 10) / 10);
  state.showKnob.tempo(tempo);
  if (clockTempo !== null && Math.abs(tempo - clockTempo) < CLOCK_ADOPT_BPM) return false;
  clockTempo = tempo;
  return true;
}

function readClockIn(ms) {
  clearTimeout(clockTimer);
  clockTimer = setTimeout(followClock, ms);
}

async function followClock() {
  clearTimeout(clockTimer);
  clockTimer = null;
  if (document.hidden) return;  // read again when the page is shown
  let clock;
  try {
    clock = (await api.getClock()).midi_clock ?? null;
  } catch {
    readClockIn(CLOCK_POLL_MS);  // a server restarting: ask again (its errors show elsewhere)
    return;
  }
  if (showClock(clock)) knobsChanged();
  if (clock) readClockIn(CLOCK_POLL_MS);
}

// ---------------------------------------------------------------- the place, across a reload

// The point, the seed and the knobs not at their defaults are kept in the page's address, after its # (e.g.
// #z=0.5,-1&seed=42&tempo=97), so that a reload (which the page asks for when the server was restarted on another
// model) goes on where the page was, and a copied address opens there. At start-up each is taken back where it fits
// the server now serving (/api/info's z_limit and ranges); the rest start at their defaults. The address is written
// at most every PLACE_WRITE_MS: browsers ignore a page's address changes past a rate (Chromium's: 200 in 10 s)
// that a drag reaches.
let placeTimer = null;

function rememberPlace() {
  if (placeTimer === null) placeTimer = setTimeout(writePlace, PLACE_WRITE_MS);
}

function writePlace() {
  placeTimer = null;
  const place = [['z', state.point.join(',')], ['seed', state.seed]];
  for (const k of KNOBS) {
    if (state.knobs[k.key] !== state.info.defaults[k.key]) place.push([k.key, state.knobs[k.key]]);
  }
  history.replaceState(null, '', `#${place.map(([name, value]) => `${name}=${value}`).join('&')}`);  // no new entry
}

function restorePlace() {
  const place = new URLSearchParams(location.hash.slice(1));
  const { ranges, z_limit: limit } = state.info;
  const number = (text) => (text === null || text.trim() === '' ? NaN : Number(text));  // Number('') is 0
  const fits = (value, [low, high]) => value >= low && value <= high;  // NaN fits nothing
  for (const k of KNOBS) {
    const value = number(place.get(k.key));
    if (fits(value, ranges[k.key])) state.showKnob[k.key](value);
  }
  const seed = number(place.get('seed'));
  if (Number.isInteger(seed) && fits(seed, ranges.seed)) {
    state.seed = seed;
    $('seed').value = String(seed);
  }
  const point = (place.get('z') ?? '').split(',').map(number);
  if (point.length === 2 && point.every((v) => fits(v, [-limit, limit]))) state.point = point;
}

// ---------------------------------------------------------------- start-up

// The training loops' dots and their note. The server encodes them in the background, so at start-up
// they may still be on the way (points_ready false): waitForPoints() polls /api/points until they arrive.
function showPoints({ files, points: given, points_note: note }) {
  const points = given.map((p) => ({ ...p, z: padPoint(p.z) }));
  Object.assign(state.info, { files, points });
  pad.setData(state.info.extent, points);
  setColorMode(pad.colorMode);  // redraws the legend for the new points
  $('points-note').textContent = note || '';
  $('points-note').classList.toggle('warn', !points.length);
  $('points-note').hidden = !note;
}

const POINTS_POLL_MS = 1000;
const POINTS_RETRY_MS = 3000;  // after a failed request (a server busy or restarting): keep asking, less often

async function waitForPoints() {
  let answer;
  try {
    answer = await api.getPoints();
  } catch (err) {
    requestFailed(err);
    if (!err.changed) setTimeout(waitForPoints, POINTS_RETRY_MS);  // another model's dots would not fit the page
    return;
  }
  if (!answer.ready) {
    setTimeout(waitForPoints, POINTS_POLL_MS);
    return;
  }
  showPoints({ files: answer.files, points: answer.points, points_note: answer.note });
  mvae.pointsReady = true;
}

async function init() {
  try {
    state.info = await api.getInfo();
  } catch (err) {
    showError(err);
    $('status').querySelector('.status-info').textContent = 'no model info';
    return;
  }
  const { info } = state;
  mvae.info = info;
  api.expectServed(info.served, settingsChanged);
  buildKnobs();
  showSettings();
  showVolume();
  roll.setGrid(info.steps, info.steps_per_beat, info.pitch_low, info.pitch_classes);
  pad.set({ walkSteps: walkSteps() });
  showPoints(info);
  if (!info.points_ready) waitForPoints();
  restorePlace();
  movePoint(state.point);
  updateStatusInfo();
  listenToControls();
  if (info.midi_clock) {
    showClock(info.midi_clock);  // before the first loop, which takes its tempo
    readClockIn(CLOCK_POLL_MS);
  }
  document.addEventListener('visibilitychange', () => {  // only while a clock is followed (a restart may add one)
    if (!document.hidden && $('knob-tempo').disabled) followClock();
  });
  mvae.pointsReady = Boolean(info.points_ready);
  mvae.ready = true;
  requestLoop();
}

init();
