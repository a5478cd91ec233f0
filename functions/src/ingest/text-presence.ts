// A cheap check for printed text (meter digits, nameplates, labels) on a greyscale copy of
// the display image, so that only photos that can hold a reading buy TEXT_DETECTION. No
// OCR: classical connected-component text finding, by pixels alone, tuned to err towards
// "text" (a missed reading costs more than 1.5 USD per 1000 photos):
//   1. edge mask: the 3×3 morphological gradient (max − min) above a contrast threshold,
//      so dark-on-light and light-on-dark print look alike;
//   2. letter candidates: connected edge blobs of letter-like size, shape and density;
//   3. lines: candidates chained left to right with similar heights, straight (maybe
//      tilted) top and bottom edges and letter-sized gaps; a line of at least three letters, on a calmer
//      background than itself (a face, a plate, a label, not a texture), is text.

export interface TextPresence {
  /** Whether any text-like line was found. */
  found: boolean;
  /** Text-like lines found (capped), a rough measure of how much text there is. */
  lines: number;
}

/** Long edge the check works at (px): digits a few percent of the frame stay ≥ 8 px tall. */
export const TEXT_CHECK_EDGE = 1024;

export const TEXT_RULES = {
  /**
   * Grey-level contrast (max − min in 3×3) that counts as an edge. Low enough for faint
   * print (a drum counter behind a scratched window); grain then merges into large
   * blobs that are no letters, which is what keeps textures quiet.
   */
  minContrast: 25,
  minHeight: 7,
  /** Tallest letter as a fraction of the image height (a close crop of a counter is mostly digits). */
  maxHeightFraction: 0.8,
  /** Widest blob per height: touching letters merge into one wide blob. */
  maxAspect: 6,
  /** Edge pixels per bounding-box pixel of a letter blob. */
  minDensity: 0.08,
  maxDensity: 0.92,
  /** Neighbours in a line: height ratio, vertical overlap, horizontal gap (× height). */
  maxHeightRatio: 1.8,
  minOverlap: 0.6,
  maxGap: 1.2,
  /** Tops and bottoms along a line agree within this fraction of the line height. */
  maxEdgeJitter: 0.2,
  /** Letters in a line: three, so "kWh" or "139" counts. */
  minLetters: 3,
  /** Separate blobs in a line: one long blob is a wire, a rule or an edge, not print. */
  minBlobs: 3,
  /** Edge density allowed in the bands above and below, relative to the line's own. */
  maxSurroundRatio: 0.5,
  maxLines: 50,
} as const;

/**
 * 1 where the 3×3 contrast (max − min) reaches the threshold: row-wise max/min of three,
 * then column-wise over those (edges replicated).
 */
export function edgeMask(grey: Uint8Array, w: number, h: number, minContrast: number): Uint8Array {
  const hi = new Uint8Array(grey.length);
  const lo = new Uint8Array(grey.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const l = grey[row + (x > 0 ? x - 1 : x)];
      const c = grey[row + x];
      const r = grey[row + (x < w - 1 ? x + 1 : x)];
      hi[row + x] = l > c ? (l > r ? l : r) : c > r ? c : r;
      lo[row + x] = l < c ? (l < r ? l : r) : c < r ? c : r;
    }
  }
  const mask = new Uint8Array(grey.length);
  for (let y = 0; y < h; y++) {
    const up = (y > 0 ? y - 1 : y) * w;
    const dn = (y < h - 1 ? y + 1 : y) * w;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const mx = Math.max(hi[up + x], hi[row + x], hi[dn + x]);
      const mn = Math.min(lo[up + x], lo[row + x], lo[dn + x]);
      mask[row + x] = mx - mn >= minContrast ? 1 : 0;
    }
  }
  return mask;
}

interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/** 4-connected components of a 0/1 mask, by flood fill with an explicit stack. */
function components(mask: Uint8Array, w: number, h: number): Component[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const out: Component[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let sp = 0;
    stack[sp++] = start;
    seen[start] = 1;
    const c: Component = { x0: w, y0: h, x1: -1, y1: -1, area: 0 };
    while (sp > 0) {
      const i = stack[--sp];
      const y = (i / w) | 0;
      const x = i - y * w;
      c.area++;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      if (x > 0 && mask[i - 1] && !seen[i - 1]) {
        seen[i - 1] = 1;
        stack[sp++] = i - 1;
      }
      if (x < w - 1 && mask[i + 1] && !seen[i + 1]) {
        seen[i + 1] = 1;
        stack[sp++] = i + 1;
      }
      if (y > 0 && mask[i - w] && !seen[i - w]) {
        seen[i - w] = 1;
        stack[sp++] = i - w;
      }
      if (y < h - 1 && mask[i + w] && !seen[i + w]) {
        seen[i + w] = 1;
        stack[sp++] = i + w;
      }
    }
    out.push(c);
  }
  return out;
}

