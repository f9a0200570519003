#!/usr/bin/env node
// A host for the files of `mvae export --onnx` in JavaScript: onnxruntime and nothing of mvae. It is the JavaScript
// twin of examples/onnx_host.py and follows the same sidecar `decode` lines for both formats:
//
// * `mvae-step-onnx/1` (melody_rnn): one decoder step per call; the host calls it 32 times per pattern and chooses
//   each step's note between calls (StepHost);
// * `mvae-decoder-onnx/1` (seed): a whole pattern's cells in one call; the host chooses the notes (PatternHost:
//   `mvae generate`'s monophonic rule, --poly and the ancestor's thresholds).
//
// As a module it takes the onnxruntime namespace it is given, so the same code runs in Node.js (onnxruntime-node:
// a server, a Max [node.script]: not tried in Max) and in a browser (onnxruntime-web):
//
//     import * as ort from "onnxruntime-web";                       // in Node.js: openNodeHost("decoder.onnx")
//     import { openHost, seededRandom } from "./onnx_host.mjs";
//     const host = await openHost(ort, modelBytes, sidecarObject);  // or (ort, "decoder.onnx") in Node.js
//     const notes = await host.pattern([0.5, -1], { density: 1, temperature: 1, random: seededRandom(3) });
//     for (const note of host.timed(notes, { tempo: 120 })) console.log(note);
//
// As a command (Node.js, after `npm ci` in this folder):
//
//     node onnx_host.mjs decoder.onnx --z 0.5,-1 [--density 1] [--temperature 1] [--timing-temperature 1]
//         [--grid-offset 1] [--tempo 120] [--seed N] [--poly] [--threshold-min P] [--threshold-max P]
//
// prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, grid step); `--z 0.5 -1` and
// `--density=1` work too. Bad input (a value out of generate's range, a missing file) exits 2 with one line on stderr.
// The options, their defaults and every refusal are those of examples/onnx_host.py, word for word. Every random number comes from `random()`
// (Math.random by default) in the order the sidecar gives; fed the uniform numbers `mvae generate` draws, it writes
// generate's notes: tests/test_js_host.py checks that. `seededRandom(seed)` draws those numbers (numpy's generator,
// as generate seeds it), so `--seed 3` plays `mvae generate --seed 3`'s notes: tests/test_coder_js_seed.py.

/** A note rule the graph's format does not describe (e.g. --poly for a one-note-per-step model). */
export class UnsupportedRule extends Error {}

/** A sidecar this host cannot play its graph with: no mvae export's, a newer format's, a field the host reads
 * missing, or another graph's (its input or output names differ). The message says which and what to do. */
export class BadSidecar extends Error {}

/** onnxruntime-node cannot be imported from this file's folder; the message gives the command that installs it. */
export class MissingRuntime extends Error {}

const ORT_NODE_VERSION = "1.31.1"; // the onnxruntime-node package.json pins (tests/test_js_host_setup.py checks)
const MADE_BY = "pass the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes, its sidecar beside it";
const NUMBER_FIELDS = ["steps", "latent_dim", "pitch_low", "max_duration_steps"];
const STEP_FIELDS = ["tokens.start", "tokens.pitch_temperature", "tokens.pitch_min_p", "inputs.state.shape.1"];
const CATEGORICAL_FIELDS = ["timing.bin_width"];
// The sidecar's numbers each host reads (a dotted path; a number indexes a list), checked in this order: every
// format's, a step graph's, a categorical timing head's (with timing.centers, a list of numbers).

/**
 * The host for a graph and its sidecar: `(ort, "decoder.onnx")` reads `decoder.json` beside the file (Node.js);
 * `(ort, bytes, sidecar)` takes both as given (a browser: fetch them first).
 */
export async function openHost(ort, model, sidecar = null) {
  if (sidecar === null) {
    if (typeof model !== "string") throw new TypeError("give the sidecar object with the model's bytes");
    const { readFile } = await import("node:fs/promises"); // Node.js only: a browser passes both
    sidecar = JSON.parse(await readFile(sidecarOf(model), "utf8"));
    model = await readFile(model);
  }
  const hosts = { [StepHost.FORMAT]: StepHost, [PatternHost.FORMAT]: PatternHost };
  checkFormat(sidecar, Object.keys(hosts));
  const HostClass = hosts[sidecar.format];
  checkFields(sidecar, HostClass === StepHost);
  const options = { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1 }; // small graphs
  const session = await ort.InferenceSession.create(model, options);
  checkNames(sidecar, session.inputNames, session.outputNames);
  return new HostClass(ort, session, sidecar);
}

/** BadSidecar unless `sidecar` is a JSON object whose `format` is one of `formats`; a format of mvae's that is not
 * is a newer export's. */
function checkFormat(sidecar, formats) {
  if (sidecar === null || typeof sidecar !== "object" || Array.isArray(sidecar)) {
    throw new BadSidecar(`not the sidecar of an mvae export (not a JSON object); ${MADE_BY}`);
  }
  const found = sidecar.format ?? null;
  if (formats.includes(found)) return;
  const known = formats.join(", ");
  if (typeof found === "string" && found.startsWith("mvae-")) {
    throw new BadSidecar(`format ${JSON.stringify(found)} is a newer mvae export than this host reads (it reads ` +
      `${known}): play it with the host of the mvae that exported it, or export the run with this host's mvae`);
  }
  throw new BadSidecar(`not the sidecar of an mvae export (format ${JSON.stringify(found)}; this host reads ` +
    `${known}); ${MADE_BY}`);
}

