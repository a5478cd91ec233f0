// Identity of an upload. Storage events arrive at least once; bucket + name + generation
// names one upload exactly (a re-upload to the same name is a new generation, a new photo).
import { createHash } from "node:crypto";
import { zId } from "../schema/common";

export function photoIdFor(bucket: string, name: string, generation: string): string {
  return createHash("sha256")
    .update(`${bucket}\u0000${name}\u0000${generation}`)
    .digest("hex")
    .slice(0, 32);
}

export interface UploadPath {
  uid: string;
  assetId: string;
  file: string;
}

const UPLOAD_RE = /^uploads\/([^/]{1,200})\/([^/]{1,200})\/([^/]{1,1024})$/;

/**
 * uploads/{uid}/{assetId}/{file} → its parts; anything else (derived, quarantine, nested,
 * or a uid/asset id that is no valid document id) → null.
 */
export function parseUploadPath(name: string): UploadPath | null {
  const m = UPLOAD_RE.exec(name);
  if (
    !m ||
    m[3] === "." ||
    m[3] === ".." ||
    !zId.safeParse(m[1]).success ||
    !zId.safeParse(m[2]).success
  )
    return null;
  return { uid: m[1], assetId: m[2], file: m[3] };
}

export function derivedPaths(photoId: string): { display: string; thumbnail: string } {
  return { display: `photos/${photoId}/display.jpg`, thumbnail: `photos/${photoId}/thumb.jpg` };
}

export function quarantinePath(p: UploadPath): string {
  return `quarantine/${p.uid}/${p.assetId}/${p.file}`;
}

/**
 * Custom metadata key marking objects the backend wrote itself. Informational only:
 * clients can set metadata, so what the backend wrote is decided by the path.
 */
export const DERIVED_MARK = "fieldlensDerived";

/** Every custom metadata key the backend writes; storage.rules refuses them from clients. */
export const BACKEND_METADATA_KEYS = [
  DERIVED_MARK,
  "fieldlensRejected",
  "photoId",
  "sourceGeneration",
  "reason",
  "reasonCode",
  "originalContentType",
  "uploadedVia",
  "uploaderUid",
] as const;
