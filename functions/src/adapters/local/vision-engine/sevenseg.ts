// A classical reader for seven-segment LCDs (fuel pumps, electronic meters): PP-OCR reads
// their segmented, slanted digits poorly (eval/meters: "18400" for 184.06, or nothing).
// Steps: find the display (a large, dark, filled, landscape panel in a lighter frame),
// take as ink what is clearly darker than its neighbourhood, undo the italic slant, cut
// digit cells at empty columns, and read each cell as the digit whose segment pattern is
// nearest to the ink in its seven zones. The number is the longest run of decoded cells;
// its confidence falls with a poorly fitting or ambiguous digit, and drops to
// IRREGULAR_CONFIDENCE when the digits are off one pitch or a digit-sized mark between them
// does not decode. Thresholds were read off eval/meters' tune photos.
import { clamp01 } from "./detection";
import { components, type Component } from "./morphology";
import type { GreyImage } from "./raster";

export interface SevenSegmentRead {
  /** Digits with the decimal point where the display shows one ("139.57"). */
  text: string;
  confidence: number;
  /**
   * Whether the digits stand at one pitch with no undecodable digit-sized mark between
   * them, as on a display; when not, the read may be of something else (a drum register).
   */
  regular: boolean;
  /** The digits' bounds, in the pixels of the image given. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

/** Segment order a b c d e f g (top, upper right, lower right, bottom, lower left, upper left, middle). */
const PATTERNS: Record<string, string> = {
  "1111110": "0",
  "0110000": "1",
  "1101101": "2",
  "1111001": "3",
  "0110011": "4",
  "1011011": "5",
  "1011111": "6",
  "0011111": "6",
  "1110000": "7",
  "1110010": "7",
  "1111111": "8",
  "1111011": "9",
  "1110011": "9",
};

/** Ink share of a zone at which its segment is half lit (twice this: fully lit). */
const SEGMENT_ON = 0.25;
/** A narrow cell is a "1" when ink runs down this share of the band's rows (its two segments and the gaps around them). */
const ONE_MIN_COVER = 0.7;
/** A cell further than this (in whole segments) from every digit's pattern is not a digit. */
const MAX_PATTERN_COST = 1.5;
/** A pixel darker than this share of its neighbourhood's mean is ink. */
const INK_RATIO = 0.82;
const MIN_DIGITS = 3;
/** The confidence of a read whose digits are not laid out as on a display. */
const IRREGULAR_CONFIDENCE = 0.4;
/** Largest turn of the display levelled (vertical shift per pixel across), searched in steps. */
const MAX_TILT = 0.1;
const TILT_STEPS = 10;
/** Smaller turns than this are left alone. */
const MIN_TILT = 0.03;
/** Largest italic slant searched (horizontal shift per pixel of height). */
const MAX_SLANT = 0.4;
/** The panel: at least this share of the frame, filled, wider than tall. */
const MIN_PANEL_SHARE = 0.03;
const MIN_PANEL_FILL = 0.55;
/** Thresholds tried for the panel, as shares of the frame's Otsu threshold. */
const PANEL_CUTS = [1, 0.75, 0.5] as const;

export function otsu(values: ArrayLike<number>): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < values.length; i++) hist[Math.max(0, Math.min(255, Math.round(values[i])))]++;
  const total = values.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  let sumB = 0,
    wB = 0,
    best = 0,
    bestT = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB,
      mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      bestT = t;
    }
  }
  return bestT;
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The panel's own pixels (indices into the image). */
  pixels: Int32Array;
}

/** Dark, filled, landscape rectangles: display candidates, largest first. */
function panels(grey: GreyImage, t: number): Rect[] {
  const { width: w, height: h, data } = grey;
  const dark = new Uint8Array(w * h);
  for (let i = 0; i < dark.length; i++) dark[i] = data[i] < t ? 1 : 0;
  return components(dark, w, h)
    .filter((c) => {
      const bw = c.x1 - c.x0 + 1,
        bh = c.y1 - c.y0 + 1;
      return (
        bw * bh >= MIN_PANEL_SHARE * w * h &&
        c.area / (bw * bh) >= MIN_PANEL_FILL &&
        bw / bh >= 1.3 &&
        bw / bh <= 10 &&
        // A panel lies inside the frame, not along its whole edge.
        !(c.x0 === 0 && c.x1 === w - 1)
      );
    })
    .sort((a, b) => b.area - a.area)
    .slice(0, 2)
    .map(({ x0, y0, x1, y1, pixels }) => ({ x0, y0, x1, y1, pixels }));
}

