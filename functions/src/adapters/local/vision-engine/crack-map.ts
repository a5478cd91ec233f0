// Crack findings from the crack model's map (./crack-model): the probability, per pixel of
// the detectors' copy, that the pixel lies on a crack. The map does two things:
// - it confirms the shape detector's lines (./cracks): a line on which the model sees no
//   crack at all is a cable, a seam, a shadow or print, and is dropped;
// - it finds cracks of its own: pixels it is fairly sure of are grouped, and a group long
//   enough that it is sure of on the whole is a crack, boxed where it lies. This finds the
//   wide, open cracks of porous concrete and brick that the shape detector cannot;
// - a crack only one of the two is sure of scores at most `ownScoreBase + ownScoreSpan`
//   (MEDIUM unless large): a line the model merely glimpses (a few pixels of its box) keeps
//   the shape detector's high score only where the model also finds a crack of its own.
// Thresholds were chosen on the model's validation fold: a quarter of its training groups
// (cracks in concrete, pavement and masonry; photos of no crack) that it was not trained
// on (tools/crack-model/README.md); no eval photo was looked at for them.
import { close, components, lineShape, type Component } from "./morphology";
import { boxArea, boxOf, clamp01, intersection, type Detection } from "./detection";

export const CRACK_MAP = {
  /** Highest probability a shape-detector line needs somewhere in its box to be kept. */
  confirm: 0.5,
  /** A found crack whose box lies this much inside a kept line's box adds nothing. */
  duplicateShare: 0.5,
  /** Probability a pixel needs to be part of one of the model's own cracks. */
  pixel: 0.5,
  /**
   * Shortest crack of the model's own, as a fraction of the image's long edge. Shorter
   * groups are mostly hair, toy edges and seams (validation fold, below).
   */
  minLengthFraction: 0.25,
  /** Mean probability over a crack's pixels. */
  minMean: 0.7,
  /**
   * Least spread across a group's main axis, in its own widths: a ruler-straight line
   * (a saw cut, a formwork joint, a cable) spreads about its width, 0.95 for a painted
   * one; the straightest cracks of the validation fold, brick patches, 1.07.
   */
  minMeander: 1.05,
  /**
   * This many groups at least `patternLengthFraction` long are a mesh (mortar joints of a
   * sound brick wall, hair, foliage): the model's own cracks are left out there.
   */
  patternCount: 4,
  patternLengthFraction: 0.125,
  /**
   * In a mesh, a group this long (fraction of the long edge) and this sure on the whole
   * still is a crack: a stepped crack through a brick wall lights up with the joints beside
   * it, but no sound joint, hair or leaf is 0.4 of the frame long and sure along all of it.
   * Seen in a mesh it is doubtful, so it scores `meshScore` (LOW, MEDIUM if large).
   */
  dominantLengthFraction: 0.4,
  dominantMean: 0.85,
  meshScore: 0.55,
  /**
   * A group as sure as a dominant crack, long enough to be a crack alone, and within this
   * much of a dominant crack's box (fraction of the long edge) continues it: a stepped crack
   * broken where it turns at a joint.
   */
  continuationReach: 0.05,
  /**
   * The model's own cracks score 0.5 to 0.8 (MEDIUM; HIGH only when their box covers much
   * of the frame): the shape detector agreeing with the model is stronger evidence.
   */
  ownScoreBase: 0.5,
  ownScoreSpan: 0.3,
  /** Length at which an own crack's score stops growing, as a fraction of the long edge. */
  fullLengthFraction: 0.6,
} as const;
const MAX_DETECTIONS = 6;

type Box = Pick<Component, "x0" | "y0" | "x1" | "y1">;

export interface ProbabilityMap {
  width: number;
  height: number;
  /** 0..1, row-major. */
  data: Float32Array;
}

/**
 * The model's own cracks: long groups of crack pixels it is sure of; in a mesh, only a
 * dominant one and the groups that continue it.
 */
export function cracksFromMap(map: ProbabilityMap): Detection[] {
  return ownCracks(map).found;
}

