// The XY pad: a canvas over the latent plane [-extent, extent]² (dims 0 and 1), showing the training
// loops' encodings, dropped files' loops, the A–B walk line and the current point.
//
// Pixel ↔ z mapping, in CSS pixels of the canvas's bounding box (the canvas has no border or padding;
// px, py measured from its top-left corner, width/height its bounding box size):
//   z0 = -extent + 2 * extent * (px / width)
//   z1 =  extent - 2 * extent * (py / height)
// and z is rounded to 3 decimals (round3) before it is used or sent.

const FILE_PALETTE = [
  '#4e9fe5', '#f28e2b', '#59c26b', '#e8575a', '#b07ee0',
  '#e6c440', '#45c4c0', '#f07fb7', '#a8a05a', '#9aa6b2',
];
// Sequential ramp for "notes per loop": dark violet → blue → teal → green → yellow.
const RAMP = [[68, 24, 96], [58, 82, 160], [33, 145, 140], [94, 200, 98], [246, 226, 60]];
const HOVER_RADIUS = 8;  // px: hovering this close to a training dot names it
const EDGE_INSET = 8;  // px: a marker for a point beyond the pad sits this far inside its edge
const AXIS_LABEL_HEIGHT = 12;  // px: the height an axis label (11 px text) takes, its background patch around it
const LABEL_HALF_HEIGHT = 6;  // px: half the height a dropped loop's label takes (10 px text), for overlaps
// Arrow keys on the focused pad move the point by KEY_STEP in z (a tenth of the prior's σ: a close variation of the
// loop), with Shift by KEY_STEP_BIG (half a σ: a different loop); Home goes back to the centre.
const KEY_STEP = 0.1;
const KEY_STEP_BIG = 0.5;
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

// Rounds like Python's round(v, 3): the correctly rounded decimal, exact ties to the even digit.
// (Exact ties at 3 decimals are the odd multiples of 1/16; toFixed would round those away from 0.)
export function round3(v) {
  const sixteenths = v * 16;
  if (Number.isInteger(sixteenths) && Math.abs(sixteenths) % 2 === 1) {
    const lo = Math.floor(v * 1000);
    return (lo % 2 === 0 ? lo : lo + 1) / 1000;
  }
  const r = Number(v.toFixed(3));
  return r === 0 ? 0 : r;  // no "-0"
}

// One arrow-key step of coordinate v by d within [-extent, extent]: a step outwards stops at the edge, and a
// point already beyond it (a dropped file's loop) is not moved further out.
export function keyStep(v, d, extent) {
  if (d > 0) return v >= extent ? v : round3(Math.min(v + d, extent));
  return v <= -extent ? v : round3(Math.max(v + d, -extent));
}

// Where a point is drawn: z itself inside the pad; beyond its ±extent (a dropped file's loop, a point jumped to),
// on the pad's edge where the line from the origin to z leaves it. Returns [zDrawn, beyond].
export function onPad(z, extent) {
  const over = Math.max(Math.abs(z[0]), Math.abs(z[1])) / extent;
  return over <= 1 ? [z, false] : [[z[0] / over, z[1] / over], true];
}

export function fileColor(index) {
  return FILE_PALETTE[((index % FILE_PALETTE.length) + FILE_PALETTE.length) % FILE_PALETTE.length];
}

