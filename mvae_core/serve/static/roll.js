// The piano roll: one loop on a step grid (step, beat and bar lines), one row per pitch, each note a bar
// from its real start to its end. A tick marks the grid step a note belongs to; the bar's colour shows
// how far it is pushed off that step (early = blue, on grid = grey, late = red), its brightness the
// velocity. After every draw the canvas carries data-notes = JSON [[pitch, start, end, velocity], ...]
// (the pattern's numbers, in its order) and data-loop-seconds.

const GUTTER = 38;      // px at the left for note names
const HEADER = 16;      // px at the top for bar numbers
const MIN_ROWS = 13;    // show at least an octave
const BACKGROUND = '#0e1317';  // the canvas's background, behind the header's labels
const LABEL_PAD = 4;    // px of background either side of a label drawn over the header
const NOTE_NAMES = ['C', 'C♯', 'D', 'D♯', 'E', 'F', 'F♯', 'G', 'G♯', 'A', 'A♯', 'B'];
const ON_GRID = 0.03;   // |offset| below this fraction of a step counts as on the grid
const FULL_OFF = 0.5;   // |offset| at which the colour is fully blue/red (half a step)

export function noteName(pitch) {
  return `${NOTE_NAMES[pitch % 12]}${Math.floor(pitch / 12) - 1}`;
}

// The loop in words, for a screen reader (the roll's accessible name): its notes in the order they sound.
function describeLoop(pattern) {
  const notes = [...pattern.notes].sort((a, b) => a.start - b.start);
  const seconds = `${pattern.loop_seconds.toFixed(2)} s`;
  if (!notes.length) return `Piano roll: no notes in ${seconds}`;
  const n = notes.length;
  return `Piano roll: ${n} note${n === 1 ? '' : 's'} in ${seconds}: ${notes.map((x) => noteName(x.pitch)).join(', ')}`;
}

function isBlackKey(pitch) {
  return [1, 3, 6, 8, 10].includes(pitch % 12);
}

// Offset from the grid step, in steps (negative = early).
function stepOffset(note, stepSeconds) {
  return stepSeconds > 0 ? (note.start - note.step * stepSeconds) / stepSeconds : 0;
}

// grey on grid, mixing towards blue (early) or red (late) up to FULL_OFF.
function offsetColor(off) {
  const grey = [150, 160, 170];
  if (Math.abs(off) < ON_GRID) return grey;
  const target = off < 0 ? [70, 160, 255] : [255, 85, 85];
  const f = Math.min(Math.abs(off) / FULL_OFF, 1) * 0.8 + 0.2;
  return grey.map((v, k) => Math.round(v + (target[k] - v) * f));
}

export class Roll {
  constructor(canvas) {
    this.canvas = canvas;
    this.base = document.createElement('canvas');  // the roll without playhead, redrawn per pattern
    this.steps = 32;
    this.stepsPerBeat = 4;
    this.fallbackRange = [60, 72];
    this.pattern = null;
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  setGrid(steps, stepsPerBeat, pitchLow, pitchClasses) {
    this.steps = steps;
    this.stepsPerBeat = stepsPerBeat;
    this.fallbackRange = [pitchLow, pitchLow + pitchClasses - 1];
  }

  setPattern(pattern) {
    this.pattern = pattern;
    const notes = pattern.notes.map((n) => [n.pitch, n.start, n.end, n.velocity]);
    this.canvas.dataset.notes = JSON.stringify(notes);
    this.canvas.setAttribute('aria-label', describeLoop(pattern));
    this.canvas.dataset.loopSeconds = String(pattern.loop_seconds);
    this.drawBase();
    this.frame(null);
  }

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    if (!rect.width) return;
    this.dpr = window.devicePixelRatio || 1;
    this.width = rect.width;
    this.height = rect.height;
    for (const cv of [this.canvas, this.base]) {
      cv.width = Math.round(rect.width * this.dpr);
      cv.height = Math.round(rect.height * this.dpr);
    }
    this.drawBase();
    this.frame(null);
  }

  // Pitch rows shown: the notes' range plus a row of margin, at least MIN_ROWS, highest first.
  pitchRange() {
    const notes = this.pattern ? this.pattern.notes : [];
    let [lo, hi] = notes.length
      ? [Math.min(...notes.map((n) => n.pitch)) - 1, Math.max(...notes.map((n) => n.pitch)) + 1]
      : this.fallbackRange;
    while (hi - lo + 1 < MIN_ROWS) {
      hi += 1;
      if (hi - lo + 1 < MIN_ROWS) lo -= 1;
    }
    return [lo, hi];
  }

  // Layout of the plot area, shared by drawing and hit-testing.
  layout() {
    const [lo, hi] = this.pitchRange();
    const plotW = this.width - GUTTER - 4;
    const rowH = (this.height - HEADER - 2) / (hi - lo + 1);
    const loopSeconds = this.pattern ? this.pattern.loop_seconds : 1;
    return {
      lo, hi, rowH,
      xOfStep: (s) => GUTTER + (s / this.steps) * plotW,
      xOfTime: (t) => GUTTER + (t / loopSeconds) * plotW,
      yOfPitch: (p) => HEADER + (hi - p) * rowH,
      plotW,
    };
  }

  drawBase() {
    if (!this.width) return;
    const g = this.base.getContext('2d');
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.fillStyle = BACKGROUND;
    g.fillRect(0, 0, this.width, this.height);
    const L = this.layout();
    this.drawRows(g, L);
    this.drawGridLines(g, L);
    if (this.pattern) this.drawNotes(g, L);
  }

