// One Vision request per photo, through the cache and the budget, buying only the
// features the photo needs (feature-plan.ts). A cache hit costs no units and makes no
// call; a miss is charged (once per photo and feature) and cached.
import { createHash } from "node:crypto";
import { firestore } from "../firestore";
import { deps } from "../deps";
import { getConfig, type Config } from "../config";
import { chargeVision, type Ledger } from "../budget/ledger";
import { costUsd } from "../budget/state";
import { pixelSignalsOfImage } from "../ingest/pixel-signals";
import { analysisLogs } from "./logs";
import type { PhotoDoc, PixelSignals } from "../schema/photo";
import {
  AnnotateImageResponseSchema,
  VisionFeatureSchema,
  type AnnotateImageResponse,
  type VisionFeature,
} from "../schema/vision";
import { PermanentError } from "../errors";
import { planFeatures, type FeaturePlan } from "./feature-plan";
import type { Writes } from "./pending-writes";
import { mapThrownVisionError, visionError } from "./vision-errors";

/** The features a photo may buy: VISION_FEATURES, plus safe search when it is switched on. */
export function configuredFeatures(cfg: Config = getConfig()): VisionFeature[] {
  const names = cfg.VISION_FEATURES.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (cfg.VISION_SAFE_SEARCH) names.push("SAFE_SEARCH_DETECTION");
  return [...new Set(names.map((n) => VisionFeatureSchema.parse(n)))];
}

export function cacheKey(sha256: string, features: readonly string[], model: string): string {
  return createHash("sha256")
    .update(`${sha256}|${[...features].sort().join(",")}|${model}`)
    .digest("hex");
}

export interface PhotoPlan extends FeaturePlan {
  /** The photo's pixel signals (stored at ingest, or computed now from the display copy). */
  signals: PixelSignals | null;
}

/**
 * The photo's stored signals, or (for a photo ingested before they existed) the same
 * signals from its display copy. Null only when the image cannot be decoded, which the
 * Vision call will then report properly.
 */
async function signalsOf(photo: PhotoDoc): Promise<PixelSignals | null> {
  if (photo.signals) return photo.signals;
  const path = photo.paths.display ?? photo.paths.original;
  if (!path) return null;
  const bytes = await deps().store.read(photo.paths.bucket, path);
  try {
    return await pixelSignalsOfImage(bytes);
  } catch (err) {
    analysisLogs.pixelSignalsUnavailable(photo.photoId, String(err));
    return null;
  }
}

export async function planPhoto(
  photo: PhotoDoc,
  facts: { assetHasMeters: boolean },
): Promise<PhotoPlan> {
  const signals = await signalsOf(photo);
  return {
    ...planFeatures(configuredFeatures(), {
      assetHasMeters: facts.assetHasMeters,
      textFound: signals ? signals.text.found : null,
    }),
    signals,
  };
}

export interface VisionOutcome {
  response: AnnotateImageResponse;
  provider: string;
  model: string;
  features: VisionFeature[];
  skipped: FeaturePlan["skipped"];
  /** Dominant colours from the pixels (analysis uses them when Vision gave none). */
  localColors: PixelSignals["colors"];
  cached: boolean;
  units: number;
  /** What this call cost at list price (0 for a cache hit). */
  usd: number;
  durationMs: number;
}

/** Looks the photo up in the cache only (no charge, no call). */
export async function cachedVision(
  photo: Pick<PhotoDoc, "sha256">,
  features: readonly VisionFeature[],
  model: string,
): Promise<AnnotateImageResponse | null> {
  if (!photo.sha256) return null;
  const snap = await firestore()
    .collection("visionCache")
    .doc(cacheKey(photo.sha256, features, model))
    .get();
  if (!snap.exists) return null;
  const expireAt = snap.get("expireAt")?.toDate?.() as Date | undefined;
  // The TTL policy deletes expired docs eventually (within about a day); until then, ignore them.
  if (expireAt && expireAt.getTime() <= deps().now().getTime()) return null;
  return AnnotateImageResponseSchema.parse(snap.get("response"));
}

export interface AnnotateOptions {
  critical: boolean;
  plan: PhotoPlan;
  /** A cache lookup the caller already made for this plan (undefined: look it up here). */
  hit?: AnnotateImageResponse | null;
  /** The month's ledger as the caller just read it, so the charge need not read it again. */
  ledger?: Ledger;
  /** Where the new cache entry is written: the caller's pending writes, else at once. */
  cacheInto?: Writes;
}

export async function annotatePhoto(
  photo: PhotoDoc,
  opts: AnnotateOptions,
): Promise<VisionOutcome> {
  const cfg = getConfig();
  const { plan } = opts;
  const features = plan.buy;
  const model = cfg.VISION_MODEL;
  const { vision, store } = deps();
  const started = Date.now();
  const common = {
    provider: vision.name,
    model,
    features,
    skipped: plan.skipped,
    localColors: plan.signals?.colors ?? [],
  };
  const hit = opts.hit !== undefined ? opts.hit : await cachedVision(photo, features, model);
  if (hit)
    return {
      ...common,
      response: hit,
      cached: true,
      units: 0,
      usd: 0,
      durationMs: Date.now() - started,
    };

  const path = photo.paths.display ?? photo.paths.original;
  if (!path) throw new PermanentError("photo has no image to analyse");
  await chargeVision(photo.photoId, features, { critical: opts.critical, before: opts.ledger });
  let response: AnnotateImageResponse;
  try {
    response = await vision.annotate({
      imageUri: store.uri(photo.paths.bucket, path),
      // The port says how the provider takes its image: Google reads the gs:// URI itself.
      content:
        vision.imageInput === "bytes" ? await store.read(photo.paths.bucket, path) : undefined,
      features,
      model,
    });
  } catch (err) {
    throw mapThrownVisionError(err);
  }
  if (response.error && (response.error.code ?? 0) !== 0)
    throw visionError(response.error.code, response.error.message ?? "");
  // Plain JSON: client libraries return class instances and undefined fields.
  const plain = AnnotateImageResponseSchema.parse(JSON.parse(JSON.stringify(response)));
  if (photo.sha256) {
    const now = deps().now();
    const key = cacheKey(photo.sha256, features, model);
    const ref = firestore().collection("visionCache").doc(key);
    const entry = {
      key,
      sha256: photo.sha256,
      features: [...features].sort(),
      model,
      response: plain,
      createdAt: now,
      expireAt: new Date(now.getTime() + cfg.VISION_CACHE_DAYS * 86_400_000),
    };
    if (opts.cacheInto) opts.cacheInto.set(ref, entry);
    else await ref.set(entry);
  }
  const usd = costUsd(Object.fromEntries(features.map((f) => [f, 1])));
  return {
    ...common,
    response: plain,
    cached: false,
    units: features.length,
    usd,
    durationMs: Date.now() - started,
  };
}