/** The value at the dotted `path` of `sidecar` (a number indexes a list), or undefined when there is none. */
function field(sidecar, path) {
  let value = sidecar;
  for (const key of path.split(".")) {
    if (value !== null && typeof value === "object" && Object.hasOwn(value, key)) value = value[key];
    else return undefined;
  }
  return value;
}

/** BadSidecar unless `sidecar` (of a format checkFormat passed) has every field the host reads, of the type it
 * reads (the same checks, in the same order and words, as examples/onnx_host.py's). */
function checkFields(sidecar, stepGraph) {
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  for (const name of ["inputs", "outputs", "timing"]) {
    if (!isObject(sidecar[name])) {
      throw new BadSidecar(`not the sidecar of an mvae export (${name} is missing or not an object); ${MADE_BY}`);
    }
  }
  const numbers = [...NUMBER_FIELDS, ...(stepGraph ? STEP_FIELDS : [])];
  if (Object.hasOwn(sidecar.outputs, "timing_probs")) { // the categorical head: an offset is drawn from its classes
    const centers = field(sidecar, "timing.centers");
    if (!(Array.isArray(centers) && centers.length > 0 && centers.every(Number.isFinite))) {
      throw new BadSidecar("not the sidecar of an mvae export (timing.centers is missing or not a list of " +
        `numbers); ${MADE_BY}`);
    }
    numbers.push(...CATEGORICAL_FIELDS);
  }
  for (const path of numbers) {
    if (!Number.isFinite(field(sidecar, path))) {
      throw new BadSidecar(`not the sidecar of an mvae export (${path} is missing or not a number); ${MADE_BY}`);
    }
  }
}

/** BadSidecar unless the graph's `inputs` and `outputs` (names, in order) are the sidecar's: a sidecar beside another
 * export's graph would play wrong notes, or none. */
function checkNames(sidecar, inputs, outputs) {
  for (const [what, graph, described] of [
    ["inputs", inputs, Object.keys(sidecar.inputs)],
    ["outputs", outputs, Object.keys(sidecar.outputs)],
  ]) {
    if (graph.join("\n") !== described.join("\n")) {
      throw new BadSidecar(`not the sidecar of this graph (the graph's ${what}: ${graph.join(", ")}; the ` +
        `sidecar's: ${described.join(", ")}): keep the sidecar its export wrote beside the graph, or export again`);
    }
  }
}

/** The sidecar's path beside an exported graph's: decoder.json for decoder.onnx (as `mvae export` names it). */
function sidecarOf(onnxFile) {
  return onnxFile.replace(/\.onnx$/i, "") + ".json";
}

/** Node.js: the host for `decoder.onnx` (and `decoder.json` beside it) with onnxruntime-node, resolved from this
 * package's folder wherever the caller lives. */
export async function openNodeHost(onnxFile) {
  let ort;
  try {
    ort = await import("onnxruntime-node");
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("'onnxruntime-node'")) throw error;
    const [{ fileURLToPath }, { existsSync }, { dirname, join }] = await Promise.all(
      [import("node:url"), import("node:fs"), import("node:path")],
    );
    const folder = dirname(fileURLToPath(import.meta.url));
    const install = existsSync(join(folder, "package-lock.json")) // this package's folder, else a copy of this file
      ? "npm ci --ignore-scripts"
      : `npm install onnxruntime-node@${ORT_NODE_VERSION} --ignore-scripts`;
    throw new MissingRuntime(`onnxruntime-node is not installed: cd ${shellQuoted(folder)} && ${install}`);
  }
  return openHost(ort, onnxFile);
}

/** `text` as one word of a POSIX shell (Python's shlex.quote). */
function shellQuoted(text) {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\"'\"'")}'`;
}

/** What both formats share: the session, the offset draw and the note times. */
class Host {
  constructor(ort, session, sidecar) {
    this.ort = ort;
    this.session = session;
    this.sidecar = sidecar;
    this.steps = sidecar.steps;
    this.timing = sidecar.timing;
  }

  /**
   * One pattern's notes at latent point `z` ({step, row, velocity, duration, offset}: velocity and duration 0..1,
   * offset in half-steps), ordered by step then row, chosen with generate's options. Every random number comes from
   * `random`: the note choice first, then the offsets, one draw per sounding step, shared by the step's notes.
   * Throws UnsupportedRule for a rule the format does not describe.
   */
  async pattern(z, options = {}) {
    checkOptionNames(options, "pattern");
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    const rule = {
      density: 1, temperature: 1, timingTemperature: 1, poly: false, thresholdMin: null, thresholdMax: null,
      random: Math.random, ...given,
    };
    if (z.length !== this.sidecar.latent_dim) {
      throw new RangeError(`z needs ${this.sidecar.latent_dim} numbers (the model's latent_dim), got ${z.length}`);
    }
    // a dial's NaN (a patch dividing by zero) would decode to no note at all, in silence
    const wrong = optionError({ ...rule, z: Array.from(z) });
    if (wrong !== null) throw new RangeError(wrong);
    const { notes, timing } = await this.choose(Float32Array.from(z), rule);
    if (timing !== null) {
      const first = notes.map((note, i) => i).filter((i) => i === 0 || notes[i].step !== notes[i - 1].step);
      const drawn = this.offsets(
        first.map((i) => timing.probs[i]), first.map((i) => timing.means[i]), rule.timingTemperature, rule.random,
      );
      const byStep = new Map(first.map((i, k) => [notes[i].step, drawn[k]]));
      for (const note of notes) note.offset = byStep.get(note.step);
    }
    return notes;
  }