interface Cell {
  x0: number;
  x1: number;
}

/** Reads the display in `grey`, or null when no panel holds a clean seven-segment number. */
export function readSevenSegment(grey: GreyImage): SevenSegmentRead | null {
  // The frame's own dark/light split finds the panel; lower cuts part it from shadows
  // and dark surroundings that touch it. The surest read wins.
  const t = otsu(grey.data);
  let best: SevenSegmentRead | null = null;
  for (const cut of PANEL_CUTS) {
    for (const p of panels(grey, t * cut)) {
      const read = readPanel(grey, p);
      if (read && (!best || read.confidence > best.confidence)) best = read;
    }
    if (best && best.confidence >= 0.8) break;
  }
  return best;
}

function readPanel(grey: GreyImage, panel: Rect): SevenSegmentRead | null {
  // Inset: the panel's rim is often a dark bezel.
  const mx = Math.round((panel.x1 - panel.x0) * 0.02),
    my = Math.round((panel.y1 - panel.y0) * 0.04);
  const px0 = panel.x0 + mx,
    py0 = panel.y0 + my;
  const w = panel.x1 - mx - px0 + 1,
    h = panel.y1 - my - py0 + 1;
  if (w < 30 || h < 15) return null;
  // Pixels of the frame around a tilted panel count as background.
  const inPanel = new Uint8Array(grey.width * grey.height);
  for (const q of panel.pixels) inPanel[q] = 1;
  const vals = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const q = (py0 + y) * grey.width + px0 + x;
      vals[y * w + x] = inPanel[q] ? grey.data[q] : 255;
    }
  // Local threshold: LCD photos are lit unevenly (glare on one side, shadow on the other),
  // so a segment is ink when clearly darker than the panel around it.
  const r = Math.max(4, Math.round(h * 0.2));
  const sum = new Float64Array((w + 1) * (h + 1)),
    cnt = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y + 1) * (w + 1) + x + 1;
      const own1 = inPanel[(py0 + y) * grey.width + px0 + x];
      sum[i] = sum[i - 1] + sum[i - w - 1] - sum[i - w - 2] + (own1 ? vals[y * w + x] : 0);
      cnt[i] = cnt[i - 1] + cnt[i - w - 1] - cnt[i - w - 2] + own1;
    }
  const ink = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!inPanel[(py0 + y) * grey.width + px0 + x]) continue;
      const xa = Math.max(0, x - r),
        xb = Math.min(w, x + r + 1),
        ya = Math.max(0, y - r),
        yb = Math.min(h, y + r + 1);
      const at = (yy: number, xx: number) => yy * (w + 1) + xx;
      const n = cnt[at(yb, xb)] - cnt[at(ya, xb)] - cnt[at(yb, xa)] + cnt[at(ya, xa)];
      const m = (sum[at(yb, xb)] - sum[at(ya, xb)] - sum[at(yb, xa)] + sum[at(ya, xa)]) / n;
      if (vals[y * w + x] < m * INK_RATIO) ink[y * w + x] = 1;
    }
  // A display photographed a little turned has its digits lower on one side: level the ink
  // first, so one band of rows holds every digit's segments.
  const tilt = bestTilt(ink, w, h);
  const level = tilt ? untilt(ink, w, h, tilt) : ink;
  // Keep glyph-sized marks: drop specks, marks touching the panel's sides and bars (bezel, glare edges).
  const minArea = Math.max(4, Math.round(h * h * 0.002));
  const marks = components(level, w, h).filter(
    (c) =>
      c.area >= minArea &&
      c.x0 > 0 &&
      c.x1 < w - 1 &&
      c.y1 - c.y0 + 1 < h * 0.85 &&
      c.x1 - c.x0 + 1 < w * 0.4,
  );
  if (marks.length < MIN_DIGITS) return null;
  // Text band: the longest run of rows well filled with ink.
  const rows = new Float64Array(h);
  // Counted away from the panel's sides, where shadow and glare leave blotches.
  for (const c of marks)
    for (const q of c.pixels) {
      const x = q % w;
      if (x > w * 0.15 && x < w * 0.95) rows[(q - x) / w]++;
    }
  const peak = Math.max(...rows);
  let by0 = 0,
    by1 = -1;
  // Runs of filled rows, bridging the thin gaps between a digit's segments.
  const bridge = Math.max(2, Math.round(h * 0.05));
  for (let y = 0, start = -1, lastOn = -1; y <= h; y++) {
    const on = y < h && rows[y] >= peak * 0.15;
    if (on) {
      if (start < 0) start = y;
      lastOn = y;
    } else if (start >= 0 && (y === h || y - lastOn > bridge)) {
      if (lastOn - start > by1 - by0) [by0, by1] = [start, lastOn];
      start = -1;
    }
  }
  const H = by1 - by0 + 1;
  if (H < 12) return null;
  // Decimal points: small, squat marks in the band's bottom fifth.
  const isDot = (c: Component) =>
    c.y0 >= by1 - H * 0.22 && c.y1 - c.y0 + 1 <= H * 0.2 && c.x1 - c.x0 + 1 <= H * 0.2;
  const glyph = new Uint8Array(w * h);
  const dots: Component[] = [];
  for (const c of marks) {
    // Marks outside the band, or reaching well past it (bezel bars, shadows), are not glyphs.
    if (c.y1 < by0 || c.y0 > by1 || c.y0 < by0 - H * 0.15 || c.y1 > by1 + H * 0.15) continue;
    // Nor are marks wider than any digit (streaks, a shadow's edge).
    if (c.x1 - c.x0 + 1 > H * 0.9) continue;
    if (isDot(c)) {
      dots.push(c);
      continue;
    }
    for (const q of c.pixels) glyph[q] = 1;
  }
  const yc = (by0 + by1) / 2;
  const { shear, cols } = bestShear(glyph, w, by0, by1, yc, -MAX_SLANT, MAX_SLANT);
  const cells = cutCells(cols, H);
  if (cells.length < MIN_DIGITS) return null;
  // A digit's width on this display; with only "1"s shown, the usual half of its height.
  const digitW = median(cells.map((c) => c.x1 - c.x0 + 1).filter((v) => v >= H * 0.3)) || H * 0.5;
  const dotXs: number[] = [];
  for (const d of dots) {
    const x = (d.x0 + d.x1) / 2 - shear * ((d.y0 + d.y1) / 2 - yc);
    // Under the middle of a digit it is a broken-off piece of that digit's bottom segment,
    // not a decimal point (which stands after a digit).
    if (cells.some((c) => c.x1 - c.x0 + 1 >= H * 0.3 && underMiddle(x, c)))
      for (const q of d.pixels) glyph[q] = 1;
    else dotXs.push(x);
  }
  const reads = cells
    .map((c, i) => {
      const next = cells[i + 1];
      const dotAfter =
        !!next && dotXs.some((x) => x > c.x1 - digitW * 0.2 && x < next.x0 + digitW * 0.2);
      return { cell: c, dotAfter, ...readCell(glyph, w, shear, yc, c, digitW, by0, H) };
    })
    // Narrow marks that are no "1" are specks or pieces of a decimal point.
    .filter((r) => r.digit || r.cell.x1 - r.cell.x0 + 1 >= digitW * 0.55);
  // The number is the longest run of decoded cells; undecodable marks at its ends are
  // bezel, glare or a unit sign.
  let best = { from: 0, to: -1 };
  for (let i = 0, from = 0; i <= reads.length; i++) {
    if (i < reads.length && reads[i].digit) continue;
    if (i - 1 - from > best.to - best.from) best = { from, to: i - 1 };
    from = i + 1;
  }
  const run = reads.slice(best.from, best.to + 1);
  if (run.length < MIN_DIGITS) return null;
  // A digit-sized mark that did not decode between digits may be a lost digit, and digits
  // stand at one pitch on a display: otherwise the read is unsure.
  const gapInside = reads.some(
    (r, i) =>
      !r.digit && reads.slice(0, i).some((q) => q.digit) && reads.slice(i + 1).some((q) => q.digit),
  );
  const steps = run.slice(1).map((r, i) => r.cell.x1 - run[i].cell.x1);
  const pitch = median(steps);
  const uneven = steps.some((d) => d < pitch * 0.7 || d > pitch * 1.4);
  let text = "";
  run.forEach((r, i) => {
    text += r.digit;
    if (r.dotAfter && i < run.length - 1 && !text.includes(".")) text += ".";
  });
  const worst = Math.min(...run.map((r) => r.margin));
  const used = run.map((r) => r.cell);
  const left = Math.min(...used.map((c) => c.x0)) + shear * (yc - by0);
  const right = Math.max(...used.map((c) => c.x1)) + shear * (yc - by0);
  return {
    text,
    // Every cell decoded; the least clear segment zone sets how sure the read is.
    confidence:
      Math.round((gapInside || uneven ? IRREGULAR_CONFIDENCE : 0.55 + 0.45 * worst) * 1000) / 1000,
    regular: !gapInside && !uneven,
    box: {
      x0: px0 + Math.max(0, Math.min(left, Math.min(...used.map((c) => c.x0)))),
      y0: Math.max(0, py0 + by0 - Math.abs(tilt) * w * 0.5),
      x1:
        px0 +
        Math.min(w - 1, Math.max(right, Math.max(...used.map((c) => c.x1)) + shear * (yc - by1))),
      y1: py0 + by1 + Math.abs(tilt) * w * 0.5,
    },
  };
}

