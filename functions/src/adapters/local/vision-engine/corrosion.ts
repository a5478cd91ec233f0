// Corrosion by colour and texture: rust is a red-to-orange-brown hue at middling
// saturation and brightness. Pixels in that range are cleaned up morphologically and
// grouped into regions; a sizeable region is one "Corrosion" detection when its pixels
// also look like rust as a whole: on average red-brown rather than the yellower orange of
// wood, fur, brass and dry grass, darker than orange paint, fabric and skin in light but
// not so dark that shade could be all it is, and
// rough (pitted, flaking) rather than smooth like paint, LCDs and printed drums, its
// brightness varying with that texture rather than with the light across it, not
// shaded like a lit, glossy object (a suit, a cup) that is only partly rust-coloured,
// not pale and shaded like skin, and not grained one way like wood. The
// region thresholds were read off real photos (eval/rust and eval/plain, tune part).
import { close, components, open } from "./morphology";
import { boxOf, clamp01, type Detection } from "./detection";
import { rgbToHsv, type RgbImage } from "./raster";
import type { Component } from "./morphology";

export const RUST = { hueMin: 2, hueMax: 26, satMin: 0.4, valMin: 0.12, valMax: 0.75 } as const;
/** What a whole region must show (means over its rust-coloured pixels). */
export const RUST_REGION = {
  /** Real rust regions averaged 6–17° on the tune photos; fur, wood and brass 22–33°. */
  maxMeanHue: 18,
  /** Real rust 0.40–0.57; an orange suit and painted counter drums 0.64–0.68. */
  maxMeanValue: 0.6,
  /**
   * Below this a red-brown is too dark to tell rust from shade: brick walls in shadow
   * (eval/plain tune) averaged 0.20; real rust on eval/rust's tune photos 0.37 or more.
   */
  minMeanValue: 0.28,
  /** Mean |luma − 3×3 mean| (0..255): real rust 3.3–9.5; LCD glass and printed drums below 1.5. */
  minRoughness: 2.5,
  /**
   * A lit, curved, glossy object (an orange suit, a red cup) spreads its brightness widely
   * (value std 0.18–0.19 on the tune photos) and is only partly rust-coloured (the folds,
   * highlights and print are not: 64–81 % of its region); real rust spread 0.05–0.16 and
   * filled 77–100 % of its region. A region needs both signs of shading to be dismissed.
   */
  shadedMinValueStd: 0.17,
  shadedMaxDensity: 0.85,
  /**
   * Rust's brightness varies at the scale of its pits and flakes; a lit, rounded thing's
   * (a face, a flower's petals) varies across the whole region, its surface smooth between.
   * Value spread (0..255) over roughness: rust regions on eval/rust's tune photos 2.6–5.6;
   * a face 16.7, orange petals 10.8 (eval/plain tune), a meter's lit plastic ring 9.4
   * (eval/meters tune).
   */
  maxShadeOverTexture: 8,
  /**
   * Skin is paler than rust and shaded like any lit, rounded thing: faces and hands in
   * eval/plain's tune photos averaged saturation 0.46–0.52 with value spread 0.09–0.15;
   * rust 0.54–0.89, and the rust regions spread that wide were all 0.58 or more.
   */
  paleMaxSaturation: 0.55,
  paleMinValueStd: 0.09,
  /**
   * Rust is a mixture of oxides, its hue wandering from orange to red-brown; brick and
   * other fired or painted surfaces keep one hue at a moderate saturation. Brick walls in
   * eval/plain's tune photos: saturation 0.47–0.59 with hue spread 1.7–3.3°; the rust
   * regions on eval/rust's tune photos under that saturation spread 4.4–6.4° (the others,
   * 0.65–0.89 saturated, 2.8–7.4°).
   */
  evenMaxSaturation: 0.62,
  evenMaxHueStd: 3.8,
  /**
   * Rust fills the region it forms: 0.63–1.0 of it rust-coloured on the rust tune photos.
   * Warm specks scattered over a red plastic meter ring, brass and reflections joined into
   * one region filled 0.35–0.57 of it (eval/meters tune).
   */
  minDensity: 0.6,
  /**
   * Wood's grain runs one way; rust's pits, flakes and streaks do not. Mean local
   * orientation coherence (structure tensor over a 9 × 9 window, 0 no direction, 1 one
   * direction): rust regions on eval/rust's tune photos 0.31–0.65; a wooden staircase, a
   * wooden handrail and a wood-veneer cabinet (eval/plain tune) 0.75–0.80.
   */
  maxCoherence: 0.7,
} as const;
/** Coherence is measured in windows this many pixels from their centre... */
const COHERENCE_RADIUS = 4;
/** ...around every this-many-th pixel of the region. */
const COHERENCE_STEP = 7;
/**
 * Regions smaller than this fraction of the image are speckle, not corrosion worth
 * reporting. Rust regions on eval/rust's tune photos filled 0.9–36 % of the frame; a
 * basketball and a backlit surfer in wide shots (eval/plain tune) 0.5 %.
 */
