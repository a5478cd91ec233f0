// Dominant colours from the pixels ingest already decoded, in the shape analyses/{photoId}
// stores them, so no photo has to buy Vision's IMAGE_PROPERTIES for them.

export interface DominantColour {
  hex: string;
  /** Share among the reported colours (Vision's score is a relative prominence too). */
  score: number;
  /** Share of all pixels. */
  pixelFraction: number;
}

/** Bits kept per channel when binning: 16 levels, coarse enough to merge noise. */
const BITS = 4;
export const MAX_COLOURS = 10;

const round = (v: number) => Math.round(v * 10_000) / 10_000;
const hex2 = (n: number) => Math.round(n).toString(16).padStart(2, "0");

/** Pixels binned at 4 bits per channel; each of the largest bins reports its mean colour. */
export function dominantColours(rgb: Uint8Array, width: number, height: number): DominantColour[] {
  const n = width * height;
  if (n <= 0 || rgb.length < n * 3) return [];
  const shift = 8 - BITS;
  const size = 1 << (3 * BITS);
  const count = new Uint32Array(size);
  const sums = new Float64Array(size * 3);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const key = ((r >> shift) << (2 * BITS)) | ((g >> shift) << BITS) | (b >> shift);
    count[key]++;
    sums[key * 3] += r;
    sums[key * 3 + 1] += g;
    sums[key * 3 + 2] += b;
  }
  const keys: number[] = [];
  for (let k = 0; k < size; k++) if (count[k] > 0) keys.push(k);
  // Ties broken by key so the result never depends on the sort's stability.
  keys.sort((a, b) => count[b] - count[a] || a - b);
  const top = keys.slice(0, MAX_COLOURS);
  const covered = top.reduce((s, k) => s + count[k], 0);
  return top.map((k) => ({
    hex: `#${hex2(sums[k * 3] / count[k])}${hex2(sums[k * 3 + 1] / count[k])}${hex2(sums[k * 3 + 2] / count[k])}`,
    score: round(count[k] / covered),
    pixelFraction: round(count[k] / n),
  }));
}