  /**
   * The notes' offsets in half-steps (sidecar `timing.sample`): the mean at temperature 0, else a class drawn from
   * (p / max p)^(1/T) (the proportions of p^(1/T), which underflows to 0 for every class at a low temperature) and a
   * uniform place in its bin (class 0, on the grid, is exactly 0). Two uniforms per note, in order.
   */
  offsets(probs, means, temperature, random) {
    if (probs.length === 0 || temperature <= 0) return means;
    const uniforms = probs.map(() => [random(), random()]);
    return probs.map((p, i) => {
      const top = Math.max(...p);
      const cumulative = runningSum(Array.from(p, (v) => (v / top) ** (1 / temperature)));
      const below = countBelow(cumulative, uniforms[i][0] * cumulative[cumulative.length - 1]);
      const picked = Math.min(below, cumulative.length - 1);
      return picked === 0 ? 0 : this.timing.centers[picked] + (uniforms[i][1] - 0.5) * this.timing.bin_width;
    });
  }

  /** `notes` in seconds from the loop's start (sidecar `decode`: start, length, velocity), ordered by start, at
   * `{ tempo, gridOffset }` (bpm, 120; 1). */
  timed(notes, options = {}) {
    checkOptionNames(options, "timed");
    const { tempo = 120, gridOffset = 1 } = options;
    const wrong = optionError({ tempo, gridOffset });
    if (wrong !== null) throw new RangeError(wrong);
    const seconds = 60 / tempo / 4;
    // each offset scaled, up to its step's edge (±1 half-step): an exaggerated feel keeps the notes' order
    const written = (offset) => Math.min(Math.max(offset * gridOffset, -1), 1);
    const unheld = notes.map((n) => Math.max(0, (n.step + written(n.offset) / 2) * seconds));
    const gap = Math.min(MIN_AUDIBLE_SECONDS, seconds / 2);
    const starts = held(unheld, notes.map((n) => n.step), gap); // no click, no dyad of two steps
    const loopEnd = this.steps * seconds;
    const timed = notes.map((note, i) => {
      const next = Math.min(loopEnd, ...starts.filter((s) => s > starts[i]));
      const length = Math.max(note.duration * this.sidecar.max_duration_steps * seconds, seconds / 8, gap);
      return {
        pitch: this.sidecar.pitch_low + note.row,
        velocity: Math.min(127, Math.max(1, roundHalfEven(note.velocity * 127))),
        start: round6(starts[i]),
        end: round6(Math.min(starts[i] + length, next)),
        step: note.step,
      };
    });
    return timed.sort((a, b) => a.start - b.start);
  }
}

/** `mvae-step-onnx/1`: 32 calls per pattern, the token chosen between them. */
export class StepHost extends Host {
  static FORMAT = "mvae-step-onnx/1";

  async choose(z, rule) {
    if (rule.poly || rule.thresholdMin !== null || rule.thresholdMax !== null) {
      throw new UnsupportedRule(
        "--poly and --threshold-min/--threshold-max need a seed model's export: this graph writes one note per " +
          "step from token probabilities; use --density and --temperature",
      );
    }
    const { ort } = this;
    const tokens = this.sidecar.tokens;
    const stateSize = this.sidecar.inputs.state.shape[1];
    const uniforms = Array.from({ length: this.steps }, () => [rule.random(), rule.random()]);
    let token = BigInt(tokens.start);
    let state = new ort.Tensor("float32", new Float32Array(stateSize), [1, stateSize]);
    let expected = 0;
    let written = 0;
    const notes = [];
    const timing = { probs: [], means: [] };
    for (let step = 0; step < this.steps; step++) {
      const out = await this.session.run({
        z: new ort.Tensor("float32", z, [1, z.length]),
        token: new ort.Tensor("int64", BigInt64Array.of(token), [1]),
        state,
        step: new ort.Tensor("int64", BigInt64Array.of(BigInt(step)), []),
      });
      state = out.next_state;
      const probs = out.token_probs.data;
      const pNote = Math.min(1, rule.density * (1 - probs[0]));
      let row = null;
      if (rule.temperature <= 0) {
        expected += pNote;
        if (expected - written >= 0.5) row = argmax(probs.subarray(1));
        written += row !== null ? 1 : 0;
      } else if (uniforms[step][0] < pNote) {
        row = this.row(probs.subarray(1), rule.temperature * tokens.pitch_temperature, uniforms[step][1]);
      }
      token = BigInt(row === null ? 0 : row + 1);
      if (row !== null) {
        notes.push({ step, row, velocity: out.velocity.data[row], duration: out.duration.data[row], offset: 0 });
        const classes = out.timing_probs.dims[2];
        timing.probs.push(out.timing_probs.data.subarray(row * classes, (row + 1) * classes));
        timing.means.push(out.timing_mean.data[row]);
      }
    }
    return { notes, timing };
  }

