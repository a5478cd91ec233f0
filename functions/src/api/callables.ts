// Callable functions for the app (firebase-functions onCall). Each validates its data
// with zod, resolves the caller from the verified token's claims and calls the same
// services as the REST API; ApiErrors become the matching HttpsError codes.
import {
  HttpsError,
  type CallableRequest,
  type FunctionsErrorCode,
} from "firebase-functions/v2/https";
import { z, ZodError } from "zod";
import { callerFromClaims, type Caller } from "../auth/caller";
import { verifyIdToken } from "../auth/verify-token";
import { errorMessage } from "../errors";
import { apiLogs } from "./logs";
import { ApiError } from "./errors";
import { ImageVariantSchema, signedImageUrl } from "./images";
import { analyzeBatch, reprocessPhoto, taskStatus } from "./processing";
import { MAX_BATCH_PHOTOS } from "../schema/task";
import { confirmAnomaly, resolveDamageReport, validateMeterReading } from "./reviews";
import { statistics } from "./statistics";
import { zId, zText } from "../schema/common";
import { opsStatusFor } from "./ops";

const CODES: Record<ApiError["status"], FunctionsErrorCode> = {
  400: "invalid-argument",
  401: "unauthenticated",
  403: "permission-denied",
  404: "not-found",
  405: "unimplemented",
  409: "failed-precondition",
  413: "invalid-argument",
  415: "invalid-argument",
};

type CallableHandler = (req: CallableRequest<unknown>) => Promise<unknown>;

/**
 * `fresh`: the framework verified the token's signature and expiry but not revocation;
 * where a revoked or disabled user must be stopped at once (reviews, signed URLs) the
 * token is verified again with checkRevoked, which asks Firebase Auth about the user.
 */
export function callable<S extends z.ZodType>(
  schema: S,
  run: (caller: Caller, data: z.infer<S>) => Promise<unknown>,
  opts: { fresh?: boolean } = {},
): CallableHandler {
  return async (req) => {
    try {
      if (opts.fresh && req.auth) await verifyIdToken(req.auth.rawToken);
      const caller = callerFromClaims(req.auth?.uid, req.auth?.token);
      const data = schema.parse(req.data ?? {});
      return await run(caller, data);
    } catch (err) {
      if (err instanceof HttpsError) throw err;
      if (err instanceof ApiError) throw new HttpsError(CODES[err.status], err.message);
      if (err instanceof ZodError) {
        const msg = err.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join(", ");
        throw new HttpsError("invalid-argument", `invalid request: ${msg}`);
      }
      apiLogs.callableFailed(errorMessage(err));
      throw new HttpsError("internal", "internal error");
    }
  };
}

const id = zId;
const note = zText(5000)
  .nullish()
  .transform((v) => v ?? null);

export const callables = {
  reprocessPhoto: callable(z.object({ photoId: id }), (c, d) => reprocessPhoto(c, d.photoId)),
  analyzeBatch: callable(
    z.object({
      photoIds: z.array(id).min(1).max(MAX_BATCH_PHOTOS),
      urgent: z.boolean().default(true),
    }),
    (c, d) => analyzeBatch(c, d.photoIds, { urgent: d.urgent }),
  ),
  confirmAnomaly: callable(
    z.object({ anomalyId: id, confirmed: z.boolean(), note }),
    (c, d) => confirmAnomaly(c, d.anomalyId, { confirmed: d.confirmed, note: d.note }),
    { fresh: true },
  ),
  validateMeterReading: callable(
    z.object({ readingId: id, valid: z.boolean(), correctedValue: z.number().nullish(), note }),
    (c, d) =>
      validateMeterReading(c, d.readingId, {
        valid: d.valid,
        correctedValue: d.correctedValue ?? null,
        note: d.note,
      }),
    { fresh: true },
  ),
  resolveDamageReport: callable(
    z.object({ reportId: id, note: zText(5000).trim().min(1) }),
    (c, d) => resolveDamageReport(c, d.reportId, { note: d.note }),
    { fresh: true },
  ),
  statistics: callable(z.object({}), (c) => statistics(c)),
  opsStatus: callable(z.object({}), (c) => opsStatusFor(c)),
  taskStatus: callable(z.object({ taskId: id }), (c, d) => taskStatus(c, d.taskId)),
  imageUrl: callable(
    z.object({ photoId: id, variant: ImageVariantSchema.default("display") }),
    (c, d) => signedImageUrl(c, d.photoId, d.variant, "callable"),
    { fresh: true },
  ),
};