// t in [0, 1] → colour on the sequential ramp.
export function rampColor(t) {
  const x = Math.min(Math.max(t, 0), 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(x), RAMP.length - 2);
  const f = x - i;
  const c = RAMP[i].map((v, k) => Math.round(v + (RAMP[i + 1][k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

// Nice grid spacing for the axes: about four lines per half axis.
function gridStep(extent) {
  return [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50].find((s) => s >= extent / 4) || extent / 4;
}

export class Pad {
  // handlers: onPick(z, {drag}) for click/drag (drag: part of a continuous move, as an arrow key's is),
  // onPickB(z) for shift-click, onHover(z, point|null).
  constructor(canvas, handlers) {
    this.canvas = canvas;
    this.handlers = handlers;
    this.extent = 3;
    this.points = [];
    this.colorMode = 'file';
    this.notesRange = [0, 1];
    this.current = [0, 0];
    this.a = null;
    this.b = null;
    this.walkSteps = 8;
    this.fileLoops = [];
    this.labelsDrawn = [];  // the dropped loops' labels as drawn: {text, left, right, top, bottom} (a test hook)
    this.axisLabels = [];  // the axes' labels as drawn, in the same form (a test hook)
    this.base = document.createElement('canvas');  // cached static layer: grid, axes, dots
    this.dragging = false;
    this.listen();
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  setData(extent, points) {
    this.extent = extent;
    this.canvas.setAttribute('aria-valuemin', String(-extent));
    this.canvas.setAttribute('aria-valuemax', String(extent));
    this.points = points;
    const counts = points.map((p) => p.notes);
    this.notesRange = counts.length ? [Math.min(...counts), Math.max(...counts)] : [0, 1];
    this.resize();
  }

  setColorMode(mode) {
    this.colorMode = mode;
    this.drawBase();
    this.draw();
  }

  // Setters for the overlay; each redraws.
  set(fields) {
    Object.assign(this, fields);
    this.draw();
  }

  // Client coordinates → z (rounded), using the mapping documented at the top of this file.
  zAt(clientX, clientY) {
    const rect = this.canvas.getBoundingClientRect();
    const px = Math.min(Math.max(clientX - rect.left, 0), rect.width);
    const py = Math.min(Math.max(clientY - rect.top, 0), rect.height);
    const e = this.extent;
    return [round3(-e + 2 * e * (px / rect.width)), round3(e - 2 * e * (py / rect.height))];
  }

  // z → canvas CSS pixels (the inverse mapping, for drawing).
  toPx([z0, z1]) {
    const e = this.extent;
    return [((z0 + e) / (2 * e)) * this.width, ((e - z1) / (2 * e)) * this.height];
  }

  listen() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      // preventDefault also keeps the pad from taking the focus: it takes it itself, so that the arrow keys then
      // nudge the clicked point (without a focus ring, which is for the keyboard)
      ev.preventDefault();
      c.focus({ preventScroll: true, focusVisible: false });
      const z = this.zAt(ev.clientX, ev.clientY);
      if (ev.shiftKey) {
        this.handlers.onPickB(z);
        return;
      }
      this.dragging = true;
      c.setPointerCapture(ev.pointerId);
      this.handlers.onPick(z, { drag: false });
    });
    c.addEventListener('pointermove', (ev) => {
      const z = this.zAt(ev.clientX, ev.clientY);
      if (this.dragging) this.handlers.onPick(z, { drag: true });
      this.handlers.onHover(z, this.nearestPoint(ev));
    });
    const end = () => { this.dragging = false; };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    const leave = () => { if (!this.dragging) this.handlers.onHover(null, null); };
    c.addEventListener('pointerleave', leave);
    c.addEventListener('blur', leave);  // the keyboard's readout (onKey) goes with the focus
    c.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  // Arrow keys (Shift: further) and Home on the focused pad; the page does not scroll.
  onKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    let z;
    if (ev.key === 'Home') {
      z = [0, 0];
    } else if (ARROWS[ev.key]) {
      const step = ARROWS[ev.key].map((sign) => sign * (ev.shiftKey ? KEY_STEP_BIG : KEY_STEP));
      z = this.current.map((v, k) => (step[k] ? keyStep(v, step[k], this.extent) : v));
    } else {
      return;
    }
    ev.preventDefault();
    this.handlers.onPick(z, { drag: true });
    this.handlers.onHover(z, this.pointNear(z));  // the keyboard's hover: names a training loop the point is on
  }

  nearestPoint(ev) {
    const rect = this.canvas.getBoundingClientRect();
    return this.nearestTo(ev.clientX - rect.left, ev.clientY - rect.top);
  }

  // The training point drawn within HOVER_RADIUS of point z, or null: what a hover there would name.
  pointNear(z) {
    return this.width ? this.nearestTo(...this.toPx(z)) : null;
  }

  // The training point drawn nearest to canvas pixel (x, y), within HOVER_RADIUS, or null.
  nearestTo(x, y) {
    let best = null;
    let bestD = HOVER_RADIUS ** 2;
    for (const p of this.points) {
      const [px, py] = this.toPx(p.z);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d <= bestD) {
        best = p;
        bestD = d;
      }
    }
    return best;
  }

  // Matches the backing store to the CSS size × devicePixelRatio, then redraws both layers.
  resize() {
    const rect = this.canvas.getBoundingClientRect();
    if (!rect.width) return;
    const dpr = window.devicePixelRatio || 1;
    this.width = rect.width;
    this.height = rect.height;
    for (const cv of [this.canvas, this.base]) {
      cv.width = Math.round(rect.width * dpr);
      cv.height = Math.round(rect.height * dpr);
    }
    this.dpr = dpr;
    this.drawBase();
    this.draw();
  }

  pointColor(p) {
    if (this.colorMode === 'file') return fileColor(p.file);
    const [lo, hi] = this.notesRange;
    return rampColor(hi > lo ? (p.notes - lo) / (hi - lo) : 0.5);
  }

  // Static layer: background, grid, prior circles, axes with labels, training dots.
  drawBase() {
    if (!this.width) return;
    const g = this.base.getContext('2d');
    const { width: w, height: h, extent: e } = this;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.fillStyle = '#0e1317';
    g.fillRect(0, 0, w, h);

    const step = gridStep(e);
    g.lineWidth = 1;
    g.strokeStyle = '#1c252c';
    g.beginPath();
    for (let v = Math.ceil(-e / step) * step; v <= e + 1e-9; v += step) {
      const [x, y] = this.toPx([v, v]);
      g.moveTo(Math.round(x) + 0.5, 0);
      g.lineTo(Math.round(x) + 0.5, h);
      g.moveTo(0, Math.round(y) + 0.5);
      g.lineTo(w, Math.round(y) + 0.5);
    }
    g.stroke();

    // Prior N(0, I): 1σ and 2σ circles, faint and dashed.
    const [ox, oy] = this.toPx([0, 0]);
    g.setLineDash([3, 4]);
    g.strokeStyle = '#26333c';
    for (const r of [1, 2]) {
      g.beginPath();
      g.arc(ox, oy, (r / (2 * e)) * w, 0, 2 * Math.PI);
      g.stroke();
    }
    g.setLineDash([]);

    // Origin crosshair (the axes).
    g.strokeStyle = '#3a4a56';
    g.beginPath();
    g.moveTo(0, Math.round(oy) + 0.5);
    g.lineTo(w, Math.round(oy) + 0.5);
    g.moveTo(Math.round(ox) + 0.5, 0);
    g.lineTo(Math.round(ox) + 0.5, h);
    g.stroke();

    const radius = this.points.length > 1000 ? 2 : 2.6;
    g.globalAlpha = 0.8;
    for (const p of this.points) {
      const [x, y] = this.toPx(p.z);
      g.fillStyle = this.pointColor(p);
      g.beginPath();
      g.arc(x, y, radius, 0, 2 * Math.PI);
      g.fill();
    }
    g.globalAlpha = 1;
    this.drawAxisLabels(g, ox, oy);
  }

  // The axes' names and the pad's ends, over the dots on a patch of background: drawn under them, a dense cloud of
  // training loops (near the top of the z1 axis, say) hid them.
  drawAxisLabels(g, ox, oy) {
    const { width: w, height: h, extent: e } = this;
    const color = getComputedStyle(this.canvas).color;  // the canvas's CSS colour (style.css)
    g.font = '11px system-ui, sans-serif';
    const label = (text, x, y, align, baseline) => {
      g.textAlign = align;
      g.textBaseline = baseline;
      const width = g.measureText(text).width;
      const left = align === 'right' ? x - width : x;
      const top = baseline === 'top' ? y : y - AXIS_LABEL_HEIGHT;
      const box = { left: left - 2, top: top - 1, right: left + width + 2, bottom: top + AXIS_LABEL_HEIGHT + 1 };
      g.fillStyle = '#0e1317';
      g.fillRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
      g.fillStyle = color;
      g.fillText(text, x, y);
      this.axisLabels.push({ text, ...box });
    };
    this.axisLabels = [];
    label('z0 →', w - 6, oy - 4, 'right', 'bottom');
    label('↑ z1', ox + 6, 5, 'left', 'top');
    label(String(-e), 4, h - 3, 'left', 'bottom');
    label(String(e), w - 4, h - 3, 'right', 'bottom');
    label(String(e), 4, 4, 'left', 'top');
  }

  // Full frame: the cached base plus the overlay (file loops, A–B line, current point).
  draw() {
    if (!this.width) return;
    const g = this.canvas.getContext('2d');
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(this.base, 0, 0);
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    this.drawFileLoops(g);
    this.drawWalkLine(g);
    this.drawCurrent(g);
  }

  drawFileLoops(g) {
    g.lineWidth = 1.5;
    g.font = '10px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const labels = this.fileLabels(g);
    for (const { x, y, beyond } of labels) {
      g.strokeStyle = '#ffd166';
      g.fillStyle = 'rgba(255, 209, 102, 0.18)';
      g.setLineDash(beyond ? [2, 2] : []);
      g.beginPath();
      g.moveTo(x, y - 6);
      g.lineTo(x + 6, y);
      g.lineTo(x, y + 6);
      g.lineTo(x - 6, y);
      g.closePath();
      g.fill();
      g.stroke();
    }
    g.setLineDash([]);
    g.fillStyle = '#ffd166';
    for (const { at, y, leftwards, text } of labels) {
      g.textAlign = leftwards ? 'right' : 'left';
      g.fillText(text, at, y);
    }
    this.labelsDrawn = labels.map(({ text, box }) => ({ text, ...box }));
  }

  // Where each dropped loop's marker and label go: the label is the loop's number, and for a loop beyond the pad
  // also its point, unless that longer label would run into another label (the loops of a file beyond one side of
  // the pad pile up on its edge, and their long labels were drawn over each other, unreadable).
  fileLabels(g) {
    const labels = this.fileLoops.map((l) => {
      const [drawn, beyond] = onPad(l.z, this.extent);
      const [x, y] = this.inset(this.toPx(drawn), EDGE_INSET);
      const gap = beyond ? 18 : 8;  // clear of the current point's marker, which jumps there
      const leftwards = x > this.width / 2;  // a label near the right edge reads leftwards
      return { x, y, beyond, leftwards, at: x + (leftwards ? -gap : gap), text: String(l.loop), z: l.z };
    });
    const box = ({ at, y, leftwards }, text) => {
      const width = g.measureText(text).width;
      const left = leftwards ? at - width : at;
      return { left, right: left + width, top: y - LABEL_HALF_HEIGHT, bottom: y + LABEL_HALF_HEIGHT };
    };
    const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (const label of labels) label.box = box(label, label.text);
    for (const label of labels) {
      if (!label.beyond) continue;
      const text = `${label.text} · beyond the pad (${label.z[0].toFixed(1)}, ${label.z[1].toFixed(1)})`;
      const long = box(label, text);
      if (labels.every((other) => other === label || !meets(long, other.box))) {
        Object.assign(label, { text, box: long });
      }
    }
    return labels;
  }

  // Canvas pixels moved at most `margin` px inside the pad, so a marker on its edge is drawn whole.
  inset([x, y], margin) {
    return [Math.min(Math.max(x, margin), this.width - margin), Math.min(Math.max(y, margin), this.height - margin)];
  }

  drawWalkLine(g) {
    const ends = [['A', this.a], ['B', this.b]].filter(([, z]) => z);
    if (this.a && this.b) {
      const [ax, ay] = this.toPx(this.a);
      const [bx, by] = this.toPx(this.b);
      g.strokeStyle = 'rgba(230, 237, 243, 0.55)';
      g.lineWidth = 1.5;
      g.setLineDash([5, 4]);
      g.beginPath();
      g.moveTo(ax, ay);
      g.lineTo(bx, by);
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = 'rgba(230, 237, 243, 0.8)';
      const n = Math.max(this.walkSteps, 2);
      for (let i = 1; i < n - 1; i++) {
        const f = i / (n - 1);
        g.beginPath();
        g.arc(ax + (bx - ax) * f, ay + (by - ay) * f, 2, 0, 2 * Math.PI);
        g.fill();
      }
    }
    g.font = 'bold 11px system-ui, sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (const [label, z] of ends) {  // A or B captured beyond the pad (at a dropped loop there): on its edge
      const [x, y] = this.inset(this.toPx(onPad(z, this.extent)[0]), EDGE_INSET);
      g.fillStyle = '#e6edf3';
      g.beginPath();
      g.arc(x, y, 8, 0, 2 * Math.PI);
      g.fill();
      g.fillStyle = '#0e1317';
      g.fillText(label, x, y + 0.5);
    }
  }

  drawCurrent(g) {
    const [x, y] = this.inset(this.toPx(onPad(this.current, this.extent)[0]), EDGE_INSET);
    g.strokeStyle = '#ffffff';
    g.lineWidth = 2;
    g.beginPath();
    g.arc(x, y, 7, 0, 2 * Math.PI);
    g.stroke();
    g.strokeStyle = 'rgba(255, 255, 255, 0.7)';
    g.lineWidth = 1;
    g.beginPath();
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      g.moveTo(x + dx * 10, y + dy * 10);
      g.lineTo(x + dx * 15, y + dy * 15);
    }
    g.stroke();
    g.fillStyle = '#ff4f8b';
    g.beginPath();
    g.arc(x, y, 3, 0, 2 * Math.PI);
    g.fill();
  }
}
