// Blur and exposure from a small greyscale raster (the thumbnail): cheap, and the
// thresholds are calibrated for that size.
import type { Quality } from "../schema/photo";

export const QUALITY_THRESHOLDS = {
  /** Variance of the Laplacian below this (on a ~320 px grey image) reads as blurry. */
  blur: 60,
  underexposed: 0.15,
  overexposed: 0.85,
  /** More than this fraction of pixels clipped to black/white is a bad exposure too. */
  clipped: 0.25,
  /** Upright long edge below this many pixels is too small to inspect. */
  minLongEdge: 640,
} as const;

/** Variance of the 4-neighbour Laplacian over the interior pixels. */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y += 1) {
    const row = y * width;
    for (let x = 1; x < width - 1; x += 1) {
      const i = row + x;
      const v = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
      sum += v;
      sumSq += v * v;
      n += 1;
    }
  }
  const mean = sum / n;
  return Math.max(0, sumSq / n - mean * mean);
}

export function exposureStats(grey: Uint8Array): {
  exposure: number;
  clipped: number;
  dark: number;
  bright: number;
} {
  if (grey.length === 0) return { exposure: 0, clipped: 0, dark: 0, bright: 0 };
  let sum = 0;
  let dark = 0;
  let bright = 0;
  for (const v of grey) {
    sum += v;
    if (v <= 2) dark += 1;
    else if (v >= 253) bright += 1;
  }
  const n = grey.length;
  return {
    exposure: sum / n / 255,
    clipped: (dark + bright) / n,
    dark: dark / n,
    bright: bright / n,
  };
}

export function assessQuality(
  grey: Uint8Array,
  width: number,
  height: number,
  uprightLongEdge: number,
): Quality {
  const blur = laplacianVariance(grey, width, height);
  const { exposure, clipped, dark, bright } = exposureStats(grey);
  const t = QUALITY_THRESHOLDS;
  const flags: Quality["flags"] = [];
  if (blur < t.blur) flags.push("BLURRY");
  if (exposure < t.underexposed || dark > t.clipped) flags.push("UNDEREXPOSED");
  if (exposure > t.overexposed || bright > t.clipped) flags.push("OVEREXPOSED");
  if (uprightLongEdge < t.minLongEdge) flags.push("LOW_RESOLUTION");
  return {
    blur: Math.round(blur * 100) / 100,
    exposure: Math.round(exposure * 10000) / 10000,
    clipped: Math.round(clipped * 10000) / 10000,
    flags,
  };
}
