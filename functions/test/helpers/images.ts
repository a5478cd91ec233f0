// Generated test images (sharp), so no binary fixtures live in the repo.
import sharp from "sharp";

export async function solidJpeg(
  width: number,
  height: number,
  rgb: [number, number, number] = [120, 140, 160],
): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } },
  })
    .jpeg()
    .toBuffer();
}

/** Deterministic pseudo-random noise: incompressible, so it stresses the byte limit. */
export function noiseRaw(width: number, height: number, seed = 1): Buffer {
  const buf = Buffer.alloc(width * height * 3);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < buf.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

export async function noiseJpeg(
  width: number,
  height: number,
  seed = 1,
  quality = 95,
): Promise<Buffer> {
  return sharp(noiseRaw(width, height, seed), { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

export const QUADRANT_COLOURS: [number, number, number][] = [
  [230, 20, 20], // top-left red
  [20, 200, 20], // top-right green
  [20, 20, 230], // bottom-left blue
  [240, 240, 240], // bottom-right white
];

/** An upright picture whose four quadrants have distinct colours. */
export function quadrantsRaw(width: number, height: number): Buffer {
  const buf = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      QUADRANT_COLOURS[q].forEach((c, k) => (buf[(y * width + x) * 3 + k] = c));
    }
  }
  return buf;
}

/**
 * The stored pixels a camera writes for an upright picture under EXIF orientation `o`
 * (so that applying the orientation shows the upright picture again). Pure pixel
 * mapping, independent of sharp's own rotate.
 */
export function storeForOrientation(
  upright: Buffer,
  w: number,
  h: number,
  o: number,
): { data: Buffer; width: number; height: number } {
  const swap = o >= 5;
  const sw = swap ? h : w;
  const sh = swap ? w : h;
  const out = Buffer.alloc(upright.length);
  for (let Y = 0; Y < h; Y += 1) {
    for (let X = 0; X < w; X += 1) {
      const [sx, sy] = (
        {
          1: [X, Y],
          2: [w - 1 - X, Y],
          3: [w - 1 - X, h - 1 - Y],
          4: [X, h - 1 - Y],
          5: [Y, X],
          6: [Y, w - 1 - X],
          7: [h - 1 - Y, w - 1 - X],
          8: [h - 1 - Y, X],
        } as Record<number, [number, number]>
      )[o];
      upright.copy(out, (sy * sw + sx) * 3, (Y * w + X) * 3, (Y * w + X) * 3 + 3);
    }
  }
  return { data: out, width: sw, height: sh };
}

/** Mean colour of a small window centred at fractional position (fx, fy) of an RGB raster. */
export function meanAt(
  raw: Buffer,
  width: number,
  height: number,
  channels: number,
  fx: number,
  fy: number,
): [number, number, number] {
  const cx = Math.floor(fx * width);
  const cy = Math.floor(fy * height);
  const r = Math.max(1, Math.floor(Math.min(width, height) / 10));
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.max(0, cy - r); y <= Math.min(height - 1, cy + r); y += 1) {
    for (let x = Math.max(0, cx - r); x <= Math.min(width - 1, cx + r); x += 1) {
      for (let k = 0; k < 3; k += 1) sum[k] += raw[(y * width + x) * channels + k];
      n += 1;
    }
  }
  return sum.map((s) => s / n) as [number, number, number];
}

export async function decodeRgb(
  jpeg: Buffer,
): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(jpeg)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

export function closeColour(
  a: [number, number, number],
  b: [number, number, number],
  tol = 40,
): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= tol);
}

/** A smooth synthetic "scene" (a few low-frequency waves per channel plus fine texture), seeded. */
export async function sceneJpeg(
  width: number,
  height: number,
  seed = 1,
  quality = 90,
): Promise<Buffer> {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  const waves = Array.from({ length: 9 }, () => ({
    fx: 1 + rnd() * 4,
    fy: 1 + rnd() * 4,
    ph: rnd() * 6.28,
    amp: 30 + rnd() * 40,
  }));
  const buf = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let k = 0; k < 3; k += 1) {
        let v = 128;
        for (let i = k * 3; i < k * 3 + 3; i += 1) {
          const w = waves[i];
          v += w.amp * Math.sin(((w.fx * x) / width) * 6.28 + ((w.fy * y) / height) * 6.28 + w.ph);
        }
        v += ((x * 7 + y * 13) % 11) - 5;
        buf[(y * width + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return sharp(buf, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/** Printed words (Pango's default font) on a flat background, as a JPEG. */
export async function printedJpeg(
  text: string,
  opts: {
    width?: number;
    height?: number;
    dpi: number;
    bg?: [number, number, number];
    ink?: string;
  },
): Promise<Buffer> {
  const W = opts.width ?? 1600;
  const H = opts.height ?? 1200;
  const label = await sharp({
    text: {
      text: `<span foreground="${opts.ink ?? "#202020"}">${text}</span>`,
      rgba: true,
      dpi: opts.dpi,
    },
  })
    .png()
    .toBuffer();
  const [r, g, b] = opts.bg ?? [205, 200, 190];
  return sharp({ create: { width: W, height: H, channels: 3, background: { r, g, b } } })
    .composite([{ input: label, left: Math.round(W * 0.1), top: Math.round(H * 0.45) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