  /** The sampled row: the tempered probabilities without the unlikely tail (below pitch_min_p × the largest). */
  row(rowProbs, t, u) {
    const top = Math.max(...rowProbs); // the likeliest row's weight is 1: no power underflows to 0 alone
    const weights = Array.from(rowProbs, (p) => (p / top) ** (1 / t));
    const floor = this.sidecar.tokens.pitch_min_p * Math.max(...weights);
    const cumulative = runningSum(weights.map((w) => (w < floor ? 0 : w)));
    const atOrBelow = cumulative.filter((c) => c <= u * cumulative[cumulative.length - 1]).length;
    return Math.min(atOrBelow, cumulative.length - 1);
  }
}

/** `mvae-decoder-onnx/1`: one call per pattern, then generate's note choice from the cells' onset probabilities. */
export class PatternHost extends Host {
  static FORMAT = "mvae-decoder-onnx/1";

  async choose(z, rule) {
    const out = await this.session.run({ z: new this.ort.Tensor("float32", z, [1, z.length]) });
    const [, rows, steps] = out.onset.dims;
    const onset = Array.from({ length: rows }, (_, r) => Array.from(out.onset.data.subarray(r * steps, (r + 1) * steps)));
    let cells;
    if (rule.thresholdMin !== null || rule.thresholdMax !== null) cells = thresholded(onset, rule);
    else if (rule.poly) cells = poly(onset, rule);
    else cells = monophonic(onset, rule);
    const at = (name, row, step) => out[name].data[row * steps + step];
    const mse = "timeshift" in out; // the mse timing head: one offset per cell, nothing to draw
    const notes = cells.map(([row, step]) => ({
      step, row, velocity: at("velocity", row, step), duration: at("duration", row, step),
      offset: mse ? at("timeshift", row, step) : 0,
    }));
    if (mse) return { notes, timing: null };
    const classes = out.timing_probs.dims[2];
    return {
      notes,
      timing: {
        probs: notes.map((n) => out.timing_probs.data.subarray(n.step * classes, (n.step + 1) * classes)),
        means: notes.map((n) => out.timing_mean.data[n.step]),
      },
    };
  }
}

/** Generate's default: at most one note per step, at the loop's expected density. Returns [row, step] cells. */
function monophonic(onset, rule) {
  const steps = onset[0].length;
  const expected = Array.from({ length: steps }, (_, s) => Math.min(1, onset.reduce((sum, row) => sum + row[s], 0)));
  if (rule.temperature > 0) {
    const draws = expected.map(() => rule.random());
    const sounding = expected.map((_, s) => s).filter((s) => draws[s] < Math.min(1, rule.density * expected[s]));
    const rows = sounding.map((s) => {
      const top = Math.max(...onset.map((row) => row[s])); // a step sounds only with some p > 0
      const cumulative = runningSum(onset.map((row) => (row[s] / top) ** (1 / rule.temperature)));
      return Math.min(countBelow(cumulative, rule.random() * cumulative[cumulative.length - 1]), onset.length - 1);
    });
    return sounding.map((s, i) => [rows[i], s]);
  }
  const count = Math.min(steps, roundHalfEven(rule.density * numpySum(expected)));
  const chosen = highest(expected, count).sort((a, b) => a - b);
  return chosen.map((s) => [argmax(onset.map((row) => row[s])), s]);
}

/** --poly: any cells, at the loop's expected note count (cells in row-by-row order). */
function poly(onset, rule) {
  const flat = onset.flat();
  let sounding;
  if (rule.temperature > 0) {
    sounding = flat.map((p) => rule.random() < Math.min(1, rule.density * p));
  } else {
    const count = Math.min(flat.length, roundHalfEven(rule.density * numpySum(flat)));
    sounding = flat.map(() => false);
    for (const i of highest(flat, count)) sounding[i] = true;
  }
  return byStep(onset, (r, s) => sounding[r * onset[0].length + s]);
}

/** The ancestor's rule: cells within [thresholdMin, thresholdMax]; without poly, the most probable of each step. */
function thresholded(onset, rule) {
  const low = rule.thresholdMin ?? 0;
  const high = rule.thresholdMax ?? 1;
  const candidate = (r, s) => onset[r][s] >= low && onset[r][s] <= high;
  if (rule.poly) return byStep(onset, candidate);
  const cells = [];
  for (let s = 0; s < onset[0].length; s++) {
    const masked = onset.map((row, r) => (candidate(r, s) ? row[s] : -1));
    if (Math.max(...masked) >= 0) cells.push([argmax(masked), s]);
  }
  return cells;
}

const MIN_AUDIBLE_SECONDS = 0.02; // the least time between two different note starts, at most half a step (sidecar)
const SAME_TIME = 1e-9; // seconds: a start this close to the gap after a held one is that far, not nearer (no chord)

/**
 * `starts` of notes on grid `steps`, in order of start, then of step, each that would come less than `gap` after the
 * onset before it starting with it when both are of one step (a chord), else held back to exactly `gap` after it: the
 * sidecar's start rule, so that no note is cut into a click and a note never starts with one of an earlier step.
 */
