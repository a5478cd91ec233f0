// Cracks as dark, thin, long, meandering structures. A black top-hat (grey closing minus
// the image) lights up dark lines narrower than the window while ignoring ordinary edges
// between dark and bright areas; the lit pixels are grouped, and a group counts as a crack
// when it is long, thin, elongated and not ruler-straight (cables, seams and poles are).
import { blackTopHat, close, components, principalSpread } from "./morphology";
import { boxOf, clamp01, type Detection } from "./detection";
import type { GreyImage } from "./raster";

export const CRACK = {
  /** Top-hat contrast (0..255) a pixel needs to count as part of a dark line. */
  minContrast: 28,
  /** ...and relative to its surroundings, so faint texture in bright areas does not count. */
  minRelativeContrast: 0.22,
  /** Shortest crack, as a fraction of the image's long edge. */
  minLengthFraction: 0.15,
  /** Widest crack, as a fraction of the long edge. */
  maxWidthFraction: 0.03,
  minElongation: 3.5,
  /** Perpendicular spread relative to width below which a line is too straight to be a crack. */
  minMeander: 1.6,
} as const;
const MAX_DETECTIONS = 6;

export function detectCracks(grey: GreyImage): Detection[] {
  const { width, height, data } = grey;
  const long = Math.max(width, height);
  const r = Math.max(2, Math.round(long / 110));
  const hat = blackTopHat(data, width, height, r);
  const raw = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const bg = data[i] + hat[i];
    raw[i] = hat[i] >= CRACK.minContrast && hat[i] >= CRACK.minRelativeContrast * bg ? 1 : 0;
  }
  // Bridge one-pixel gaps along a crack so it is seen as one structure.
  const mask = close(raw, width, height, 1);
  const found: Detection[] = [];
  for (const c of components(mask, width, height, hat)) {
    if (c.area < 8) continue;
    const [major, minor] = principalSpread(c);
    const length = Math.sqrt(12 * major);
    const width2 = (2 * c.area) / Math.max(1, c.perimeter);
    const elongation = Math.sqrt(major / Math.max(minor, 0.25));
    const meander = Math.sqrt(12 * minor) / Math.max(1, width2);
    if (length < CRACK.minLengthFraction * long) continue;
    if (width2 > Math.max(3, CRACK.maxWidthFraction * long)) continue;
    if (elongation < CRACK.minElongation || meander < CRACK.minMeander) continue;
    const contrast = c.weight / c.area;
    const score = clamp01(0.4 + 0.3 * Math.min(1, length / (0.4 * long)) + 0.25 * Math.min(1, contrast / 100));
    found.push({ name: "Crack", label: "Crack", score: Math.round(score * 1000) / 1000, box: boxOf(c, width, height) });
  }
  return found.sort((a, b) => b.score - a.score).slice(0, MAX_DETECTIONS);
}
