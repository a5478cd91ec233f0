// Cracks as dark, thin, long, meandering structures. A black top-hat (grey closing minus
// the image) lights up dark lines narrower than the window while ignoring ordinary edges
// between dark and bright areas; the lit pixels are grouped, and a group counts as a crack
// when it is long, thin, elongated, not ruler-straight (cables, seams and poles are) nor a
// smooth curve (the rim of a glass dome), wandering as cracks do,
// runs through an even surface (a crack splits one surface; a dark gap between objects,
// folds in fabric, hair and the edges of things sit in busy surroundings), and is not one
// of many parallel lines (text, tiles, lattices) nor a mesh enclosing many cells (the gaps
// of a steel lattice). Hairline cracks are barely darker than
// the grain of the surface, so a second pass lights pixels by an oriented line response
// (contrast kept along a direction, see line-response.ts) well above the image's own
// grain, and holds what it finds to the same shape tests and a stricter even-surface one.
// Colourful surroundings are left alone (withoutColourfulSurfaces): there a shadow on grass
// or a strand of hair passes every shape test, and no real crack photo to tell them apart
// is at hand. Thresholds read off real photos (eval/cracks and eval/plain, tune part).
import { blackTopHat, close, components, lineShape, type Component } from "./morphology";
import { lineResponse, medianOf, pool2 } from "./line-response";
import { boxArea, boxOf, clamp01, intersection, type Detection } from "./detection";
import { rgbToHsv, type GreyImage, type RgbImage } from "./raster";

export const CRACK = {
  /** Top-hat contrast (0..255) a pixel needs to count as part of a dark line. */
  minContrast: 28,
  /** ...and relative to its surroundings, so faint texture in bright areas does not count. */
  minRelativeContrast: 0.22,
  /** Shortest crack, as a fraction of the image's long edge. */
  minLengthFraction: 0.15,
  /**
   * A line shorter than this fraction of the long edge must be at least `shortOverGrain`
   * times as dark (mean top-hat) as the image's median top-hat. Chance chains of dark grain
   * are short and barely stand out: 0.17–0.25 long at 1.8–1.9 in strong generated grain,
   * about 3 in 1000 frames before this test, none in 3000 after. The strong-pass cracks of
   * eval/cracks' tune photos this short stand out 2.2 and more (every figure unchanged).
   */
  shortLengthFraction: 0.26,
  shortOverGrain: 2.05,
  /**
   * Largest coefficient of variation of the top-hat along a line. A crack is about evenly
   * dark along its length (eval/cracks tune: 0.27–0.46 in the strong pass, up to 0.77 in
   * the faint one); the seam of an enclosure, the edge of a meter box or the rim of a glass
   * dome comes and goes with the light (0.58–0.71 and 1.1–1.5 on eval/meters tune).
   */
  maxContrastCv: 0.55,
  maxFaintContrastCv: 0.9,
  /** Widest crack, as a fraction of the long edge. */
  maxWidthFraction: 0.03,
  minElongation: 3.5,
  /** Perpendicular spread relative to width below which a line is too straight to be a crack. */
  minMeander: 1.6,
  /**
   * Largest coefficient of variation of the surface around the line (its box grown by two
   * window radii, line pixels left out): road cracks 0.06–0.14, object edges 0.17–0.62.
   */
  maxSurroundCv: 0.16,
  /**
   * A line enclosing more than this many cells (holes at least a window radius squared) is
   * a mesh: the gaps of a steel lattice enclosed 19–26 (eval/plain tune), cracked pavement
   * on eval/cracks' tune photos at most 3.
   */
  maxCells: 8,
  /**
   * A crack wanders about any smooth curve through it by more than this many of its widths
   * (pixels' spread about the least-squares parabola along its main axis, a line of even
   * width alone giving about 0.29): road cracks on eval/cracks' tune photos 0.46–6.3. The
   * rim of a meter's glass dome, a smooth arc, strayed 0.25–0.36 (eval/meters tune).
   */
  minWander: 0.4,
  /** This many candidate lines all pointing the same way (|mean of e^{2iθ}| ≥ 0.9) are a pattern. */
  patternCount: 5,
  patternAlignment: 0.9,
  /** Faint pass: half-length of the averaging segments, in top-hat window radii. */
  lineHalfRadii: 2,
  /**
   * A faint-line pixel's line response must reach this multiple of the image's median
   * response (the surface's own grain). Tune photos find most from 2.0 to 2.4; generated
   * grain alone starts to pass below about 1.8...
   */
  faintOverGrain: 2.2,
  /** ...and this floor (0..255), so the faint grain of flat or dark frames does not count. */
  minFaintResponse: 6,
  /** Weaker evidence needs a quieter surface: faint cracks on tune photos 0.06–0.14. */
  maxFaintSurroundCv: 0.14,
  /** A faint line whose box lies this much inside a box already found adds nothing. */
  duplicateShare: 0.5,
  /**
   * Largest mean HSV saturation over a crack's box. Cracked pavement on eval/cracks' tune
   * photos: 0.01–0.08; a leg's shadow on grass 0.36 and a strand of hair over a sunlit
   * background 0.39 (eval/plain tune).
   */
  maxSurfaceSaturation: 0.25,
} as const;
const MAX_DETECTIONS = 6;

