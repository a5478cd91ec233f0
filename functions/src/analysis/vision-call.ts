// One Vision request per photo, through the cache and the budget. A cache hit costs no
// units and makes no call; a miss is charged (once per photo and feature) and cached.
import { createHash } from "node:crypto";
import { firestore } from "../firestore";
import { deps } from "../deps";
import { getConfig } from "../config";
import { chargeVision } from "../budget/ledger";
import type { PhotoDoc } from "../schema/photo";
import { AnnotateImageResponseSchema, VisionFeatureSchema, type AnnotateImageResponse, type VisionFeature } from "../schema/vision";
import { PermanentError } from "../errors";
import { mapThrownVisionError, visionError } from "./vision-errors";

export function configuredFeatures(): VisionFeature[] {
  const names = getConfig()
    .VISION_FEATURES.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set(names.map((n) => VisionFeatureSchema.parse(n)))];
}

export function cacheKey(sha256: string, features: readonly string[], model: string): string {
  return createHash("sha256")
    .update(`${sha256}|${[...features].sort().join(",")}|${model}`)
    .digest("hex");
}

export interface VisionOutcome {
  response: AnnotateImageResponse;
  provider: string;
  model: string;
  features: VisionFeature[];
  cached: boolean;
  units: number;
  durationMs: number;
}

/** Looks the photo up in the cache only (no charge, no call). */
export async function cachedVision(photo: Pick<PhotoDoc, "sha256">, features: readonly VisionFeature[], model: string): Promise<AnnotateImageResponse | null> {
  if (!photo.sha256) return null;
  const snap = await firestore().collection("visionCache").doc(cacheKey(photo.sha256, features, model)).get();
  if (!snap.exists) return null;
  const expireAt = snap.get("expireAt")?.toDate?.() as Date | undefined;
  // The TTL policy deletes expired docs eventually (within about a day); until then, ignore them.
  if (expireAt && expireAt.getTime() <= deps().now().getTime()) return null;
  return AnnotateImageResponseSchema.parse(snap.get("response"));
}

export async function annotatePhoto(photo: PhotoDoc, opts: { critical: boolean }): Promise<VisionOutcome> {
  const cfg = getConfig();
  const features = configuredFeatures();
  const model = cfg.VISION_MODEL;
  const { vision, store } = deps();
  const started = Date.now();
  const hit = await cachedVision(photo, features, model);
  if (hit) return { response: hit, provider: vision.name, model, features, cached: true, units: 0, durationMs: Date.now() - started };

  const path = photo.paths.display ?? photo.paths.original;
  if (!path) throw new PermanentError("photo has no image to analyse");
  await chargeVision(photo.photoId, features, opts);
  let response: AnnotateImageResponse;
  try {
    response = await vision.annotate({
      imageUri: store.uri(photo.paths.bucket, path),
      // Only the offline engine reads bytes; Google reads the gs:// URI itself.
      content: vision.name === "local" ? await store.read(photo.paths.bucket, path) : undefined,
      features,
      model,
    });
  } catch (err) {
    throw mapThrownVisionError(err);
  }
  if (response.error && (response.error.code ?? 0) !== 0) throw visionError(response.error.code, response.error.message ?? "");
  // Plain JSON: client libraries return class instances and undefined fields.
  const plain = AnnotateImageResponseSchema.parse(JSON.parse(JSON.stringify(response)));
  if (photo.sha256) {
    const now = deps().now();
    const key = cacheKey(photo.sha256, features, model);
    await firestore()
      .collection("visionCache")
      .doc(key)
      .set({
        key,
        sha256: photo.sha256,
        features: [...features].sort(),
        model,
        response: plain,
        createdAt: now,
        expireAt: new Date(now.getTime() + cfg.VISION_CACHE_DAYS * 86_400_000),
      });
  }
  return { response: plain, provider: vision.name, model, features, cached: false, units: features.length, durationMs: Date.now() - started };
}
