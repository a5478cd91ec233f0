// Text-line boxes from the detector's mask and their crops from the full image, in plain
// typed-array code. @gutenye/ocr-common's cropper (opencv.js), used before, leaked about
// 3.7 MB of wasm heap per photo and handed out crops that were views into that heap: when
// it grew, earlier crops were detached and reads failed ("detached ArrayBuffer").
import { components } from "./morphology";
import type { Quad } from "./ocr-lines";

export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** Pixels of one text line as the recognisers take them (./ocr-engine, ./drum-reader). */
export interface LineImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** A line narrower than this many mask pixels (before growing) is a speck. */
const MIN_SIDE = 3;
/** Boxes are grown by area × this / perimeter, as PP-OCR's post-processing does. */
const UNCLIP_RATIO = 1.5;

/** A box this much taller than wide is a line standing on end, read along its height. */
const ON_END = 1.5;

/**
 * One box per 8-connected blob of the text mask (1 = text), oriented along the blob's
 * principal axes, grown by the unclip distance and scaled by `scale` (mask to image
 * pixels). Corners run top-left, top-right, bottom-right, bottom-left in reading order:
 * along the more horizontal axis, left to right, unless the box stands on end.
 */
export function lineBoxes(mask: Uint8Array, width: number, height: number, scale = 1): Quad[] {
  const boxes: Quad[] = [];
  for (const c of components(mask, width, height)) {
    const theta = 0.5 * Math.atan2(2 * c.cxy, c.cxx - c.cyy);
    // The principal axis nearer the horizontal, pointing right; its normal points down.
    let [ux, uy] = [Math.cos(theta), Math.sin(theta)];
    if (Math.abs(uy) > Math.abs(ux)) [ux, uy] = [-uy, ux];
    if (ux < 0) [ux, uy] = [-ux, -uy];
    const [vx, vy] = [-uy, ux];
    let [a0, a1, b0, b1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of c.pixels) {
      const x = (p % width) + 0.5;
      const y = (p - (p % width)) / width + 0.5;
      const a = x * ux + y * uy;
      const b = x * vx + y * vy;
      if (a < a0) a0 = a;
      if (a > a1) a1 = a;
      if (b < b0) b0 = b;
      if (b > b1) b1 = b;
    }
    // Pixels are unit squares: the box holds them whole.
    a0 -= 0.5;
    a1 += 0.5;
    b0 -= 0.5;
    b1 += 0.5;
    const along = a1 - a0,
      across = b1 - b0;
    if (Math.min(along, across) < MIN_SIDE) continue;
    const grow = (along * across * UNCLIP_RATIO) / (2 * (along + across));
    a0 -= grow;
    a1 += grow;
    b0 -= grow;
    b1 += grow;
    if (Math.min(a1 - a0, b1 - b0) < MIN_SIDE + 2) continue;
    const at = (a: number, b: number) => [(a * ux + b * vx) * scale, (a * uy + b * vy) * scale];
    if (b1 - b0 >= ON_END * (a1 - a0)) {
      // Standing on end: read bottom to top (its left side is the image's bottom).
      boxes.push([at(a0, b1), at(a0, b0), at(a1, b0), at(a1, b1)]);
      continue;
    }
    boxes.push([at(a0, b0), at(a1, b0), at(a1, b1), at(a0, b1)]);
  }
  return boxes;
}

/**
 * The RGBA pixels under an oriented box (corners as `lineBoxes` gives them), straightened:
 * as wide as its top edge is long and as tall as its left edge, sampled bilinearly,
 * edges clamped to the image.
 */
export function cropBox(image: RawImage, box: Quad): RawImage {
  const [tl, tr, , bl] = box;
  const width = Math.max(1, Math.round(Math.hypot(tr[0] - tl[0], tr[1] - tl[1])));
  const height = Math.max(1, Math.round(Math.hypot(bl[0] - tl[0], bl[1] - tl[1])));
  const ux = (tr[0] - tl[0]) / width,
    uy = (tr[1] - tl[1]) / width;
  const vx = (bl[0] - tl[0]) / height,
    vy = (bl[1] - tl[1]) / height;
  const { data: src, width: sw, height: sh } = image;
  const out = new Uint8Array(width * height * 4);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      // Pixel centres: sample the source at its own pixel-centre convention.
      const x = tl[0] + (i + 0.5) * ux + (j + 0.5) * vx - 0.5;
      const y = tl[1] + (i + 0.5) * uy + (j + 0.5) * vy - 0.5;
      const xc = Math.min(sw - 1, Math.max(0, x));
      const yc = Math.min(sh - 1, Math.max(0, y));
      const x0 = Math.floor(xc),
        y0 = Math.floor(yc);
      const x1 = Math.min(sw - 1, x0 + 1),
        y1 = Math.min(sh - 1, y0 + 1);
      const fx = xc - x0,
        fy = yc - y0;
      const o = (j * width + i) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const top = src[(y0 * sw + x0) * 4 + ch] * (1 - fx) + src[(y0 * sw + x1) * 4 + ch] * fx;
        const bottom = src[(y1 * sw + x0) * 4 + ch] * (1 - fx) + src[(y1 * sw + x1) * 4 + ch] * fx;
        out[o + ch] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data: out, width, height };
}

/** Corners rounded to whole pixels and clamped to the image, for reporting. */
export function clampBox(box: Quad, width: number, height: number): Quad {
  return box.map(([x, y]) => [
    Math.min(width, Math.max(0, Math.round(x))),
    Math.min(height, Math.max(0, Math.round(y))),
  ]);
}