type Candidate = Detection & { angle: number };

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
  const strong = candidates(grey, hat, raw, {
    pad: 2 * r,
    maxSurroundCv: CRACK.maxSurroundCv,
    grainHat: medianOf(hat),
    maxContrastCv: CRACK.maxContrastCv,
  });
  // Text, tiles and lattices: nothing in the frame is a crack, faint or not.
  if (isPattern(strong)) return [];
  // Faint lines are looked for on a half-size copy, a quarter of the work: the 2×2 max of
  // the top-hat keeps hairlines, and the shape tests are relative to the image's size.
  const hatSmall = pool2(hat, width, height, "max");
  const { width: w2, height: h2 } = hatSmall;
  const response = lineResponse(hatSmall.data, w2, h2, Math.round((CRACK.lineHalfRadii * r) / 2));
  const floor = Math.max(CRACK.minFaintResponse, CRACK.faintOverGrain * medianOf(response));
  // Only the response lights pixels here: adding the first pass's pixels would let scattered
  // dark specks of coarse grain link chance alignments into long chains.
  const lit = new Uint8Array(w2 * h2);
  for (let i = 0; i < lit.length; i++) lit[i] = response[i] >= floor ? 1 : 0;
  const greySmall = pool2(data, width, height, "mean");
  const faint = candidates(greySmall, hatSmall.data, lit, {
    // Two window radii of the full-size image are r pixels here.
    pad: r,
    maxSurroundCv: CRACK.maxFaintSurroundCv,
    // Faint lines are held to the grain by their line response already (faintOverGrain).
    grainHat: 0,
    maxContrastCv: CRACK.maxFaintContrastCv,
  });
  const added = isPattern(faint)
    ? []
    : faint.filter(
        (f) =>
          !strong.some((s) => intersection(s.box, f.box) >= CRACK.duplicateShare * boxArea(f.box)),
      );
  return [...strong, ...added]
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_DETECTIONS)
    .map(({ angle: _angle, ...d }) => d);
}

/** What a pass holds its lines to, besides the shared shape tests. */
interface PassTests {
  /** How far around a line its surface is measured: two top-hat window radii. */
  pad: number;
  maxSurroundCv: number;
  /** The image's median top-hat, how dark its grain is (0: no short-line test). */
  grainHat: number;
  maxContrastCv: number;
}