  // The small labels (note names, beat numbers) are drawn in the canvas's CSS colour (style.css).
  labelColor() {
    return getComputedStyle(this.canvas).color;
  }

  drawRows(g, L) {
    const label = this.labelColor();
    g.font = '10px system-ui, sans-serif';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let p = L.lo; p <= L.hi; p++) {
      const y = L.yOfPitch(p);
      g.fillStyle = isBlackKey(p) ? '#0b0f12' : '#131a1f';
      g.fillRect(GUTTER, y, L.plotW, L.rowH);
      if (L.rowH >= 9 || p % 12 === 0) {
        g.fillStyle = p % 12 === 0 ? '#c9d4dc' : label;
        g.fillText(noteName(p), GUTTER - 5, y + L.rowH / 2);
      }
    }
  }

  drawGridLines(g, L) {
    const label = this.labelColor();
    const bar = this.stepsPerBeat * 4;
    const bottom = L.yOfPitch(L.lo) + L.rowH;
    g.font = '10px system-ui, sans-serif';
    g.textAlign = 'left';
    g.textBaseline = 'top';
    for (let s = 0; s <= this.steps; s++) {
      const x = Math.round(L.xOfStep(s)) + 0.5;
      const isBar = s % bar === 0;
      const isBeat = s % this.stepsPerBeat === 0;
      g.strokeStyle = isBar ? '#5b6b77' : isBeat ? '#2c3842' : '#19222a';
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(x, HEADER);
      g.lineTo(x, bottom);
      g.stroke();
      if (isBar && s < this.steps) {
        g.fillStyle = '#8c9ba6';
        g.fillText(`bar ${s / bar + 1}`, x + 3, 2);
      } else if (isBeat && s < this.steps) {
        g.fillStyle = label;
        g.fillText(String((s % bar) / this.stepsPerBeat + 1), x + 3, 3);
      }
    }
  }

  drawNotes(g, L) {
    const { step_seconds: stepSeconds } = this.pattern;
    for (const n of this.pattern.notes) {
      const y = L.yOfPitch(n.pitch);
      const x0 = L.xOfTime(n.start);
      const x1 = Math.max(L.xOfTime(n.end), x0 + 2);
      const gridX = L.xOfStep(n.step);
      const [r, gr, b] = offsetColor(stepOffset(n, stepSeconds));
      const alpha = 0.45 + 0.55 * (n.velocity / 127);
      const inset = Math.min(1.5, L.rowH * 0.15);

      g.fillStyle = `rgba(${r}, ${gr}, ${b}, ${alpha})`;
      g.fillRect(x0, y + inset, x1 - x0, L.rowH - 2 * inset);
      g.fillStyle = `rgb(${r}, ${gr}, ${b})`;
      g.fillRect(x0, y + inset, 1.5, L.rowH - 2 * inset);  // bright onset edge

      // Grid tick: where the note would start if quantized, joined to the real start.
      g.strokeStyle = '#e6edf3';
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(Math.round(gridX) + 0.5, y - 2);
      g.lineTo(Math.round(gridX) + 0.5, y + L.rowH + 2);
      if (Math.abs(x0 - gridX) >= 1) {
        g.moveTo(gridX, y + L.rowH / 2);
        g.lineTo(x0, y + L.rowH / 2);
      }
      g.stroke();
    }
  }

  // One animation frame: the base layer plus a playhead at frac ∈ [0, 1) (null: none). `stale` means
  // the loop sounding is not the one drawn (the drawn one takes over at the next loop boundary).
  frame(frac, stale = false) {
    if (!this.width) return;
    const g = this.canvas.getContext('2d');
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(this.base, 0, 0);
    if (frac === null) return;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const L = this.layout();
    const x = GUTTER + frac * L.plotW;
    g.strokeStyle = stale ? 'rgba(255, 209, 102, 0.6)' : 'rgba(255, 255, 255, 0.85)';
    g.lineWidth = 1.5;
    g.setLineDash(stale ? [4, 4] : []);
    g.beginPath();
    g.moveTo(x, HEADER);
    g.lineTo(x, this.height);
    g.stroke();
    g.setLineDash([]);
    if (stale) {
      const text = 'takes over at the next loop';
      const right = this.width - 6;
      g.font = '10px system-ui, sans-serif';
      g.textAlign = 'right';
      g.textBaseline = 'top';
      // on the header's background: the beat and bar numbers under it would show through its letters
      const width = g.measureText(text).width;
      g.fillStyle = BACKGROUND;
      g.fillRect(right - width - LABEL_PAD, 0, width + 2 * LABEL_PAD, HEADER);
      g.fillStyle = 'rgba(255, 209, 102, 0.9)';
      g.fillText(text, right, 3);
    }
  }

  // The note under client coordinates (its bar or its grid tick), or null.
  noteAt(clientX, clientY) {
    if (!this.pattern) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    const L = this.layout();
    return this.pattern.notes.find((n) => {
      const top = L.yOfPitch(n.pitch);
      if (y < top || y > top + L.rowH) return false;
      const x0 = Math.min(L.xOfTime(n.start), L.xOfStep(n.step)) - 2;
      return x >= x0 && x <= Math.max(L.xOfTime(n.end), x0 + 4);
    }) || null;
  }
}