/** Edge pixels per pixel in the rows ya..yb (clipped) and columns xa..xb. */
function density(
  edges: Uint8Array,
  w: number,
  h: number,
  xa: number,
  xb: number,
  ya: number,
  yb: number,
): number {
  let on = 0;
  let n = 0;
  for (let y = Math.max(0, ya); y <= Math.min(h - 1, yb); y++) {
    for (let x = Math.max(0, xa); x <= Math.min(w - 1, xb); x++) {
      on += edges[y * w + x];
      n++;
    }
  }
  return n === 0 ? 0 : on / n;
}

const heightOf = (c: Component) => c.y1 - c.y0 + 1;
const widthOf = (c: Component) => c.x1 - c.x0 + 1;

/** Letters a blob stands for: touching letters make one blob about 0.75 height each. */
const lettersIn = (c: Component) => Math.max(1, Math.floor(widthOf(c) / (0.75 * heightOf(c))));

/**
 * Spread of ys about the straight line that fits them best over xs (least squares): a
 * tilted line of print has straight top and bottom edges, just not level ones.
 */
export function lineResidual(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (ys[i] - my - slope * (xs[i] - mx)) ** 2;
  return Math.sqrt(ss / n);
}

export function detectText(grey: Uint8Array, w: number, h: number): TextPresence {
  if (w < 16 || h < 16 || grey.length < w * h) return { found: false, lines: 0 };
  const lines = textLines(edgeMask(grey, w, h, TEXT_RULES.minContrast), w, h);
  return { found: lines > 0, lines };
}

/** Text-like lines in an edge mask (capped at maxLines). */
function textLines(edges: Uint8Array, w: number, h: number): number {
  const r = TEXT_RULES;
  const letters = components(edges, w, h).filter((c) => {
    const ch = heightOf(c);
    const cw = widthOf(c);
    const d = c.area / (cw * ch);
    return (
      ch >= r.minHeight &&
      ch <= h * r.maxHeightFraction &&
      cw / ch <= r.maxAspect &&
      d >= r.minDensity &&
      d <= r.maxDensity
    );
  });
  letters.sort((a, b) => a.x0 - b.x0);
  // Each letter links to its nearest right-hand neighbour; chains are the lines.
  const next = new Int32Array(letters.length).fill(-1);
  const hasPrev = new Uint8Array(letters.length);
  for (let i = 0; i < letters.length; i++) {
    const a = letters[i];
    const ha = heightOf(a);
    let best = -1;
    let bestGap = Infinity;
    for (let j = i + 1; j < letters.length; j++) {
      const b = letters[j];
      if (b.x0 > a.x1 + r.maxGap * ha * r.maxHeightRatio) break;
      const hb = heightOf(b);
      if (Math.max(ha, hb) / Math.min(ha, hb) > r.maxHeightRatio) continue;
      const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
      if (overlap < r.minOverlap * Math.min(ha, hb)) continue;
      const gap = b.x0 - a.x1 - 1;
      if (gap < 0 || gap > r.maxGap * Math.max(ha, hb)) continue;
      if (gap < bestGap && !hasPrev[j]) {
        best = j;
        bestGap = gap;
      }
    }
    if (best >= 0) {
      next[i] = best;
      hasPrev[best] = 1;
    }
  }
  let lines = 0;
  for (let i = 0; i < letters.length && lines < r.maxLines; i++) {
    if (hasPrev[i]) continue;
    const chain: Component[] = [];
    for (let k = i; k >= 0; k = next[k]) chain.push(letters[k]);
    if (chain.length < r.minBlobs || chain.reduce((n, c) => n + lettersIn(c), 0) < r.minLetters)
      continue;
    const lh = chain.reduce((m, c) => m + heightOf(c), 0) / chain.length;
    const cx = chain.map((c) => (c.x0 + c.x1) / 2);
    if (
      lineResidual(
        cx,
        chain.map((c) => c.y0),
      ) >
        r.maxEdgeJitter * lh ||
      lineResidual(
        cx,
        chain.map((c) => c.y1),
      ) >
        r.maxEdgeJitter * lh
    )
      continue;
    const x0 = chain[0].x0;
    const x1 = chain[chain.length - 1].x1;
    const y0 = Math.min(...chain.map((c) => c.y0));
    const y1 = Math.max(...chain.map((c) => c.y1));
    const inside = density(edges, w, h, x0, x1, y0, y1);
    const span = y1 - y0 + 1;
    const around = Math.max(
      density(edges, w, h, x0, x1, y0 - span, y0 - 1),
      density(edges, w, h, x0, x1, y1 + 1, y1 + span),
    );
    if (around > r.maxSurroundRatio * inside) continue;
    lines++;
  }
  return lines;
}
