import { z } from "zod";

/** A pixel box on the sample image (inclusive corners). */
const PixelBoxSchema = z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() });

/** samples/generated/manifest.json: what each generated sample shows, for tests and the report. */
export const SampleEntrySchema = z.object({
  file: z.string(),
  kind: z.enum(["meter", "corrosion", "crack", "blurry", "dark", "no-gps"]),
  width: z.number().int(),
  height: z.number().int(),
  takenAt: z.string(),
  gps: z.object({ lat: z.number(), lng: z.number(), alt: z.number() }).nullable(),
  expect: z.object({
    meterDigits: z.string().optional(),
    /** The painted rust patch or crack, in pixels. */
    region: PixelBoxSchema.optional(),
    /** Quality flags ingest should raise (BLURRY, UNDEREXPOSED). */
    qualityFlags: z.array(z.string()).optional(),
  }),
});
export type SampleEntry = z.infer<typeof SampleEntrySchema>;

export const SampleManifestSchema = z.object({
  version: z.literal(1),
  assetId: z.string(),
  samples: z.array(SampleEntrySchema),
});
export type SampleManifest = z.infer<typeof SampleManifestSchema>;
