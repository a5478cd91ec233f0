// Oriented line response for faint cracks. A hairline's pixels are barely darker than the
// grain of the surface, so no per-pixel threshold tells them apart; averaging along short
// segments does: along the line the average keeps the line's contrast, across it (and in
// isotropic grain, every way) it falls to the background's. The response is the best
// direction's average less the mean over all directions (the line detector of Ricci and
// Perfetti, 2007), taken over a contrast map such as a black top-hat.

/**
 * Directions tried, as pixel steps (dx, dy) so that every tap lands on a pixel and sums
 * along them run by prefix: constant work per pixel whatever the segment length. Eight
 * directions, at most 27° apart.
 */
export const LINE_STEPS: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 1],
  [1, 1],
  [1, 2],
  [0, 1],
  [-1, 2],
  [-1, 1],
  [-2, 1],
];

/**
 * Best-direction mean minus all-direction mean of `contrast` over segments about 2·half
 * pixels long centred on each pixel (half at least 2); 0 within `half` of the border, where
 * they do not fit.
 */
export function lineResponse(
  contrast: Float32Array,
  width: number,
  height: number,
  half: number,
): Float32Array {
  // Every direction needs a tap each side of the centre, and (2, 1) reaches 2 pixels.
  half = Math.max(2, Math.round(half));
  const out = new Float32Array(contrast.length);
  if (width <= 2 * half || height <= 2 * half) return out;
  // Contrast is never negative, so 0 is a safe start for the best mean.
  const best = new Float32Array(contrast.length);
  const total = new Float32Array(contrast.length);
  const prefix = new Float32Array(contrast.length);
  for (const [dx, dy] of LINE_STEPS) {
    const step = dy * width + dx;
    // Taps each side, so the segment spans about 2·half pixels and stays within `half`.
    const m = Math.max(
      1,
      Math.min(
        Math.round(half / Math.hypot(dx, dy)),
        Math.floor(half / Math.max(Math.abs(dx), dy)),
      ),
    );
    // prefix[p]: contrast summed along the step's lattice line up to and including p.
    // Columns whose predecessor lies outside the image start a line (no branch per pixel).
    const from = Math.max(0, dx),
      to = Math.min(width, width + dx);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      if (y < dy) {
        for (let p = row; p < row + width; p++) prefix[p] = contrast[p];
        continue;
      }
      for (let p = row; p < row + from; p++) prefix[p] = contrast[p];
      for (let p = row + from; p < row + to; p++) prefix[p] = contrast[p] + prefix[p - step];
      for (let p = row + to; p < row + width; p++) prefix[p] = contrast[p];
    }
    // Sum over taps -m..m = prefix at +m less prefix at -(m+1); the latter is 0 where that
    // pixel falls outside the image (top rows, or the side the step leaves from), so each
    // row splits into runs without a branch per pixel.
    const back = (m + 1) * step,
      ahead = m * step,
      scale = 1 / (2 * m + 1);
    for (let y = half; y < height - half; y++) {
      const row = y * width;
      const inside = y - (m + 1) * dy >= 0;
      // Columns whose tap -(m+1) lies within the image: x - (m+1)·dx in [0, width).
      const lo = inside ? Math.max(half, (m + 1) * dx) : width,
        hi = inside ? Math.min(width - half, width + (m + 1) * dx) : width;
      for (let p = row + half; p < row + width - half; p++) {
        const x = p - row;
        const start = x >= lo && x < hi ? prefix[p - back] : 0;
        const mean = (prefix[p + ahead] - start) * scale;
        if (mean > best[p]) best[p] = mean;
        total[p] += mean;
      }
    }
  }
  const directions = LINE_STEPS.length;
  for (let y = half; y < height - half; y++)
    for (let p = y * width + half, end = y * width + width - half; p < end; p++)
      out[p] = best[p] - total[p] / directions;
  return out;
}

/** Median of non-negative values below 256, to 1/8 (a histogram: no sort of the whole image). */
export function medianOf(values: Float32Array): number {
  const bins = new Uint32Array(256 * 8 + 1);
  for (let i = 0; i < values.length; i++)
    bins[Math.min(bins.length - 1, Math.max(0, Math.floor(values[i] * 8)))]++;
  let seen = 0;
  for (let b = 0; b < bins.length; b++) {
    seen += bins[b];
    if (seen * 2 >= values.length) return b / 8;
  }
  return 0;
}

/** Half-size copies: `max` keeps each 2×2 block's largest value, so a one-pixel line survives
 * the halving (a mean would thin it out); `mean` averages it. Odd last rows and columns are
 * dropped. */
export function pool2(
  src: Float32Array | Uint8Array,
  width: number,
  height: number,
  mode: "max" | "mean",
): { data: Float32Array; width: number; height: number } {
  const w = width >> 1,
    h = height >> 1;
  const data = new Float32Array(w * h);
  const max = mode === "max";
  for (let y = 0; y < h; y++) {
    const a = 2 * y * width,
      b = a + width;
    for (let x = 0, i = 0; x < w; x++, i += 2) {
      const p = src[a + i],
        q = src[a + i + 1],
        u = src[b + i],
        v = src[b + i + 1];
      data[y * w + x] = max ? Math.max(Math.max(p, q), Math.max(u, v)) : (p + q + u + v) / 4;
    }
  }
  return { data, width: w, height: h };
}
