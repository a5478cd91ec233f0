// Corrosion by colour: rust is an orange-to-brown hue at middling saturation and
// brightness. Pixels in that range are cleaned up morphologically and grouped into
// regions; each sizeable region is one "Corrosion" detection.
import { close, components, open } from "./morphology";
import { boxOf, clamp01, type Detection } from "./detection";
import { rgbToHsv, type RgbImage } from "./raster";

export const RUST = { hueMin: 4, hueMax: 38, satMin: 0.4, valMin: 0.12, valMax: 0.82 } as const;
/** Regions smaller than this fraction of the image are speckle, not corrosion worth reporting. */
export const MIN_AREA_FRACTION = 0.004;
const MAX_DETECTIONS = 8;

export function isRustColour(r: number, g: number, b: number): boolean {
  const [h, s, v] = rgbToHsv(r, g, b);
  return h >= RUST.hueMin && h <= RUST.hueMax && s >= RUST.satMin && v >= RUST.valMin && v <= RUST.valMax;
}

export function rustMask(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = isRustColour(img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]) ? 1 : 0;
  return mask;
}

export function detectCorrosion(img: RgbImage): Detection[] {
  const { width, height } = img;
  const long = Math.max(width, height);
  const raw = rustMask(img);
  // Rust is patchy: join nearby flecks first, then drop isolated specks.
  const joinR = Math.max(1, Math.round(long / 160));
  const mask = open(close(raw, width, height, joinR), width, height, 1);
  const total = width * height;
  return components(mask, width, height)
    .filter((c) => c.area / total >= MIN_AREA_FRACTION)
    .sort((a, b) => b.area - a.area)
    .slice(0, MAX_DETECTIONS)
    .map((c) => {
      let hits = 0;
      for (const p of c.pixels) hits += raw[p];
      const boxPixels = (c.x1 - c.x0 + 1) * (c.y1 - c.y0 + 1);
      // Dense, sizeable patches are the confident ones.
      const density = hits / boxPixels;
      const size = Math.min(1, c.area / total / 0.05);
      return { name: "Corrosion", label: "Rust", score: round(clamp01(0.45 + 0.3 * density + 0.2 * size)), box: boxOf(c, width, height) };
    });
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