export const MIN_AREA_FRACTION = 0.008;
const MAX_DETECTIONS = 8;

/** Luma (0..255) of pixel `p` of packed RGB `data`. */
function lumaAt(data: ArrayLike<number>, p: number): number {
  return 0.299 * data[p * 3] + 0.587 * data[p * 3 + 1] + 0.114 * data[p * 3 + 2];
}

export function isRustColour(r: number, g: number, b: number): boolean {
  const [h, s, v] = rgbToHsv(r, g, b);
  return (
    h >= RUST.hueMin && h <= RUST.hueMax && s >= RUST.satMin && v >= RUST.valMin && v <= RUST.valMax
  );
}

export function rustMask(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    mask[i] = isRustColour(img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]) ? 1 : 0;
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
    .filter((c) => c.area / total >= MIN_AREA_FRACTION && looksLikeRust(regionStats(img, raw, c)))
    .sort((a, b) => b.area - a.area)
    .slice(0, MAX_DETECTIONS)
    .map((c) => {
      let hits = 0;
      for (const p of c.pixels) hits += raw[p];
      const boxPixels = (c.x1 - c.x0 + 1) * (c.y1 - c.y0 + 1);
      // Dense, sizeable patches are the confident ones.
      const density = hits / boxPixels;
      const size = Math.min(1, c.area / total / 0.05);
      return {
        name: "Corrosion",
        label: "Rust",
        score: round(clamp01(0.45 + 0.3 * density + 0.2 * size)),
        box: boxOf(c, width, height),
      };
    });
}

export interface RegionStats {
  meanHue: number;
  /** Standard deviation of HSV hue (degrees) over the rust-coloured pixels. */
  hueStd: number;
  /** HSV saturation, 0..1. */
  meanSaturation: number;
  meanValue: number;
  roughness: number;
  /** Standard deviation of HSV value over the rust-coloured pixels (0..1). */
  valueStd: number;
  /** Share of the (closed) region's pixels that are rust-coloured. */
  density: number;
  /** Mean local orientation coherence of the region's texture, 0..1 (RUST_REGION.maxCoherence). */
  coherence: number;
}

/** Means over the region's rust-coloured pixels (away from the image border). */
export function regionStats(
  img: RgbImage,
  raw: Uint8Array,
  c: Pick<Component, "pixels" | "area">,
): RegionStats {
  const { width, height, data } = img;
  const luma = (p: number) => lumaAt(data, p);
  let n = 0,
    hue = 0,
    hue2 = 0,
    saturation = 0,
    value = 0,
    value2 = 0,
    hits = 0,
    rough = 0;
  for (const p of c.pixels) {
    if (!raw[p]) continue;
    hits++;
    const x = p % width,
      y = (p - x) / width;
    if (x < 1 || y < 1 || x >= width - 1 || y >= height - 1) continue;
    let m = 0;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) m += luma(p + dy * width + dx);
    rough += Math.abs(luma(p) - m / 9);
    const [h, sat, v] = rgbToHsv(data[p * 3], data[p * 3 + 1], data[p * 3 + 2]);
    hue += h;
    hue2 += h * h;
    saturation += sat;
    value += v;
    value2 += v * v;
    n++;
  }
  // An empty sample (every rust-coloured pixel on the border) has all its means 0.
  const k = Math.max(1, n);
  const meanValue = value / k;
  const meanHue = hue / k;
  return {
    meanHue,
    hueStd: Math.sqrt(Math.max(0, hue2 / k - meanHue * meanHue)),
    meanSaturation: saturation / k,
    meanValue,
    roughness: rough / k,
    valueStd: Math.sqrt(Math.max(0, value2 / k - meanValue * meanValue)),
    density: c.area > 0 ? hits / c.area : 0,
    coherence: meanCoherence(img, c.pixels),
  };
}