/** Whether column x lies in the middle half of cell c. */
export function underMiddle(x: number, c: Cell): boolean {
  const quarter = (c.x1 - c.x0 + 1) / 4;
  return x > c.x0 + quarter && x < c.x1 - quarter;
}

/** One digit cell: its digit (undefined when no seven-segment pattern fits) and how clear its zones are (0..1). */
function readCell(
  glyph: Uint8Array,
  w: number,
  shear: number,
  yc: number,
  c: Cell,
  digitW: number,
  by0: number,
  H: number,
): { digit: string | undefined; margin: number } {
  const cw = c.x1 - c.x0 + 1;
  if (cw < digitW * 0.55) {
    // Narrow: a "1" (segments b and c) when ink runs down most of the band's rows.
    let rowsOn = 0;
    for (let y = 0; y < H; y++)
      if (inkShare(glyph, w, shear, yc, c.x0, c.x1 + 1, by0 + y, by0 + y + 1) > 0) rowsOn++;
    const cover = rowsOn / H;
    return cover < ONE_MIN_COVER
      ? { digit: undefined, margin: 0 }
      : { digit: "1", margin: Math.min(1, (cover - ONE_MIN_COVER) / 0.2) };
  }
  // Zones over the cell when it is about a digit wide. Otherwise it holds something else
  // too (or is only part of a digit), and a digit's width is taken at its right edge; but
  // when most digits shown are narrow "7"s the display's digit width is under-estimated,
  // so a wide cell is also read whole, and the better fitting pattern stands.
  const fitted = (dw: number) =>
    nearestDigit((fx0, fx1, fy0, fy1) =>
      inkShare(
        glyph,
        w,
        shear,
        yc,
        c.x1 + 1 - dw + fx0 * dw,
        c.x1 + 1 - dw + fx1 * dw,
        by0 + fy0 * H,
        by0 + fy1 * H,
      ),
    );
  const aboutOne = cw >= digitW * 0.8 && cw <= digitW * 1.3;
  let best = fitted(aboutOne ? cw : digitW);
  if (cw > digitW * 1.3) {
    const whole = fitted(cw);
    if (whole.cost < best.cost) best = whole;
  }
  if (best.cost > MAX_PATTERN_COST) return { digit: undefined, margin: 0 };
  // Sure when no other digit comes close and the pattern fits (up to half a segment off).
  return {
    digit: best.digit,
    margin: clamp01(best.second - best.cost) * clamp01(1.5 - best.cost),
  };
}

