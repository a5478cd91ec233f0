// Pixels: decode once into an upright working raster no larger than the display copy
// (shrink-on-load keeps a 48 MP JPEG from ever being decoded at full size), then make the
// display JPEG, the thumbnail, the dHash and the quality scores from that raster.
// Derived JPEGs carry no metadata: sharp drops EXIF (and so GPS) unless asked to keep it.
import sharp, { type Metadata, type Sharp } from "sharp";
import { dHashFromGrey9x8 } from "./hashes";
import { assessQuality } from "./quality";
import type { PixelSignals, Quality } from "../schema/photo";
import { pixelSignals } from "./pixel-signals";
import type { ImageKind } from "./sniff";

export interface DerivedImage {
  buffer: Buffer;
  bytes: number;
  width: number;
  height: number;
}

export interface DeriveLimits {
  maxPixels: number;
  displayMaxBytes: number;
  displayLongEdge: number;
  thumbLongEdge: number;
}

export interface Derived {
  display: DerivedImage;
  thumbnail: DerivedImage;
  phash: string;
  quality: Quality;
  signals: PixelSignals;
}

/** A decoding failure that belongs to the input (corrupt, truncated, too big), not to us. */
export class BadImageError extends Error {
  constructor(
    readonly code: "TRUNCATED" | "CORRUPT" | "TOO_MANY_PIXELS",
    message: string,
  ) {
    super(message);
    this.name = "BadImageError";
  }
}

export interface Source {
  /** Stored (pre-orientation) size. */
  width: number;
  height: number;
  /** Upright size, after EXIF orientation. */
  uprightWidth: number;
  uprightHeight: number;
  /** A fresh sharp pipeline over the source, auto-oriented. */
  pipeline(): Sharp;
}

const TRUNCATION =
  /premature end|truncat|unexpected end|not enough data|read error|end of (file|stream|data)|short read|incomplete/i;

export function classifyDecodeError(err: unknown): BadImageError {
  if (err instanceof BadImageError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg))
    return new BadImageError(
      "TOO_MANY_PIXELS",
      "the image has more pixels than allowed (possible decompression bomb)",
    );
  const first = msg.split("\n")[0].trim();
  if (TRUNCATION.test(msg))
    return new BadImageError("TRUNCATED", `the image data is truncated (${first})`);
  return new BadImageError("CORRUPT", `the image data is corrupt and cannot be decoded (${first})`);
}

function tooManyPixels(w: number, h: number, max: number): BadImageError {
  return new BadImageError(
    "TOO_MANY_PIXELS",
    `the image is ${w}×${h} = ${((w * h) / 1e6).toFixed(1)} MP, over the ${(max / 1e6).toFixed(1)} MP limit (possible decompression bomb)`,
  );
}

/**
 * Peak resident memory per pixel of a HEIC decode through heic-decode (libheif-js, wasm),
 * measured by `npm run --silent bench:heic` (docs/benchmarks.md, "HEIC decode memory"):
 * the decoder's heap, the RGBA output and its copy into the sharp pipeline.
 */
export const HEIC_BYTES_PER_PIXEL = 10;
/** Fixed cost of the decoder (wasm module and heap) before any pixel, over the process baseline. */
export const HEIC_BASE_BYTES = 32 * 2 ** 20;

/** The most pixels a HEIC may have to decode within `memoryBytes`. */
export function heicMaxPixels(memoryBytes: number): number {
  return Math.max(0, Math.floor((memoryBytes - HEIC_BASE_BYTES) / HEIC_BYTES_PER_PIXEL));
}

function heicTooLarge(w: number, h: number, max: number): BadImageError {
  const need = (HEIC_BASE_BYTES + w * h * HEIC_BYTES_PER_PIXEL) / 2 ** 20;
  return new BadImageError(
    "TOO_MANY_PIXELS",
    `the HEIC image is ${w}×${h} = ${((w * h) / 1e6).toFixed(1)} MP; decoding it would need about ${need.toFixed(0)} MiB, over the HEIC limit of ${(max / 1e6).toFixed(1)} MP`,
  );
}

async function openHeic(buf: Buffer, maxPixels: number, heicMaxPixels: number): Promise<Source> {
  // Imported lazily: the wasm decoder costs memory and start-up only when a HEIC arrives.
  const decode = (await import("heic-decode")).default;
  let images: Awaited<ReturnType<typeof decode.all>>;
  // libheif-js reports parse errors with console.log, which would corrupt the CLI's JSON
  // on stdout: capture them for the reason instead.
  const said: string[] = [];
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => void said.push(args.map(String).join(" "));
  try {
    images = await decode.all({ buffer: buf });
  } catch (err) {
    throw classifyDecodeError(said.length > 0 ? new Error(said.join("; ")) : err);
  } finally {
    console.log = consoleLog;
  }
  try {
    const primary = images[0];
    if (!primary) throw new BadImageError("CORRUPT", "the HEIF file contains no image");
    // The container declares the size: refuse bombs before decoding a single pixel.
    if (primary.width * primary.height > maxPixels)
      throw tooManyPixels(primary.width, primary.height, maxPixels);
    // The wasm decoder holds the whole picture several times over (see HEIC_BYTES_PER_PIXEL):
    // its own cap, so a 1.8 MB grid cannot take the function past its memory.
    if (primary.width * primary.height > heicMaxPixels)
      throw heicTooLarge(primary.width, primary.height, heicMaxPixels);
    let decoded: { width: number; height: number; data: Uint8ClampedArray };
    try {
      decoded = await primary.decode();
    } catch (err) {
      throw classifyDecodeError(err);
    }
    const { width, height, data } = decoded;
    const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // libheif already applied the container's rotation/mirror, so no EXIF rotate here.
    return {
      width,
      height,
      uprightWidth: width,
      uprightHeight: height,
      pipeline: () => sharp(raw, { raw: { width, height, channels: 4 } }),
    };
  } finally {
    images.dispose();
  }
}

