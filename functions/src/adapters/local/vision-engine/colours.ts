// Image properties from pixel statistics: dominant colours by coarse histogram (as
// Vision's imagePropertiesAnnotation reports them) and overall brightness and contrast.
import type { RgbImage } from "./raster";

export interface DominantColour {
  color: { red: number; green: number; blue: number };
  score: number;
  pixelFraction: number;
}

const BITS = 4;
const MAX_COLOURS = 10;

/** Pixels binned at 4 bits per channel; each bin reports its mean colour. */
export function dominantColours(img: RgbImage): DominantColour[] {
  const n = img.width * img.height;
  const bins = new Map<number, { count: number; r: number; g: number; b: number }>();
  const shift = 8 - BITS;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 3],
      g = img.data[i * 3 + 1],
      b = img.data[i * 3 + 2];
    const key = ((r >> shift) << (2 * BITS)) | ((g >> shift) << BITS) | (b >> shift);
    const bin = bins.get(key) ?? { count: 0, r: 0, g: 0, b: 0 };
    bin.count++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  }
  const top = [...bins.values()].sort((a, b) => b.count - a.count).slice(0, MAX_COLOURS);
  const covered = top.reduce((s, b) => s + b.count, 0);
  return top.map((b) => ({
    color: {
      red: Math.round(b.r / b.count),
      green: Math.round(b.g / b.count),
      blue: Math.round(b.b / b.count),
    },
    // Vision's score is a relative prominence; here the share among the reported colours.
    score: round(b.count / Math.max(1, covered)),
    pixelFraction: round(b.count / Math.max(1, n)),
  }));
}

export interface PixelStats {
  /** Mean luminance 0..1. */
  brightness: number;
  /** Standard deviation of luminance 0..1. */
  contrast: number;
  /** Mean saturation 0..1. */
  saturation: number;
}

export function pixelStats(img: RgbImage): PixelStats {
  const n = Math.max(1, img.width * img.height);
  let sum = 0,
    sumSq = 0,
    sat = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const r = img.data[i * 3],
      g = img.data[i * 3 + 1],
      b = img.data[i * 3 + 2];
    const y = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    sum += y;
    sumSq += y * y;
    const max = Math.max(r, g, b);
    sat += max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
  }
  const mean = sum / n;
  return {
    brightness: round(mean),
    contrast: round(Math.sqrt(Math.max(0, sumSq / n - mean * mean))),
    saturation: round(sat / n),
  };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