/**
 * The digit whose segment pattern is nearest to the ink of a cell's seven zones (`zone`
 * gives the ink share of a box in cell fractions), its cost and the runner-up's.
 */
function nearestDigit(zone: (fx0: number, fx1: number, fy0: number, fy1: number) => number): {
  digit: string;
  cost: number;
  second: number;
} {
  const z = [
    zone(0.3, 0.7, 0, 0.18), // a
    zone(0.72, 1, 0.12, 0.42), // b
    zone(0.72, 1, 0.58, 0.88), // c
    zone(0.3, 0.7, 0.82, 1), // d
    zone(0, 0.28, 0.58, 0.88), // e
    zone(0, 0.28, 0.12, 0.42), // f
    zone(0.3, 0.7, 0.41, 0.59), // g
  ];
  // Nearest pattern by soft segment strength: a segment half-lost to glare still counts for
  // something, and how far the runner-up lies behind says how sure the digit is.
  const p = z.map((v) => Math.min(1, v / (2 * SEGMENT_ON)));
  let best = { digit: "", cost: Infinity },
    second = Infinity;
  for (const [key, digit] of Object.entries(PATTERNS)) {
    const cost = p.reduce((sum, v, i) => sum + (key[i] === "1" ? 1 - v : v), 0);
    if (cost < best.cost) {
      if (best.digit !== digit) second = best.cost;
      best = { digit, cost };
    } else if (digit !== best.digit && cost < second) second = cost;
  }
  return { ...best, second };
}

