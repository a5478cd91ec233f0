// Extraction helpers for the eval sets: CrackForest labels its cracks as run-length
// ".seg" files (the sets measure box coverage against PNG masks, so they are converted),
// other datasets as mask images (often JPEG, with compression noise: binarized), and some
// photos are tiles of a published figure.
import sharp from "sharp";

export interface SegMask {
  width: number;
  height: number;
  /** 255 on crack pixels, 0 elsewhere. */
  data: Uint8Array;
}

/** Parses a .seg file: a header (width, height, ...), "data", then lines "segment row colStart colEnd"; segment 1 is crack. */
export function parseSeg(seg: string): SegMask {
  const lines = seg.split(/\r?\n/);
  const header = (key: string) =>
    Number(lines.find((l) => l.startsWith(`${key} `))?.split(/\s+/)[1]);
  const width = header("width");
  const height = header("height");
  const start = lines.findIndex((l) => l.trim() === "data");
  if (!(width > 0 && height > 0) || start < 0)
    throw new Error("not a .seg file (no width, height or data)");
  const data = new Uint8Array(width * height);
  for (const l of lines.slice(start + 1)) {
    const [s, row, c0, c1] = l.trim().split(/\s+/).map(Number);
    if (s !== 1 || !(row >= 0 && row < height) || !(c0 <= c1)) continue;
    data.fill(255, row * width + Math.max(0, c0), row * width + Math.min(width - 1, c1) + 1);
  }
  return { width, height, data };
}

export async function segToPng(seg: string): Promise<Buffer> {
  const m = parseSeg(seg);
  return greyPng(m.data, m.width, m.height);
}

/** One-channel 8-bit pixels as a PNG. */
function greyPng(data: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(data), { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/** One tile of a figure, as PNG (lossless, so the tile is the figure's own pixels). */
export async function cropTile(
  figure: Buffer,
  r: { left: number; top: number; width: number; height: number },
): Promise<Buffer> {
  return sharp(figure).extract(r).png().toBuffer();
}

/**
 * A dataset's mask image as a PNG mask: 255 where the crack is (light pixels, or dark ones
 * when `invert`), 0 elsewhere; mid-grey JPEG noise falls to the nearer side.
 */
export async function maskImageToPng(image: Buffer, invert = false): Promise<Buffer> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const out = Uint8Array.from(data, (v) => (v > 127 !== invert ? 255 : 0));
  return greyPng(out, info.width, info.height);
}