function ownCracks(map: ProbabilityMap): { found: Detection[]; mesh: boolean } {
  const { width, height, data } = map;
  const long = Math.max(width, height);
  const lit = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) lit[i] = data[i] >= CRACK_MAP.pixel ? 1 : 0;
  // Bridge one-pixel gaps along a crack so it is seen as one structure.
  const mask = close(lit, width, height, 1);
  const groups = components(mask, width, height, data).map((c) => ({
    c,
    mean: c.weight / c.area,
    ...lineShape(c),
  }));
  const lines = groups.filter((g) => g.length >= CRACK_MAP.patternLengthFraction * long);
  const mesh = lines.length >= CRACK_MAP.patternCount;
  const cracks = groups.filter(
    (g) =>
      g.length >= CRACK_MAP.minLengthFraction * long &&
      g.mean >= CRACK_MAP.minMean &&
      g.meander >= CRACK_MAP.minMeander,
  );
  // In a mesh: a group long and sure enough to be a crack even so, and the sure groups
  // near one that continue it.
  const dominant = cracks.filter(
    (g) => g.length >= CRACK_MAP.dominantLengthFraction * long && g.mean >= CRACK_MAP.dominantMean,
  );
  const reach = CRACK_MAP.continuationReach * long;
  const continues = (g: (typeof cracks)[number]) =>
    g.mean >= CRACK_MAP.dominantMean && dominant.some((d) => d !== g && near(d.c, g.c, reach));
  const kept = mesh ? cracks.filter((g) => dominant.includes(g) || continues(g)) : cracks;
  const found: Detection[] = [];
  for (const { c, length, mean } of kept) {
    const grown = Math.min(1, length / (CRACK_MAP.fullLengthFraction * long));
    const score = mesh
      ? CRACK_MAP.meshScore
      : clamp01(CRACK_MAP.ownScoreBase + CRACK_MAP.ownScoreSpan * mean * grown);
    found.push({
      name: "Crack",
      label: "Crack",
      score: Math.round(score * 1000) / 1000,
      box: boxOf(c, width, height),
    });
  }
  return { found: found.sort((a, b) => b.score - a.score).slice(0, MAX_DETECTIONS), mesh };
}

/** Whether two groups' pixel boxes come within `reach` pixels of each other. */
function near(a: Box, b: Box, reach: number): boolean {
  return (
    a.x0 - reach <= b.x1 && b.x0 - reach <= a.x1 && a.y0 - reach <= b.y1 && b.y0 - reach <= a.y1
  );
}

/** The shape detector's lines the model confirms, and the model's own cracks beside them. */
export function withCrackMap(lines: Detection[], map: ProbabilityMap): Detection[] {
  const { found, mesh } = ownCracks(map);
  // A crack found in a mesh is doubtful itself, so it lends a line no extra weight.
  const sure = mesh ? [] : found;
  const confirmed = lines
    .filter((d) => peakIn(map, d.box) >= CRACK_MAP.confirm)
    .map((d) => (sure.some((c) => intersection(d.box, c.box) > 0) ? d : singly(d)));
  const own = found.filter(
    (c) =>
      !confirmed.some(
        (d) => intersection(d.box, c.box) >= CRACK_MAP.duplicateShare * boxArea(c.box),
      ),
  );
  return [...confirmed, ...own].sort((a, b) => b.score - a.score).slice(0, MAX_DETECTIONS);
}

/** A line the model does not find by itself scores no higher than the model's own cracks. */
function singly(d: Detection): Detection {
  const cap = CRACK_MAP.ownScoreBase + CRACK_MAP.ownScoreSpan;
  return d.score <= cap ? d : { ...d, score: cap };
}

/** The map's highest probability inside a normalized box. */
export function peakIn(map: ProbabilityMap, box: Detection["box"]): number {
  const { width, height, data } = map;
  const x0 = Math.max(0, Math.floor(box.x0 * width));
  const x1 = Math.min(width, Math.ceil(box.x1 * width));
  const y0 = Math.max(0, Math.floor(box.y0 * height));
  const y1 = Math.min(height, Math.ceil(box.y1 * height));
  let peak = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) peak = Math.max(peak, data[y * width + x]);
  return peak;
}
