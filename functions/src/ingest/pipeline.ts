// The whole ingest decision for one file's bytes, with no Firestore and no storage: the
// Storage trigger and the `inspect` CLI both call processUpload, so they cannot disagree.
import type { Config } from "../config";
import type { ExifSummary, PixelSignals, Quality } from "../schema/photo";
import { BadImageError, derive, heicMaxPixels, openSource, type DerivedImage } from "./derive";
import { sha256 } from "./hashes";
import { extractExif } from "./metadata";
import { sniff } from "./sniff";

export interface IngestLimits {
  maxUploadBytes: number;
  maxPixels: number;
  /** HEIC's own cap, from the memory its decoder needs per pixel (heicMaxPixels). */
  heicMaxPixels: number;
  displayMaxBytes: number;
  displayLongEdge: number;
  thumbLongEdge: number;
}

export function limitsFromConfig(c: Config): IngestLimits {
  return {
    maxUploadBytes: c.MAX_UPLOAD_BYTES,
    maxPixels: c.MAX_PIXELS,
    heicMaxPixels: heicMaxPixels(c.HEIC_DECODE_MEMORY_MB * 2 ** 20),
    displayMaxBytes: c.DISPLAY_MAX_BYTES,
    displayLongEdge: c.DISPLAY_LONG_EDGE,
    thumbLongEdge: c.THUMB_LONG_EDGE,
  };
}

export type RejectCode =
  | "EMPTY"
  | "TOO_LARGE"
  | "NOT_AN_IMAGE"
  | "SVG"
  | "UNSUPPORTED_FORMAT"
  | "TRUNCATED"
  | "CORRUPT"
  | "TOO_MANY_PIXELS"
  | "UNKNOWN_ASSET"
  | "NOT_A_MEMBER";

export interface AcceptedUpload {
  status: "ACCEPTED";
  mime: string;
  bytes: number;
  sha256: string;
  /** Upright size of the original, after EXIF orientation. */
  width: number;
  height: number;
  exif: ExifSummary;
  phash: string;
  quality: Quality;
  signals: PixelSignals;
  display: DerivedImage;
  thumbnail: DerivedImage;
}

export interface RejectedUpload {
  status: "REJECTED";
  code: RejectCode;
  /** Human-readable, shown to the inspector. */
  reason: string;
  mime: string | null;
  bytes: number;
  sha256: string | null;
}

export type IngestResult = AcceptedUpload | RejectedUpload;

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The size check alone, so a caller can refuse a huge object without reading it. */
export function rejectIfTooLarge(size: number, limits: IngestLimits): RejectedUpload | null {
  if (size <= limits.maxUploadBytes) return null;
  return {
    status: "REJECTED",
    code: "TOO_LARGE",
    reason: `the file is ${mb(size)}, over the ${mb(limits.maxUploadBytes)} upload limit`,
    mime: null,
    bytes: size,
    sha256: null,
  };
}

/**
 * Validates, describes and derives. Unusable input comes back REJECTED with a reason;
 * it throws only for failures that are not the file's fault (a bug, out of memory).
 */
export async function processUpload(
  bytes: Buffer,
  opts: { uploadTime: Date; limits: IngestLimits },
): Promise<IngestResult> {
  const { limits } = opts;
  const reject = (
    code: RejectCode,
    reason: string,
    mime: string | null = null,
  ): RejectedUpload => ({
    status: "REJECTED",
    code,
    reason,
    mime,
    bytes: bytes.length,
    sha256: bytes.length > 0 && bytes.length <= limits.maxUploadBytes ? sha256(bytes) : null,
  });

  if (bytes.length === 0) return reject("EMPTY", "the file is empty (0 bytes)");
  const big = rejectIfTooLarge(bytes.length, limits);
  if (big) return big;
  const kind = sniff(bytes);
  if (!kind.ok) {
    if (kind.mime === "image/svg+xml")
      return reject(
        "SVG",
        "SVG (vector) images are not accepted: upload a camera photo",
        kind.mime,
      );
    if (kind.mime?.startsWith("image/"))
      return reject(
        "UNSUPPORTED_FORMAT",
        `the file is ${kind.what}; accepted formats are JPEG, PNG, WebP, TIFF and HEIC/HEIF`,
        kind.mime,
      );
    return reject(
      "NOT_AN_IMAGE",
      `the file is not an image (its content is ${kind.what}), whatever its name says`,
      kind.mime,
    );
  }

  try {
    const source = await openSource(bytes, kind.kind, limits.maxPixels, {
      heicMaxPixels: limits.heicMaxPixels,
    });
    const derived = await derive(source, limits);
    const exif = await extractExif(bytes, opts.uploadTime);
    return {
      status: "ACCEPTED",
      mime: kind.mime,
      bytes: bytes.length,
      sha256: sha256(bytes),
      width: source.uprightWidth,
      height: source.uprightHeight,
      exif,
      phash: derived.phash,
      quality: derived.quality,
      signals: derived.signals,
      display: derived.display,
      thumbnail: derived.thumbnail,
    };
  } catch (err) {
    if (err instanceof BadImageError) return reject(err.code, err.message, kind.mime);
    throw err;
  }
}