/** Groups of lit pixels that pass the shape and even-surface tests, scored. */
function candidates(
  grey: GreyImage,
  hat: Float32Array,
  lit: Uint8Array,
  { pad, maxSurroundCv, grainHat, maxContrastCv }: PassTests,
): Candidate[] {
  const { width, height, data } = grey;
  const long = Math.max(width, height);
  // Bridge one-pixel gaps along a crack so it is seen as one structure.
  const mask = close(lit, width, height, 1);
  const found: Candidate[] = [];
  for (const c of components(mask, width, height, hat)) {
    if (c.area < 8) continue;
    const { major, minor, length, width: width2, meander } = lineShape(c);
    const elongation = Math.sqrt(major / Math.max(minor, 0.25));
    if (length < CRACK.minLengthFraction * long) continue;
    if (width2 > Math.max(3, CRACK.maxWidthFraction * long)) continue;
    if (elongation < CRACK.minElongation || meander < CRACK.minMeander) continue;
    if (surroundCv(data, lit, width, height, c, pad) > maxSurroundCv) continue;
    const contrast = c.weight / c.area;
    if (length < CRACK.shortLengthFraction * long && contrast < CRACK.shortOverGrain * grainHat)
      continue;
    if (darknessCv(hat, c.pixels) > maxContrastCv) continue;
    if (enclosedCells(c, width, Math.max(1, (pad / 2) ** 2)) > CRACK.maxCells) continue;
    if (curveResidual(c, width) < CRACK.minWander * width2) continue;
    const score = clamp01(
      0.4 + 0.3 * Math.min(1, length / (0.4 * long)) + 0.25 * Math.min(1, contrast / 100),
    );
    found.push({
      name: "Crack",
      label: "Crack",
      score: Math.round(score * 1000) / 1000,
      box: boxOf(c, width, height),
      angle: 0.5 * Math.atan2(2 * c.cxy, c.cxx - c.cyy),
    });
  }
  return found;
}

/** Coefficient of variation of `hat` over `pixels`: how unevenly dark a line is along its length. */
export function darknessCv(hat: ArrayLike<number>, pixels: ArrayLike<number>): number {
  let sum = 0,
    squares = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = hat[pixels[i]];
    sum += v;
    squares += v * v;
  }
  const mean = sum / Math.max(1, pixels.length);
  return mean > 0 ? Math.sqrt(Math.max(0, squares / pixels.length - mean * mean)) / mean : 0;
}

/**
 * How many cells a component encloses: holes in it (8-connected, as the components are),
 * not touching its bounds, of at least `minArea` pixels (smaller ones are gaps the closing
 * left).
 */
export function enclosedCells(
  c: Pick<Component, "x0" | "y0" | "x1" | "y1" | "pixels">,
  width: number,
  minArea: number,
): number {
  // The component's box with a one-pixel margin, so the outside is one connected region.
  const bw = c.x1 - c.x0 + 3,
    bh = c.y1 - c.y0 + 3;
  const outside = new Uint8Array(bw * bh).fill(1);
  for (const p of c.pixels) {
    const x = p % width,
      y = (p - x) / width;
    outside[(y - c.y0 + 1) * bw + (x - c.x0 + 1)] = 0;
  }
  return components(outside, bw, bh).filter(
    (k) => k.x0 > 0 && k.y0 > 0 && k.x1 < bw - 1 && k.y1 < bh - 1 && k.area >= minArea,
  ).length;
}

/** This many lines all pointing the same way are a pattern (text, tiles), not cracks. */
function isPattern(found: readonly Candidate[]): boolean {
  if (found.length < CRACK.patternCount) return false;
  const cx = found.reduce((s, f) => s + Math.cos(2 * f.angle), 0) / found.length;
  const cy = found.reduce((s, f) => s + Math.sin(2 * f.angle), 0) / found.length;
  return Math.hypot(cx, cy) >= CRACK.patternAlignment;
}

/** Coefficient of variation of the grey level around a component, its own (lit) pixels left out. */
export function surroundCv(
  grey: Float32Array,
  lit: Uint8Array,
  width: number,
  height: number,
  c: Pick<Component, "x0" | "y0" | "x1" | "y1">,
  pad: number,
): number {
  const x0 = Math.max(0, c.x0 - pad),
    x1 = Math.min(width - 1, c.x1 + pad);
  const y0 = Math.max(0, c.y0 - pad),
    y1 = Math.min(height - 1, c.y1 + pad);
  let n = 0,
    s = 0,
    ss = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const p = y * width + x;
      if (lit[p]) continue;
      s += grey[p];
      ss += grey[p] * grey[p];
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = s / n;
  return mean > 0 ? Math.sqrt(Math.max(0, ss / n - mean * mean)) / mean : 0;
}

