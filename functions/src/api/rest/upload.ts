// POST photos/ as multipart/form-data, for clients that cannot write to Storage: the file
// is written to uploads/{uid}/{assetId}/{file} through the ObjectStore, exactly where the
// app would have put it, so the normal ingest trigger processes it.
import { randomUUID } from "node:crypto";
import busboy from "busboy";
import { canSeeTeam, type Caller } from "../../auth/caller";
import { getConfig } from "../../config";
import { deps } from "../../deps";
import { firestore } from "../../firestore";
import { zId } from "../../schema/common";
import { uploadBucket } from "../bucket";
import { ApiError } from "../errors";
import { readBody, type ApiRequest } from "./body";

const FILE_FIELDS = new Set(["image", "file", "photo"]);
const ASSET_ID = /^[A-Za-z0-9._-]{1,128}$/;

interface Parsed {
  fields: Record<string, string>;
  file?: { field: string; name: string; mime: string; data: Buffer };
}

function parseMultipart(
  headers: ApiRequest["headers"],
  body: Buffer,
  maxFileBytes: number,
): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers, limits: { files: 1, fields: 20, fileSize: maxFileBytes } });
    } catch {
      reject(new ApiError(400, "expected multipart/form-data with a boundary"));
      return;
    }
    const out: Parsed = { fields: {} };
    let tooBig = false;
    let settled = false;
    // Busboy reports a body that ends early on the parser AND on the open file stream; an
    // 'error' with no listener on either is thrown by EventEmitter and kills the process.
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(
        new ApiError(
          400,
          `malformed multipart body: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    };
    bb.on("field", (name, value) => {
      out.fields[name] = value;
    });
    bb.on("file", (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("error", fail);
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("limit", () => {
        tooBig = true;
      });
      stream.on("end", () => {
        if (!out.file)
          out.file = {
            field,
            name: info.filename ?? "upload",
            mime: info.mimeType,
            data: Buffer.concat(chunks),
          };
      });
    });
    bb.on("error", fail);
    bb.on("close", () => {
      if (settled) return;
      settled = true;
      if (tooBig) reject(new ApiError(413, `file larger than ${maxFileBytes} bytes`));
      else resolve(out);
    });
    bb.end(body);
  });
}

/** A storage-safe file name: the client's base name, or a fresh one. */
function safeFileName(name: string, mime: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "")
    .slice(0, 100);
  const ext = mime.split("/")[1]?.replace(/[^a-z0-9]/g, "") || "bin";
  return clean.length > 0 ? `${Date.now()}-${clean}` : `${randomUUID()}.${ext}`;
}

export interface ReceivedUpload {
  bucket: string;
  path: string;
  assetId: string;
  bytes: number;
  contentType: string;
}

/** Validates a multipart upload and writes it to uploads/{uid}/{assetId}/{file}. */
export async function receivePhoto(caller: Caller, req: ApiRequest): Promise<ReceivedUpload> {
  const type = String(req.headers["content-type"] ?? "");
  if (!/^multipart\/form-data\b/i.test(type))
    throw new ApiError(415, "upload photos as multipart/form-data with fields asset_id and image");
  const maxBytes = getConfig().MAX_UPLOAD_BYTES;
  const body = await readBody(req, maxBytes + 64 * 1024);
  const parsed = await parseMultipart(req.headers, body, maxBytes);
  const assetId = parsed.fields.asset_id;
  if (!assetId) throw new ApiError(400, "asset_id is required");
  const validId = zId.safeParse(assetId);
  if (!validId.success)
    throw new ApiError(400, `invalid asset_id: ${validId.error.issues[0].message}`);
  if (!ASSET_ID.test(assetId))
    throw new ApiError(400, "asset_id may hold only letters, digits, '.', '_' and '-' (1-128)");
  if (!parsed.file || !FILE_FIELDS.has(parsed.file.field))
    throw new ApiError(400, "an image file is required in field 'image'");
  if (parsed.file.data.length === 0) throw new ApiError(400, "the uploaded file is empty");
  if (!/^image\/[a-z0-9.+-]+$/i.test(parsed.file.mime))
    throw new ApiError(415, `only images are accepted, not ${parsed.file.mime}`);
  // Only an asset the caller's team owns (admins: any); a missing asset would yield a photo
  // nobody but admins could see.
  const asset = await firestore().collection("assets").doc(assetId).get();
  if (!asset.exists || !canSeeTeam(caller, asset.get("teamId") as string | null))
    throw new ApiError(404, `asset ${assetId} not found`);
  const bucket = uploadBucket();
  const path = `uploads/${caller.uid}/${assetId}/${safeFileName(parsed.file.name, parsed.file.mime)}`;
  await deps().store.write(bucket, path, parsed.file.data, {
    contentType: parsed.file.mime,
    metadata: { uploadedVia: "rest", uploaderUid: caller.uid },
  });
  return { bucket, path, assetId, bytes: parsed.file.data.length, contentType: parsed.file.mime };
}

export async function uploadPhoto(
  caller: Caller,
  req: ApiRequest,
): Promise<Record<string, unknown>> {
  return { ...(await receivePhoto(caller, req)), status: "UPLOADED" };
}
