import { z } from "zod";
import { Timestamp } from "firebase-admin/firestore";

/** Dates are written as JS Dates (stored as Firestore Timestamps) and read back as Dates. */
export const zDate = z.preprocess((v) => (v instanceof Timestamp ? v.toDate() : v), z.date());

/** Unpaired UTF-16 surrogates: JSON carries them, Firestore (UTF-8) cannot store them. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The one id schema: every id a client sends (REST path and body, callables, the upload
 * path's uid and asset id) and every document id the backend writes. What Firestore
 * would refuse with INVALID_ARGUMENT (a 500 if it got that far) is a 400 here.
 */
export const zId = z
  .string()
  .min(1, "ids cannot be empty")
  .max(200, "ids are at most 200 characters")
  .regex(/^[^/]*$/, "ids cannot contain '/'")
  .refine((s) => s !== "." && s !== "..", "ids cannot be '.' or '..'")
  .refine((s) => !/^__.*__$/.test(s), "ids of the form __x__ are reserved")
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "ids cannot contain control characters")
  .refine(
    (s) => !LONE_SURROGATE.test(s),
    "ids must be well-formed Unicode (no unpaired surrogates)",
  );

/** Free text a client sends (notes): bounded, and storable (no unpaired surrogates). */
export function zText(max: number) {
  return z
    .string()
    .max(max, `at most ${max} characters`)
    .refine(
      (s) => !LONE_SURROGATE.test(s),
      "text must be well-formed Unicode (no unpaired surrogates)",
    );
}

/** Firestore Timestamps hold 0001-01-01 to 9999-12-31 (UTC); later or earlier dates are a 400. */
export const FIRESTORE_MIN_MS = Date.parse("0001-01-01T00:00:00Z");
export const FIRESTORE_MAX_MS = Date.parse("9999-12-31T23:59:59.999Z");

/** A normalized box: every coordinate in [0, 1], with x0 <= x1 and y0 <= y1. */
export const BoxSchema = z
  .object({
    x0: z.number().min(0).max(1),
    y0: z.number().min(0).max(1),
    x1: z.number().min(0).max(1),
    y1: z.number().min(0).max(1),
  })
  .refine((b) => b.x0 <= b.x1 && b.y0 <= b.y1, "box corners out of order");
export type Box = z.infer<typeof BoxSchema>;

export const SeveritySchema = z.enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"]);
export type Severity = z.infer<typeof SeveritySchema>;
export const SEVERITY_ORDER: readonly Severity[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

export const RoleSchema = z.enum(["inspector", "supervisor", "admin"]);
export type Role = z.infer<typeof RoleSchema>;

/** An ISO 8601 date or date-time a Firestore Timestamp can hold, as a Date. */
export const zQueryDate = z
  .string()
  .transform((s) => new Date(s))
  .refine(
    (d) =>
      !Number.isNaN(d.getTime()) &&
      d.getTime() >= FIRESTORE_MIN_MS &&
      d.getTime() <= FIRESTORE_MAX_MS,
    "must be an ISO 8601 date between 0001-01-01 and 9999-12-31",
  );
