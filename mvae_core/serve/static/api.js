// Thin wrappers over the `mvae serve` JSON API (same origin). Every failure is thrown as an
// Error whose message is fit for the status line: the server's {"error": ...} text when it sent one.

async function errorFrom(resp) {
  let message = `${resp.status} ${resp.statusText}`.trim();
  try {
    const body = await resp.json();
    if (body && body.error) message = body.error;
  } catch {
    // Not JSON: keep the HTTP status line.
  }
  return new Error(message);
}

// The server's /api/info served when the page loaded, MODEL.SETTINGS (engine.py's Engine.served): two digests, of
// what the page's dots, knobs and roll are built from (the run, its best epoch, latent_dim, the pitch window, the
// knobs' ranges) and of the server's other settings (--no-upload, --tempo's default). An answer from a server serving
// another MODEL is refused (see call); one with other SETTINGS is taken, and the page is told (settingsChanged).
let expected = null;
let settingsChanged = () => {};

const modelOf = (served) => served.split('.')[0];

// served: /api/info's; changed(served): called with an answer's served when only its SETTINGS differ.
export function expectServed(served, changed = settingsChanged) {
  expected = served;
  settingsChanged = changed;
}

// The answer to a request, checked: an Error with `unreachable` set when it never reached the server (it may be sent
// again as it was: the server stopped, or the network is gone), with `changed` set when the server now serves
// another model than expectServed's (any answer, a refusal too, says which it serves; unless anyModel), or the
// server's refusal, with `again` set for a 503 (the machine ran out of memory making it: the same request may
// succeed once memory is freed). An answer for the same model with other settings is told to expectServed's changed.
async function call(path, options, { anyModel = false } = {}) {
  let resp;
  try {
    resp = await fetch(path, options);
  } catch {
    throw Object.assign(new Error(`server unreachable (${path})`), { unreachable: true });
  }
  const served = resp.headers.get('X-Mvae-Served');
  if (expected && !anyModel && served && served !== expected) {
    if (modelOf(served) !== modelOf(expected)) {
      throw Object.assign(new Error('the server now serves another model'), { changed: true });
    }
    settingsChanged(served);
  }
  if (!resp.ok) throw Object.assign(await errorFrom(resp), { again: resp.status === 503 });
  return resp;
}

function postJSON(body) {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

// The server's /api/info, whichever model it serves.
export async function getInfo() {
  return (await call('/api/info', {}, { anyModel: true })).json();
}

// {midi_clock}: /api/info's midi_clock ({input, state, tempo}, null without --midi-clock-in), without the points.
export async function getClock() {
  return (await call('/api/midi_clock')).json();
}

// {ready, files, points, note}: the training loops' dots, once the server has encoded them.
export async function getPoints() {
  return (await call('/api/points')).json();
}

// params: {z, seed, density, temperature, timing_temperature, grid_offset, tempo}
export async function generate(params) {
  return (await call('/api/generate', postJSON(params))).json();
}

// Sends a MIDI file's raw bytes; answers {file, loops: [{loop, notes, z, bpm}, ...]} (file: the name sent).
export async function encodeMidi(bytes, filename) {
  const headers = { 'Content-Type': 'audio/midi' };
  // Header values must be ISO-8859-1 (fetch throws on others): the name goes percent-encoded from UTF-8, which the
  // server decodes, so its answer and its errors name the file as the musician named it (Mélodie été 1.mid).
  if (filename) headers['X-Filename'] = encodeURIComponent(filename);
  return (await call('/api/encode', { method: 'POST', headers, body: bytes })).json();
}

// kind: 'midi' | 'wav'. Answers {blob, filename}; filename from Content-Disposition when present. A WAV is
// exactly the loop's length (the release wrapped onto its start), as the MIDI file is, so a DAW loops both.
export async function render(kind, params) {
  const query = kind === 'wav' ? '?wrap_release=true' : '';
  const resp = await call(`/api/${kind}${query}`, postJSON(params));
  return { blob: await resp.blob(), filename: attachmentName(resp.headers.get('Content-Disposition')) };
}

function attachmentName(disposition) {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Malformed percent-encoding: fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}
