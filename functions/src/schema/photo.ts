import { z } from "zod";
import { zDate, zId } from "./common";

export const PhotoStatusSchema = z.enum([
  "PENDING",
  "QUEUED",
  "PROCESSING",
  "COMPLETED",
  "FAILED",
  "REJECTED",
]);
export type PhotoStatus = z.infer<typeof PhotoStatusSchema>;
export const TERMINAL_PHOTO_STATUSES: readonly PhotoStatus[] = ["COMPLETED", "FAILED", "REJECTED"];

/** EXIF tags, then XMP (photoshop:DateCreated, xmp:CreateDate) and IPTC (DateCreated + TimeCreated), then GPS time, then the upload. */
export const TakenAtSourceSchema = z.enum([
  "DateTimeOriginal",
  "CreateDate",
  "XmpDateCreated",
  "XmpCreateDate",
  "IptcDateCreated",
  "GPSDateTime",
  "UploadTime",
]);
export type TakenAtSource = z.infer<typeof TakenAtSourceSchema>;

export const GpsSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  alt: z.number().nullable(),
  accuracy: z.number().nonnegative().nullable(),
});
export type Gps = z.infer<typeof GpsSchema>;

export const ExifSummarySchema = z.object({
  /** ISO 8601; carries the offset when the file records one, otherwise local camera time without zone. */
  takenAt: z.string(),
  takenAtSource: TakenAtSourceSchema,
  /** Offset like "+02:00" when known. */
  offset: z.string().nullable(),
  gps: GpsSchema.nullable(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  software: z.string().nullable(),
  orientation: z.number().int().min(1).max(8).nullable(),
  /** Problems found in the metadata (e.g. "GPS_OUT_OF_RANGE"); the bad values are not stored. */
  flags: z.array(z.string()),
});
export type ExifSummary = z.infer<typeof ExifSummarySchema>;

export const QualitySchema = z.object({
  /** Variance of the Laplacian on the thumbnail-sized grey image: low means blurry. */
  blur: z.number().nonnegative(),
  /** Mean luminance 0..1. */
  exposure: z.number().min(0).max(1),
  /** Fraction of pixels clipped to black or white. */
  clipped: z.number().min(0).max(1),
  flags: z.array(
    z.enum(["BLURRY", "UNDEREXPOSED", "OVEREXPOSED", "NEAR_DUPLICATE", "LOW_RESOLUTION"]),
  ),
});
export type Quality = z.infer<typeof QualitySchema>;

/**
 * What ingest saw in the pixels that analysis would otherwise buy from Vision: dominant
 * colours (instead of IMAGE_PROPERTIES) and whether the display copy shows text (so
 * TEXT_DETECTION is bought only where a reading can be).
 */
export const PixelSignalsSchema = z.object({
  colors: z.array(z.object({ hex: z.string(), score: z.number(), pixelFraction: z.number() })),
  text: z.object({ found: z.boolean(), lines: z.number().int().nonnegative() }),
});
export type PixelSignals = z.infer<typeof PixelSignalsSchema>;

export const StatusEntrySchema = z.object({
  status: PhotoStatusSchema,
  at: zDate,
  note: z.string().optional(),
});
export type StatusEntry = z.infer<typeof StatusEntrySchema>;

export const PhotoPathsSchema = z.object({
  bucket: z.string(),
  original: z.string(),
  display: z.string().nullable(),
  thumbnail: z.string().nullable(),
});

export const PhotoDocSchema = z.object({
  photoId: zId,
  assetId: zId,
  uploaderUid: zId,
  teamId: z.string().nullable(),
  fileName: z.string(),
  generation: z.string(),
  paths: PhotoPathsSchema,
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  /** 64-bit perceptual (difference) hash as 16 hex digits. */
  phash: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .nullable(),
  nearDuplicateOf: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  mime: z.string().nullable(),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
  display: z
    .object({ bytes: z.number().int(), width: z.number().int(), height: z.number().int() })
    .nullable(),
  thumbnail: z
    .object({ bytes: z.number().int(), width: z.number().int(), height: z.number().int() })
    .nullable(),
  exif: ExifSummarySchema.nullable(),
  quality: QualitySchema.nullable(),
  /** Absent on photos ingested before it existed: analysis then computes it from the display copy. */
  signals: PixelSignalsSchema.nullable().default(null),
  status: PhotoStatusSchema,
  statusHistory: z.array(StatusEntrySchema),
  reason: z.string().nullable(),
  taskId: z.string().nullable(),
  critical: z.boolean().default(false),
  createdAt: zDate,
  updatedAt: zDate,
});
export type PhotoDoc = z.infer<typeof PhotoDocSchema>;