function held(starts, steps, gap) {
  const onsets = starts.map((start, i) => [start, steps[i]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const at = new Map();
  let before = null; // the onset before: [its start, its step]
  for (const [start, step] of onsets) {
    const key = `${start} ${step}`;
    if (at.has(key)) continue;
    if (before === null) at.set(key, start);
    else if (step === before[1] && start < before[0] + gap - SAME_TIME) at.set(key, before[0]);
    else at.set(key, Math.max(start, before[0] + gap));
    before = [at.get(key), step];
  }
  return starts.map((start, i) => at.get(`${start} ${steps[i]}`));
}

/** The [row, step] cells where `isSet(row, step)`, ordered by step then row. */
function byStep(onset, isSet) {
  const cells = [];
  for (let s = 0; s < onset[0].length; s++) {
    for (let r = 0; r < onset.length; r++) if (isSet(r, s)) cells.push([r, s]);
  }
  return cells;
}

function runningSum(values) {
  let sum = 0;
  return values.map((v) => (sum += v));
}

function countBelow(sorted, value) {
  return sorted.filter((c) => c < value).length;
}

/** The index of the first largest value. */
function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The indices of the `count` largest values, the earlier index first among equals (numpy's stable argsort). */
function highest(values, count) {
  return values.map((v, i) => i).sort((a, b) => values[b] - values[a] || a - b).slice(0, count);
}

/** Python's round(): halves to the even neighbour. */
function roundHalfEven(x) {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

function round6(x) {
  return Math.round(x * 1e6) / 1e6;
}

/** numpy's sum of a float64 vector (pairwise, eight partial sums per block), so counts round as numpy's do. */
function numpySum(values, start = 0, n = values.length) {
  if (n < 8) {
    let sum = -0;
    for (let i = start; i < start + n; i++) sum += values[i];
    return sum;
  }
  if (n <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, n - half);
}

/**
 * The uniform numbers in [0, 1) that `mvae generate --seed seed` draws for its pattern `index` (0: a file's first, as
 * the hosts play it), bit for bit: numpy's `default_rng([seed, index]).random()`, a PCG64 generator seeded through
 * numpy's SeedSequence. Give it as `pattern`'s `random` to hear generate's loop; a new `seededRandom` per pattern,
 * since each call of the function it returns moves it on. `seed` and `index` are whole numbers >= 0 (BigInt too).
 */
export function seededRandom(seed, index = 0) {
  for (const [name, value] of [["seed", seed], ["index", index]]) {
    const whole = typeof value === "bigint" || Number.isSafeInteger(value);
    if (!whole || value < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${shown(value)}`);
  }
  const entropy = [...words32(BigInt(seed)), ...words32(BigInt(index))];
  const [seedHigh, seedLow, incrementHigh, incrementLow] = seedState(seedPool(entropy), 4);
  const increment = ((((incrementHigh << 64n) | incrementLow) << 1n) | 1n) & MASK128;
  let state = 0n;
  const advance = () => {
    state = (state * PCG_MULTIPLIER + increment) & MASK128;
  };
  advance(); // PCG's seeding: one step from 0, add the seed, one more step
  state = (state + ((seedHigh << 64n) | seedLow)) & MASK128;
  advance();
  return () => {
    advance();
    const xored = ((state >> 64n) ^ state) & MASK64; // PCG's XSL-RR output: high ^ low, rotated by the top 6 bits
    const rotation = state >> 122n;
    const bits = ((xored >> rotation) | (xored << ((64n - rotation) & 63n))) & MASK64;
    return Number(bits >> 11n) / 2 ** 53; // numpy's random(): the top 53 bits
  };
}

const MASK32 = 0xffffffffn;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = (2549297995355413924n << 64n) + 4865540595714422341n;
const POOL_WORDS = 4; // numpy's SeedSequence: its pool size and hash constants
const [INIT_A, MULT_A, INIT_B, MULT_B] = [0x43b0d7e5n, 0x931e8875n, 0x8b51f9ddn, 0x58f38dedn];
const [MIX_MULT_L, MIX_MULT_R] = [0xca01f9ddn, 0x4973f715n];

/** A whole number as numpy's SeedSequence takes it: 32-bit words, the lowest first (0 is one word). */
function words32(n) {
  const words = [];
  do {
    words.push(n & MASK32);
    n >>= 32n;
  } while (n > 0n);
  return words;
}

/** SeedSequence's entropy pool: `entropy` (32-bit words) hashed and mixed into 4 words. */
function seedPool(entropy) {
  let hashConst = INIT_A;
  const hashmix = (value) => {
    value = (value ^ hashConst) & MASK32;
    hashConst = (hashConst * MULT_A) & MASK32;
    value = (value * hashConst) & MASK32;
    return value ^ (value >> 16n);
  };
  const mix = (x, y) => {
    const result = (MIX_MULT_L * x - MIX_MULT_R * y) & MASK32;
    return result ^ (result >> 16n);
  };
  const pool = Array.from({ length: POOL_WORDS }, (_, i) => hashmix(entropy[i] ?? 0n));
  for (let src = 0; src < POOL_WORDS; src++) {
    for (let dst = 0; dst < POOL_WORDS; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = POOL_WORDS; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_WORDS; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  return pool;
}

/** SeedSequence's `generate_state(count, uint64)` from its pool. */
function seedState(pool, count) {
  let hashConst = INIT_B;
  const words = Array.from({ length: 2 * count }, (_, i) => {
    let value = (pool[i % POOL_WORDS] ^ hashConst) & MASK32;
    hashConst = (hashConst * MULT_B) & MASK32;
    value = (value * hashConst) & MASK32;
    return value ^ (value >> 16n);
  });
  return Array.from({ length: count }, (_, i) => words[2 * i] | (words[2 * i + 1] << 32n));
}

const TEMPO_RANGE = [4, 1000]; // the tempos in bpm `mvae generate --tempo` accepts, so the host takes what it takes
const FLOAT32_MAX = 3.4028234663852886e38; // the largest float32, the graph's input type

/**
 * What each value takes, in `mvae generate`'s words, in the order they are checked: a refusal reads
 * `NAME RULE, got VALUE`.
 */
const RULES = {
  density: "must be a finite number >= 0",
  temperature: "must be a finite number >= 0",
  timingTemperature: "must be a finite number >= 0",
  gridOffset: "must be a finite number >= 0",
  tempo: `must be between ${TEMPO_RANGE[0]} and ${TEMPO_RANGE[1]} bpm`,
  thresholdMin: "is an onset probability between 0 and 1",
  thresholdMax: "is an onset probability between 0 and 1",
  seed: "must be a whole number >= 0",
  z: "needs finite numbers (within ±3.4e+38)",
};
const NOT_GIVEN_IS_NULL = new Set(["thresholdMin", "thresholdMax", "seed"]); // null: a missing bound, new numbers

/** Whether the value `key` of RULES takes `value`. */
function accepts(key, value) {
  const isNumber = (v) => typeof v === "number";
  if (key === "z") return Array.isArray(value) && value.every((v) => isNumber(v) && Math.abs(v) <= FLOAT32_MAX);
  if (key === "seed") return (typeof value === "bigint" || Number.isSafeInteger(value)) && value >= 0;
  if (!isNumber(value)) return false;
  if (key === "tempo") return value >= TEMPO_RANGE[0] && value <= TEMPO_RANGE[1];
  if (key === "thresholdMin" || key === "thresholdMax") return value >= 0 && value <= 1;
  return Number.isFinite(value) && value >= 0;
}

/**
 * What is wrong with the given values (any keys of RULES; an absent or undefined one is not checked), in
 * `mvae generate`'s ranges and words, each value called name(key); null: nothing.
 */
function optionError(values, name = (key) => key) {
  for (const [key, rule] of Object.entries(RULES)) {
    const value = values[key];
    if (value === undefined || (NOT_GIVEN_IS_NULL.has(key) && value === null)) continue;
    if (!accepts(key, value)) return `${name(key)} ${rule}, got ${shown(value)}`;
  }
  const [low, high] = [values.thresholdMin ?? null, values.thresholdMax ?? null];
  if (low !== null && high !== null && low > high) {
    return `${name("thresholdMin")} (${low}) must not be above ${name("thresholdMax")} (${high})`;
  }
  return null;
}

/** Each method's options, and what its call looks like before them. */
const METHODS = {
  pattern: { options: ["density", "temperature", "timingTemperature", "poly", "thresholdMin", "thresholdMax", "random"],
    call: "pattern(z" },
  timed: { options: ["tempo", "gridOffset"], call: "timed(notes" },
};
const ALIASES = { bpm: "tempo" }; // the hosts' own name before 2026-12-07 (never released)

/**
 * Throws a TypeError naming an option of `options` that `method`'s (`pattern` or `timed`) are not: a misspelt one,
 * or the JSON API's `grid_offset`, was ignored, and the loop played with the default (at 120 bpm, on the learned
 * timing) without a word. The message names the option meant: the method's own (`grid_offset` is `gridOffset`,
 * `seed` is `random: seededRandom(seed)`, as the command line's `--seed`), or the other method's (`tempo` given to
 * `pattern` is `timed`'s).
 */
function checkOptionNames(options, method) {
  const known = METHODS[method].options;
  for (const [key, value] of Object.entries(options ?? {})) {
    if (known.includes(key)) continue;
    const meant = optionMeant(key, value, known);
    const other = Object.values(METHODS).find(({ options: its }) => its !== known && optionMeant(key, value, its));
    let hint = meant ? `; did you mean ${meant}?` : "";
    if (!meant && other) hint = `; that is an option of ${other.call}, { ${optionMeant(key, value, other.options)} })`;
    throw new TypeError(`unknown option ${JSON.stringify(key)}${hint} (options: ${known.join(", ")})`);
  }
}

/** The option of `known` meant by the unknown `key` (given `value`), or null: another spelling of one, an alias, or
 * `seed` for `random: seededRandom(seed)`. */
function optionMeant(key, value, known) {
  const squashed = (name) => name.toLowerCase().replace(/[_-]/g, "");
  if (squashed(key) === "seed" && known.includes("random")) return `random: seededRandom(${shown(value)})`;
  return known.find((name) => squashed(name) === squashed(key)) ?? (known.includes(ALIASES[key]) ? ALIASES[key] : null);
}

/** A refused value as a message shows it (numbers joined by commas, a string quoted, cut to 20 characters). */
function shown(value) {
  if (Array.isArray(value)) return value.join(",");
  return typeof value === "string" ? JSON.stringify(value.slice(0, 20)) : String(value);
}

// The command line. examples/onnx_host.py has the same one, word for word (tests/test_host_cli_*.py).

/** Every option of the command line, in the order the help lists them and the values are checked: the value it sets
 * (`key`: a RULES key or poly), what its value looks like (`metavar`; "": a switch), what it does, its default. */
const FLAGS = {
  "--z": { key: "z", metavar: "Z", about: "the latent point, latent_dim numbers: 0.5,-1 or 0.5 -1 (required)" },
  "--density": { key: "density", metavar: "D", about: "expected notes × this, >= 0", default: "1" },
  "--temperature": { key: "temperature", metavar: "T", about: "of the note choice, >= 0", default: "1" },
  "--timing-temperature": { key: "timingTemperature", metavar: "T", about: "of the offsets, >= 0", default: "1" },
  "--grid-offset": { key: "gridOffset", metavar: "G", about: "0 quantized, 1 as learned, >= 0", default: "1" },
  "--tempo": { key: "tempo", metavar: "BPM", about: `${TEMPO_RANGE[0]} to ${TEMPO_RANGE[1]} bpm`, default: "120" },
  "--seed": {
    key: "seed", metavar: "N",
    about: "of the random numbers, >= 0: mvae generate --seed N's first loop (default: new ones)",
  },
  "--poly": { key: "poly", metavar: "", about: "any number of notes per step (seed exports)" },
  "--threshold-min": {
    key: "thresholdMin", metavar: "P", about: "the ancestor's rule, an onset probability 0 to 1 (seed exports)",
  },
  "--threshold-max": {
    key: "thresholdMax", metavar: "P", about: "the ancestor's rule, an onset probability 0 to 1 (seed exports)",
  },
};
const OTHER_NAMES = { "--bpm": "--tempo" }; // names no spelling rule finds: the hosts' own before 2026-12-07
const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/; // as both hosts read it alike: no Infinity, hex
const WHOLE = /^[0-9]+$/; // a whole number as --seed takes it
const USAGE = "usage: node onnx_host.mjs decoder.onnx " + Object.entries(FLAGS)
  .map(([flag, f]) => (flag === "--z" ? `${flag} ${f.metavar}` : `[${`${flag} ${f.metavar}`.trim()}]`))
  .join(" ");
const DESCRIPTION =
  "Plays a file of `mvae export --onnx` (decoder.onnx, its sidecar decoder.json beside it) with onnxruntime and " +
  "nothing of mvae. Prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, step).";

/** --help: the usage, what the host does, and each option with what it takes and its default. */
function helpText() {
  const lines = Object.entries(FLAGS).map(
    ([flag, f]) =>
      `  ${`${flag} ${f.metavar}`.trim().padEnd(24)}${f.about}${f.default ? ` (default ${f.default})` : ""}`,
  );
  return `${USAGE}\n\n${DESCRIPTION}\n\noptions:\n${lines.join("\n")}\n  -h, --help              this help\n`;
}

/** A bad command line: one line that names the input and the fix. */
class UsageError extends Error {}

/**
 * The model file and the options' values (every key of FLAGS' flags; a value not given is its default) of `argv`.
 * UsageError for an unknown option, a missing or refused value, a second file.
 */
function parseArguments(argv) {
  let file = null;
  let poly = false;
  const texts = {};
  let i = 0;
  while (i < argv.length) {
    const word = argv[i++];
    const at = word.startsWith("--") ? word.indexOf("=") : -1;
    const [name, given] = at < 0 ? [word, false] : [word.slice(0, at), true];
    let inline = at < 0 ? "" : word.slice(at + 1);
    if (word.startsWith("-") && !NUMBER.test(word)) {
      if (!Object.hasOwn(FLAGS, name)) throw new UsageError(unknown(name));
      const flag = FLAGS[name];
      if (!flag.metavar) {
        if (given) throw new UsageError(`${name} takes no value; give ${name} alone`);
        poly = true;
        continue;
      }
      if (!given && (i === argv.length || argv[i].startsWith("--"))) {
        throw new UsageError(`${name} needs a value: ${name} ${flag.metavar}, ${flag.about}`);
      }
      if (!given) inline = argv[i++];
      while (name === "--z" && i < argv.length && NUMBER.test(argv[i])) inline = `${inline},${argv[i++]}`; // --z 0.5 -1
      texts[flag.key] = inline;
    } else if (file === null) file = word;
    else {
      throw new UsageError(`unexpected argument ${quoted(word)}: give one decoder.onnx, each option's value after it`);
    }
  }
  if (file === null) {
    throw new UsageError(
      "give decoder.onnx, the file `mvae export RUN --onnx decoder.onnx` writes (--help: the options)",
    );
  }
  if (!("z" in texts)) throw new UsageError("give --z, the latent point, e.g. --z 0.5,-1");
  const values = { poly };
  for (const f of Object.values(FLAGS)) if (f.key !== "poly") values[f.key] = read(f.key, f.default ?? "");
  for (const [flag, f] of Object.entries(FLAGS)) {
    if (!(f.key in texts)) continue;
    const text = texts[f.key];
    const value = read(f.key, text);
    if (value === null || !accepts(f.key, value)) {
      const rule = RULES[f.key] + (f.key === "z" ? " separated by commas, e.g. --z 0.5,-1" : "");
      throw new UsageError(`${flag} ${rule}, got ${value !== null ? text : quoted(text)}`);
    }
    values[f.key] = value;
  }
  const [low, high] = [values.thresholdMin, values.thresholdMax];
  if (low !== null && high !== null && low > high) {
    const [shownLow, shownHigh] = [texts.thresholdMin, texts.thresholdMax];
    throw new UsageError(`--threshold-min (${shownLow}) must not be above --threshold-max (${shownHigh})`);
  }
  return { file, values };
}

/** The value of option `key` written `text`, or null when it is not written as one. */
function read(key, text) {
  if (key === "z") {
    const pieces = text.split(","); // an empty piece (0.5,,1) is refused, as generate does
    return pieces.every((piece) => NUMBER.test(piece)) ? pieces.map(Number) : null;
  }
  if (key === "seed") return WHOLE.test(text) ? BigInt(text) : null;
  return NUMBER.test(text) ? Number(text) : null;
}

/** Text the command line was given, as a refusal shows it: in JSON's quotes, cut to 20 characters. */
function quoted(text) {
  return JSON.stringify(text.slice(0, 20));
}

/** The refusal of an option the command line does not have, with the one meant where one is close. */
function unknown(name) {
  const squashed = name.toLowerCase().replaceAll("_", "-");
  const meant = OTHER_NAMES[name] ?? (Object.hasOwn(FLAGS, squashed) ? squashed : null);
  const hint = meant ? `; did you mean ${meant}?` : "";
  return `unknown option ${quoted(name)}${hint} (options: ${Object.keys(FLAGS).join(", ")}, --help)`;
}

/** openNodeHost, with a bad file reported as a UsageError that says which file to pass. */
async function openFromCommandLine(file) {
  const { statSync } = await import("node:fs");
  const isFile = (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  const madeBy = "the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes";
  if (file.endsWith(".json")) {
    const model = file.replace(/\.json$/, ".onnx");
    throw new UsageError(`${file} is the sidecar; pass the model, ${model} (the host reads the sidecar beside it)`);
  }
  if (!isFile(file)) {
    throw new UsageError(`${file}: ${statSync(file, { throwIfNoEntry: false }) ? "not a file" : "no such file"}; ` +
      `pass ${madeBy}`);
  }
  if (!/\.onnx$/i.test(file)) { // a run's model.safetensors, a checkpoint: no sidecar to look for
    throw new UsageError(`${file}: not an ONNX export (its name would end in .onnx); pass ${madeBy}`);
  }
  const sidecar = sidecarOf(file);
  if (!isFile(sidecar)) {
    const what = statSync(sidecar, { throwIfNoEntry: false }) ? "not a file" : "no such file";
    const name = file.split(/[\\/]/).pop();
    throw new UsageError(`${sidecar}: ${what}; keep the sidecar \`mvae export --onnx\` writes beside ${name}`);
  }
  try {
    return await openNodeHost(file);
  } catch (error) {
    if (error instanceof MissingRuntime) throw new UsageError(error.message); // the installation: its command
    if (error instanceof BadSidecar) throw new UsageError(`${sidecar}: ${error.message}`);
    const reason = String(error.message).split("\n")[0];
    if (error instanceof SyntaxError) {
      throw new UsageError(`${sidecar}: not the sidecar of an mvae export (${reason}); ${MADE_BY}`);
    }
    throw new UsageError(`${file}: onnxruntime cannot load it (${reason}); pass ${madeBy}`);
  }
}

/** The notes the command line `argv` plays; UsageError for bad input. */
async function play(argv) {
  const { file, values } = parseArguments(argv);
  const host = await openFromCommandLine(file);
  if (values.z.length !== host.sidecar.latent_dim) {
    const wanted = host.sidecar.latent_dim;
    throw new UsageError(`--z needs ${wanted} numbers (the model's latent_dim), got ${values.z.length}`);
  }
  const { density, temperature, timingTemperature, poly, thresholdMin, thresholdMax } = values;
  const random = values.seed === null ? Math.random : seededRandom(values.seed); // generate's, --seed given
  const rule = { density, temperature, timingTemperature, poly, thresholdMin, thresholdMax, random };
  try {
    const notes = await host.pattern(values.z, rule);
    return host.timed(notes, { tempo: values.tempo, gridOffset: values.gridOffset });
  } catch (error) {
    throw error instanceof UnsupportedRule ? new UsageError(error.message) : error;
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(helpText());
    return;
  }
  let notes;
  try {
    notes = await play(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error; // a bug or the installation: its stack, exit 1
    console.error(`onnx_host.mjs: error: ${error.message}`);
    process.exit(2);
  }
  for (const note of notes) console.log(JSON.stringify(note));
}

/** Whether this file is the program Node.js runs (not a module imported by another, nor a page's script). */
async function isMain() {
  if (typeof process === "undefined" || !process.versions?.node || !process.argv[1]) return false;
  const [{ pathToFileURL }, { realpathSync }] = await Promise.all([import("node:url"), import("node:fs")]);
  return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
}

if (await isMain()) await main();