/** Within lo..hi, the slant that stands the strokes upright, and the column ink counts there. */
function bestShear(
  glyph: Uint8Array,
  w: number,
  by0: number,
  by1: number,
  yc: number,
  lo: number,
  hi: number,
): { shear: number; cols: Int32Array } {
  let best = { shear: 0, cols: new Int32Array(w), score: -1 };
  for (let s = lo; s <= hi + 1e-9; s += 0.02) {
    const cols = new Int32Array(w);
    for (let y = by0; y <= by1; y++)
      for (let x = 0; x < w; x++)
        if (glyph[y * w + x]) {
          const xs = Math.round(x - s * (y - yc));
          if (xs >= 0 && xs < w) cols[xs]++;
        }
    // Upright strokes stack into few, tall columns: the sum of squared column counts peaks.
    let score = 0;
    for (let x = 0; x < w; x++) score += cols[x] * cols[x];
    if (score > best.score) best = { shear: s, cols, score };
  }
  return best;
}

/**
 * The vertical shift per pixel across (within ±MAX_TILT) that lines the ink's rows up best
 * (segments a, g, d and the panel's own edges run level on the display), or 0 when under
 * MIN_TILT: a slight turn is absorbed by the band's margins.
 */
export function bestTilt(ink: Uint8Array, w: number, h: number): number {
  const xs: number[] = [],
    ys: number[] = [];
  for (let q = 0; q < ink.length; q++)
    if (ink[q]) {
      xs.push(q % w);
      ys.push(Math.floor(q / w));
    }
  const xc = w / 2;
  let best = { tilt: 0, score: -1 };
  for (let i = -TILT_STEPS; i <= TILT_STEPS; i++) {
    const k = (i * MAX_TILT) / TILT_STEPS;
    const rows = new Float64Array(h);
    for (let j = 0; j < xs.length; j++) {
      const y = Math.round(ys[j] - k * (xs[j] - xc));
      if (y >= 0 && y < h) rows[y]++;
    }
    // Level strokes stack into few, full rows: the sum of squared row counts peaks.
    let score = 0;
    for (let y = 0; y < h; y++) score += rows[y] * rows[y];
    if (score > best.score) best = { tilt: k, score };
  }
  return Math.abs(best.tilt) < MIN_TILT ? 0 : best.tilt;
}

/** `ink` with each column shifted up by `tilt` pixels per pixel right of the middle. */
function untilt(ink: Uint8Array, w: number, h: number, tilt: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const xc = w / 2;
  for (let x = 0; x < w; x++) {
    const dy = Math.round(tilt * (x - xc));
    for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++)
      out[y * w + x] = ink[(y + dy) * w + x];
  }
  return out;
}

/** Runs of inked columns; runs closer than a segment's gap belong to one glyph. */
function cutCells(cols: Int32Array, H: number): Cell[] {
  const runs: Cell[] = [];
  for (let x = 0; x < cols.length; x++) {
    if (!cols[x]) continue;
    const last = runs[runs.length - 1];
    if (last && x - last.x1 <= Math.max(2, H * 0.04)) last.x1 = x;
    else runs.push({ x0: x, x1: x });
  }
  // Slivers are noise, not glyphs.
  const cells = runs.filter((r) => r.x1 - r.x0 + 1 >= H * 0.08);
  // A slanted "1" whose two segments did not line up leaves two close, narrow runs.
  for (let i = cells.length - 2; i >= 0; i--) {
    const a = cells[i],
      b = cells[i + 1];
    if (b.x1 - a.x0 + 1 <= H * 0.22 && b.x0 - a.x1 <= H * 0.1)
      cells.splice(i, 2, { x0: a.x0, x1: b.x1 });
  }
  return cells;
}

/** Share of inked pixels in a rectangle given in slant-corrected coordinates. */
function inkShare(
  glyph: Uint8Array,
  w: number,
  shear: number,
  yc: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
): number {
  let n = 0,
    on = 0;
  const h = glyph.length / w;
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(h, Math.round(y1)); y++) {
    for (let xs = Math.round(x0); xs < Math.round(x1); xs++) {
      const x = Math.round(xs + shear * (y - yc));
      n++;
      if (x >= 0 && x < w && glyph[y * w + x]) on++;
    }
  }
  return n ? on / n : 0;
}

/** The upper median of `v` (0 for none). */
export function median(v: number[]): number {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