/**
 * How much the texture of a region runs one way: the structure tensor's coherence
 * (|λ1 − λ2| / (λ1 + λ2) of the summed outer products of luma gradients) in a window
 * around every COHERENCE_STEP-th pixel, over the region's own pixels, averaged.
 */
export function meanCoherence(img: RgbImage, pixels: ArrayLike<number>): number {
  const { width, height, data } = img;
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let i = 0; i < pixels.length; i++) {
    const x = pixels[i] % width,
      y = (pixels[i] - x) / width;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (x1 < 0) return 0;
  // The region's pixels and their luma gradients on its bounding box, each gradient taken
  // once: about (2 × COHERENCE_RADIUS + 1)² / COHERENCE_STEP windows read it. Pixels on
  // the image's border have no central difference and take no part.
  const bw = x1 - x0 + 1;
  const own = new Uint8Array(bw * (y1 - y0 + 1));
  const gx = new Float64Array(own.length),
    gy = new Float64Array(own.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i];
    const x = p % width,
      y = (p - x) / width;
    if (x < 1 || y < 1 || x >= width - 1 || y >= height - 1) continue;
    const b = (y - y0) * bw + (x - x0);
    own[b] = 1;
    gx[b] = lumaAt(data, p + 1) - lumaAt(data, p - 1);
    gy[b] = lumaAt(data, p + width) - lumaAt(data, p - width);
  }
  let sum = 0,
    n = 0;
  for (let i = 0; i < pixels.length; i += COHERENCE_STEP) {
    const p = pixels[i];
    const x = (p % width) - x0,
      y = (p - (p % width)) / width - y0;
    let jxx = 0,
      jyy = 0,
      jxy = 0;
    for (let dy = -COHERENCE_RADIUS; dy <= COHERENCE_RADIUS; dy++)
      for (let dx = -COHERENCE_RADIUS; dx <= COHERENCE_RADIUS; dx++) {
        const xx = x + dx,
          yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= bw || yy > y1 - y0) continue;
        const b = yy * bw + xx;
        if (!own[b]) continue;
        jxx += gx[b] * gx[b];
        jyy += gy[b] * gy[b];
        jxy += gx[b] * gy[b];
      }
    if (jxx + jyy <= 0) continue;
    sum += Math.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / (jxx + jyy);
    n++;
  }
  return n ? sum / n : 0;
}

export function looksLikeRust(s: RegionStats): boolean {
  return (
    s.meanHue <= RUST_REGION.maxMeanHue &&
    s.meanValue <= RUST_REGION.maxMeanValue &&
    s.meanValue >= RUST_REGION.minMeanValue &&
    s.roughness >= RUST_REGION.minRoughness &&
    s.density >= RUST_REGION.minDensity &&
    s.coherence <= RUST_REGION.maxCoherence &&
    (s.valueStd * 255) / Math.max(1e-6, s.roughness) <= RUST_REGION.maxShadeOverTexture &&
    !(s.valueStd >= RUST_REGION.shadedMinValueStd && s.density < RUST_REGION.shadedMaxDensity) &&
    !(
      s.meanSaturation < RUST_REGION.paleMaxSaturation && s.valueStd >= RUST_REGION.paleMinValueStd
    ) &&
    !(s.meanSaturation < RUST_REGION.evenMaxSaturation && s.hueStd < RUST_REGION.evenMaxHueStd)
  );
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
