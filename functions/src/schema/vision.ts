import { z } from "zod";

/** The Vision API features fieldlens asks for, in one request per photo. */
export const VisionFeatureSchema = z.enum([
  "LABEL_DETECTION",
  "TEXT_DETECTION",
  "OBJECT_LOCALIZATION",
  "IMAGE_PROPERTIES",
  "SAFE_SEARCH_DETECTION",
]);
export type VisionFeature = z.infer<typeof VisionFeatureSchema>;
export const ALL_FEATURES: readonly VisionFeature[] = VisionFeatureSchema.options;

const Vertex = z.object({ x: z.number().optional(), y: z.number().optional() });
const BoundingPoly = z.object({
  vertices: z.array(Vertex).optional(),
  normalizedVertices: z.array(Vertex).optional(),
});

export const EntityAnnotationSchema = z.looseObject({
  mid: z.string().optional(),
  locale: z.string().optional(),
  description: z.string().optional(),
  score: z.number().optional(),
  topicality: z.number().optional(),
  boundingPoly: BoundingPoly.nullish(),
});
export const LocalizedObjectSchema = z.looseObject({
  mid: z.string().optional(),
  name: z.string().optional(),
  score: z.number().optional(),
  boundingPoly: BoundingPoly.nullish(),
});
const Color = z.object({
  red: z.number().optional(),
  green: z.number().optional(),
  blue: z.number().optional(),
});
export const ImagePropertiesSchema = z.looseObject({
  dominantColors: z
    .object({
      colors: z
        .array(
          z.object({
            color: Color,
            score: z.number().optional(),
            pixelFraction: z.number().optional(),
          }),
        )
        .optional(),
    })
    .nullish(),
});
const Likelihood = z.union([
  z.enum(["UNKNOWN", "VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY"]),
  z.number().int(),
]);
export const SafeSearchSchema = z.looseObject({
  adult: Likelihood.optional(),
  spoof: Likelihood.optional(),
  medical: Likelihood.optional(),
  violence: Likelihood.optional(),
  racy: Likelihood.optional(),
});

/** Vision's AnnotateImageResponse, as returned by the API (and by the local engine). */
export const AnnotateImageResponseSchema = z.looseObject({
  labelAnnotations: z.array(EntityAnnotationSchema).nullish(),
  textAnnotations: z.array(EntityAnnotationSchema).nullish(),
  fullTextAnnotation: z.looseObject({ text: z.string().optional() }).nullish(),
  localizedObjectAnnotations: z.array(LocalizedObjectSchema).nullish(),
  imagePropertiesAnnotation: ImagePropertiesSchema.nullish(),
  safeSearchAnnotation: SafeSearchSchema.nullish(),
  error: z.object({ code: z.number().optional(), message: z.string().optional() }).nullish(),
});
export type AnnotateImageResponse = z.infer<typeof AnnotateImageResponseSchema>;