async function openWithSharp(buf: Buffer, maxPixels: number): Promise<Source> {
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw classifyDecodeError(err);
  }
  const { width, height } = meta;
  if (!width || !height) throw new BadImageError("CORRUPT", "the image header declares no size");
  if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
  const upright = meta.autoOrient ?? { width, height };
  return {
    width,
    height,
    uprightWidth: upright.width,
    uprightHeight: upright.height,
    // failOn "truncated": a file that ends early is rejected, not silently padded with grey.
    pipeline: () =>
      sharp(buf, {
        limitInputPixels: maxPixels,
        sequentialRead: true,
        failOn: "truncated",
      }).rotate(),
  };
}

export function openSource(
  buf: Buffer,
  kind: ImageKind,
  maxPixels: number,
  opts: { heicMaxPixels: number },
): Promise<Source> {
  return kind === "heic" || kind === "heif"
    ? openHeic(buf, maxPixels, opts.heicMaxPixels)
    : openWithSharp(buf, maxPixels);
}

interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

function fromRaster(r: Raster): Sharp {
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels } });
}

/** Quality steps for the display copy: first that fits wins, then the image shrinks. */
const DISPLAY_QUALITIES = [82, 74, 66, 58, 50, 42];

async function encodeDisplay(work: Raster, maxBytes: number): Promise<DerivedImage> {
  let current = work;
  for (;;) {
    for (const quality of DISPLAY_QUALITIES) {
      const { data, info } = await fromRaster(current)
        .jpeg({ quality })
        .toBuffer({ resolveWithObject: true });
      if (data.length <= maxBytes)
        return { buffer: data, bytes: data.length, width: info.width, height: info.height };
    }
    if (current.width <= 16 && current.height <= 16)
      throw new Error("display copy cannot fit the byte limit");
    const w = Math.max(1, Math.round(current.width * 0.75));
    const h = Math.max(1, Math.round(current.height * 0.75));
    const data = await fromRaster(current).resize(w, h, { fit: "fill" }).raw().toBuffer();
    current = { data, width: w, height: h, channels: 3 };
  }
}

export async function derive(src: Source, limits: DeriveLimits): Promise<Derived> {
  const L = limits.displayLongEdge;
  let work: Raster;
  try {
    const { data, info } = await src
      .pipeline()
      // Mitchell rather than the default Lanczos-3: visually equivalent for a ≤2× reduction
      // and about 10% less CPU for a 12 MP photo (see docs/benchmarks.md).
      .resize({ width: L, height: L, fit: "inside", withoutEnlargement: true, kernel: "mitchell" })
      // Transparent pixels become white; inspection photos have no use for alpha.
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels}-channel raster`);
    work = { data, width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    throw classifyDecodeError(err);
  }

  const display = await encodeDisplay(work, limits.displayMaxBytes);
  const T = limits.thumbLongEdge;
  const thumbRaw = await fromRaster(work)
    .resize({ width: T, height: T, fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const thumbRaster: Raster = {
    data: thumbRaw.data,
    width: thumbRaw.info.width,
    height: thumbRaw.info.height,
    channels: 3,
  };
  const thumbJpeg = await fromRaster(thumbRaster)
    .jpeg({ quality: 78 })
    .toBuffer({ resolveWithObject: true });
  const grey = await fromRaster(thumbRaster).toColourspace("b-w").raw().toBuffer();
  const hashGrey = await sharp(grey, {
    raw: { width: thumbRaster.width, height: thumbRaster.height, channels: 1 },
  })
    .resize(9, 8, { fit: "fill" })
    .toColourspace("b-w")
    .raw()
    .toBuffer();

  return {
    display,
    thumbnail: {
      buffer: thumbJpeg.data,
      bytes: thumbJpeg.data.length,
      width: thumbJpeg.info.width,
      height: thumbJpeg.info.height,
    },
    phash: dHashFromGrey9x8(hashGrey),
    signals: await pixelSignals(work, thumbRaster),
    quality: assessQuality(
      grey,
      thumbRaster.width,
      thumbRaster.height,
      Math.max(src.uprightWidth, src.uprightHeight),
    ),
  };
}
