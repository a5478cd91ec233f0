// Vision failures → PermanentError (retrying cannot help) or TransientError (retry).
// Used by the production adapter for thrown gRPC/HTTP errors and by the pipeline for a
// per-image `error` inside a successful response.
import { PermanentError, TransientError } from "../errors";

/** google.rpc.Code values that retrying will not fix. */
const PERMANENT_GRPC = new Set([
  3 /* INVALID_ARGUMENT */, 5 /* NOT_FOUND */, 7 /* PERMISSION_DENIED */,
  9 /* FAILED_PRECONDITION */, 11 /* OUT_OF_RANGE */, 12 /* UNIMPLEMENTED */,
]);
const GRPC_BY_NAME: Record<string, number> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};
const HTTP_TO_GRPC: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 10,
  429: 8,
  499: 1,
  500: 13,
  501: 12,
  503: 14,
  504: 4,
};

/** Classifies a google.rpc.Status-like code (gRPC number, HTTP status or status name). */
export function visionError(
  code: number | string | undefined,
  message: string,
): PermanentError | TransientError {
  let grpc: number | undefined;
  if (typeof code === "string") grpc = GRPC_BY_NAME[code];
  else if (typeof code === "number")
    grpc = code >= 100 ? (HTTP_TO_GRPC[code] ?? (code >= 500 ? 13 : 3)) : code;
  const text = `vision: ${message || "error"}${grpc !== undefined ? ` (code ${grpc})` : ""}`;
  return grpc !== undefined && PERMANENT_GRPC.has(grpc)
    ? new PermanentError(text)
    : new TransientError(text);
}

/** Maps anything a Google client throws; errors already classified pass through. */
export function mapThrownVisionError(err: unknown): PermanentError | TransientError {
  if (err instanceof PermanentError || err instanceof TransientError) return err;
  const e = err as { code?: number | string; status?: number | string; message?: string };
  const code = typeof e?.code === "number" || typeof e?.code === "string" ? e.code : e?.status;
  return visionError(code, e?.message ?? String(err));
}
