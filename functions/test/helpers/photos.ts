// QUEUED photos for analysis tests: a photos doc (PhotoDocSchema) written directly plus
// a generated display image in the test's object store.
import { createHash } from "node:crypto";
import { PhotoDocSchema, type PhotoDoc } from "../../src/schema/photo";
import type { ObjectStore } from "../../src/ports";
import { firestore } from "../../src/firestore";
import { solidJpeg } from "./images";

export const TEST_BUCKET = "fieldlens-test";

export async function queuedPhoto(
  store: ObjectStore,
  photoId: string,
  opts: {
    assetId?: string;
    sha256?: string | null;
    critical?: boolean;
    takenAt?: string;
    teamId?: string | null;
    image?: Buffer;
  } = {},
): Promise<PhotoDoc> {
  const image = opts.image ?? (await solidJpeg(64, 48, [90, 100, 110]));
  const display = `photos/${photoId}/display.jpg`;
  await store.write(TEST_BUCKET, display, image, { contentType: "image/jpeg" });
  const now = new Date();
  const doc = PhotoDocSchema.parse({
    photoId,
    assetId: opts.assetId ?? "asset-1",
    uploaderUid: "uploader-1",
    teamId: opts.teamId ?? "team-1",
    fileName: `${photoId}.jpg`,
    generation: "1",
    paths: {
      bucket: TEST_BUCKET,
      original: `uploads/uploader-1/asset-1/${photoId}.jpg`,
      display,
      thumbnail: null,
    },
    sha256:
      opts.sha256 === undefined ? createHash("sha256").update(photoId).digest("hex") : opts.sha256,
    phash: null,
    nearDuplicateOf: null,
    bytes: image.length,
    mime: "image/jpeg",
    width: 64,
    height: 48,
    display: { bytes: image.length, width: 64, height: 48 },
    thumbnail: null,
    exif: opts.takenAt
      ? {
          takenAt: opts.takenAt,
          takenAtSource: "DateTimeOriginal",
          offset: "+00:00",
          gps: null,
          make: null,
          model: null,
          software: null,
          orientation: 1,
          flags: [],
        }
      : null,
    quality: null,
    status: "QUEUED",
    statusHistory: [{ status: "QUEUED", at: now }],
    reason: null,
    taskId: null,
    critical: opts.critical ?? false,
    createdAt: now,
    updatedAt: now,
  });
  await firestore().collection("photos").doc(photoId).set(doc);
  return doc;
}

export function processEnvelope(taskId: string, photoId: string, parentId: string | null = null) {
  return { taskId, type: "process_inspection_photo", args: { photoId }, parentId };
}