/** Mean HSV saturation of the pixels under a box (normalized coordinates) of `img`. */
export function boxSaturation(img: RgbImage, box: Detection["box"]): number {
  const x0 = Math.max(0, Math.floor(box.x0 * img.width)),
    x1 = Math.min(img.width, Math.ceil(box.x1 * img.width));
  const y0 = Math.max(0, Math.floor(box.y0 * img.height)),
    y1 = Math.min(img.height, Math.ceil(box.y1 * img.height));
  let n = 0,
    sum = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const p = (y * img.width + x) * 3;
      sum += rgbToHsv(img.data[p], img.data[p + 1], img.data[p + 2])[1];
      n++;
    }
  return n ? sum / n : 0;
}

/**
 * Crack detections on a near-neutral surface only (concrete, asphalt, stone, plaster):
 * where the surroundings are colourful the engine cannot tell a crack from a shadow on
 * grass or a strand of hair, and says nothing rather than guess.
 */
export function withoutColourfulSurfaces(found: Detection[], img: RgbImage): Detection[] {
  return found.filter((d) => boxSaturation(img, d.box) <= CRACK.maxSurfaceSaturation);
}

/**
 * How far a line strays from the smooth curve through it: the standard deviation of its
 * pixels about the least-squares parabola along its main axis, in pixels.
 */
export function curveResidual(c: Pick<Component, "pixels">, width: number): number {
  const n = c.pixels.length;
  // Coefficients of the parabola: a + b·t + c·t².
  const k = 3;
  if (n <= k) return 0;
  const xs = new Float64Array(n),
    ys = new Float64Array(n);
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    xs[i] = c.pixels[i] % width;
    ys[i] = Math.floor(c.pixels[i] / width);
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0,
    syy = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const cos = Math.cos(theta),
    sin = Math.sin(theta);
  const u = new Float64Array(n),
    v = new Float64Array(n);
  let scale = 1;
  for (let i = 0; i < n; i++) {
    u[i] = (xs[i] - mx) * cos + (ys[i] - my) * sin;
    v[i] = -(xs[i] - mx) * sin + (ys[i] - my) * cos;
    scale = Math.max(scale, Math.abs(u[i]));
  }
  // Normal equations of v ≈ Σ a_k (u/scale)^k, scaled so that the powers stay near 1.
  const A = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = 0; i < n; i++) {
    const t = u[i] / scale;
    const pw = [1];
    for (let d = 1; d < k; d++) pw.push(pw[d - 1] * t);
    for (let r = 0; r < k; r++) {
      for (let q = 0; q < k; q++) A[r][q] += pw[r] * pw[q];
      A[r][k] += pw[r] * v[i];
    }
  }
  const coef = solve(A);
  if (!coef) return 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const t = u[i] / scale;
    let fit = 0;
    for (let d = k - 1; d >= 0; d--) fit = fit * t + coef[d];
    ss += (v[i] - fit) ** 2;
  }
  return Math.sqrt(ss / n);
}

/** Gaussian elimination with partial pivoting on an augmented matrix; null when singular. */
function solve(A: Float64Array[]): number[] | null {
  const k = A.length;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r][col]) > Math.abs(A[pivot][col])) pivot = r;
    if (Math.abs(A[pivot][col]) < 1e-9) return null;
    [A[col], A[pivot]] = [A[pivot], A[col]];
    for (let r = col + 1; r < k; r++) {
      const f = A[r][col] / A[col][col];
      for (let q = col; q <= k; q++) A[r][q] -= f * A[col][q];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let t = A[r][k];
    for (let q = r + 1; q < k; q++) t -= A[r][q] * x[q];
    x[r] = t / A[r][r];
  }
  return x;
}
