// Request bodies. Inside Cloud Functions the framework has already read the stream and
// left the bytes on req.rawBody; under the plain node server (local runtime, tests) the
// stream is read here, with a size limit.
import type { IncomingMessage } from "node:http";
import { ApiError } from "../errors";

export type ApiRequest = IncomingMessage & { rawBody?: Buffer; body?: unknown };

export async function readBody(req: ApiRequest, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) {
    if (req.rawBody.length > limit)
      throw new ApiError(413, `request body larger than ${limit} bytes`);
    return req.rawBody;
  }
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > limit) throw new ApiError(413, `request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new ApiError(413, `request body larger than ${limit} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // A client that hangs up mid-body errors the stream ("aborted"): its request, not our fault.
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, `request body incomplete: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}

export const JSON_LIMIT = 1024 * 1024;

/** A JSON object body; an empty body counts as {}. */
export async function readJson(req: ApiRequest): Promise<unknown> {
  const type = String(req.headers["content-type"] ?? "");
  const raw = await readBody(req, JSON_LIMIT);
  if (raw.length === 0) return {};
  if (type && !/^application\/json\b/i.test(type))
    throw new ApiError(415, "expected Content-Type: application/json");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiError(400, "request body is not valid JSON");
  }
}
