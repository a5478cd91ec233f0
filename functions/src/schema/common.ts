import { z } from "zod";
import { Timestamp } from "firebase-admin/firestore";

/** Dates are written as JS Dates (stored as Firestore Timestamps) and read back as Dates. */
export const zDate = z.preprocess((v) => (v instanceof Timestamp ? v.toDate() : v), z.date());

export const zId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^/]+$/, "ids cannot contain '/'");

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
