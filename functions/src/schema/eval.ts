import { z } from "zod";
import { BoxSchema } from "./common";
import { AnomalyTypeSchema } from "./analysis";

/** Where a photo of an evaluation set comes from: a public repository at a commit, or ../shared/fixtures. */
export const EvalSourceSchema = z.union([
  z.object({
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "owner/name"),
    commit: z.string().regex(/^[0-9a-f]{40}$/, "a full commit hash"),
    path: z.string().min(1),
    licence: z.string().min(1),
    /** CrackForest-style run-length mask (.seg) at the same commit, converted to a PNG mask on extraction. */
    segPath: z.string().optional(),
    /** A mask image at the same commit (light = crack, unless `maskInvert`), binarized to a PNG mask on extraction. */
    maskPath: z.string().optional(),
    maskInvert: z.boolean().optional(),
    /** A tile of a larger figure: the pixel rectangle cut out on extraction. */
    crop: z
      .object({
        left: z.number().int().nonnegative(),
        top: z.number().int().nonnegative(),
        width: z.number().int().positive(),
        height: z.number().int().positive(),
      })
      .optional(),
  }),
  z.object({ shared: z.string().min(1), licence: z.string().min(1) }),
]);
export type EvalSource = z.infer<typeof EvalSourceSchema>;

export const ExpectedAnomalySchema = z.object({
  type: AnomalyTypeSchema,
  /** Hand-drawn boxes over the damage (normalized), or... */
  boxes: z.array(BoxSchema).optional(),
  /** ...a mask image (relative to labels.json; non-zero pixels are the damage). */
  mask: z.string().optional(),
});
export type ExpectedAnomaly = z.infer<typeof ExpectedAnomalySchema>;

export const ExpectedMeterSchema = z.object({
  /** The integer register as a person reads it (digits before the decimal point). */
  integer: z.number().int().nonnegative(),
  /** What the whole face reads, for the record (e.g. "0530.0708 m3"). */
  reading: z.string().optional(),
  kind: z.enum(["drum", "seven-segment", "other"]).default("drum"),
});

export const EvalPhotoSchema = z.object({
  /** Photo path relative to labels.json. */
  file: z.string().min(1),
  /** tune: thresholds may be chosen on it; heldout: never looked at while tuning. */
  split: z.enum(["tune", "heldout"]).default("tune"),
  /** "none": the photo shows no anomaly at all. */
  anomalies: z.union([z.literal("none"), z.array(ExpectedAnomalySchema)]),
  /** A meter a person can read; null/absent when the photo shows no readable meter. */
  meter: ExpectedMeterSchema.nullable().optional(),
  source: EvalSourceSchema.optional(),
  note: z.string().optional(),
});
export type EvalPhoto = z.infer<typeof EvalPhotoSchema>;

/** labels.json of an evaluation folder. */
export const EvalLabelsSchema = z.object({
  name: z.string().optional(),
  photos: z.array(EvalPhotoSchema).min(1),
});
export type EvalLabels = z.infer<typeof EvalLabelsSchema>;
