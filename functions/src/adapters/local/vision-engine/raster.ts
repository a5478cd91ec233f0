// Decoded pixels for the classical detectors: oriented like the display copy (EXIF
// rotation applied) and shrunk, since the detectors look at regions, not fine detail.
import sharp from "sharp";

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved 8-bit RGB, row-major. */
  data: Uint8Array;
}

export interface GreyImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Upper bound on decoded pixels, so a hostile file cannot exhaust memory here. */
export const MAX_INPUT_PIXELS = 100_000_000;

export async function loadRgb(content: Buffer, maxEdge: number): Promise<RgbImage> {
  const { data, info } = await sharp(content, {
    failOn: "error",
    limitInputPixels: MAX_INPUT_PIXELS,
  })
    .rotate()
    .resize({ width: maxEdge, height: maxEdge, fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** Rec. 601 luma, 0..255. */
export function toGrey(img: RgbImage): GreyImage {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = 0.299 * img.data[i * 3] + 0.587 * img.data[i * 3 + 1] + 0.114 * img.data[i * 3 + 2];
  }
  return { width: img.width, height: img.height, data: out };
}

/** Hue in degrees [0, 360), saturation and value in [0, 1]. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = 60 * (((g - b) / d) % 6);
    else if (max === g) h = 60 * ((b - r) / d + 2);
    else h = 60 * ((r - g) / d + 4);
  }
  if (h < 0) h += 360;
  return [h, max === 0 ? 0 : d / max, max / 255];
}
