// Following work that the Cloud Tasks emulator dispatches to the emulated queue
// functions: the tasks/{taskId} documents they write, and Vision results cached ahead
// so a photo completes without the (unreachable) Cloud Vision API.
import { planFeatures } from "../../src/analysis/feature-plan";
import { cacheKey, configuredFeatures } from "../../src/analysis/vision-call";
import { getConfig } from "../../src/config";
import { firestore } from "../../src/firestore";
import type { PixelSignals } from "../../src/schema/photo";

/**
 * Pixel signals as ingest stores them. Seeded photos carry them, so processing never reads
 * the image from Cloud Storage (no Storage emulator here), and text on the photo makes
 * the feature plan independent of the asset's meters.
 */
export const SIGNALS: PixelSignals = { colors: [], text: { found: true, lines: 1 } };

/** Caches a Vision result under the key processing looks up for a photo with SIGNALS. */
export async function cacheVisionFor(sha256: string): Promise<void> {
  const features = planFeatures(configuredFeatures(), {
    assetHasMeters: false,
    textFound: SIGNALS.text.found,
  }).buy;
  const model = getConfig().VISION_MODEL;
  const key = cacheKey(sha256, features, model);
  const now = new Date();
  await firestore()
    .collection("visionCache")
    .doc(key)
    .set({
      key,
      sha256,
      features: [...features].sort(),
      model,
      response: { labelAnnotations: [{ description: "pipe", score: 0.9 }] },
      createdAt: now,
      expireAt: new Date(now.getTime() + 86_400_000),
    });
}

export type TaskDoc = Record<string, unknown> & {
  state?: string;
  attempts?: number;
  queue?: string;
};

/** Polls tasks/{taskId} until `done` holds (the emulator dispatches asynchronously). */
export async function waitForTask(
  taskId: string,
  done: (t: TaskDoc) => boolean,
  timeoutMs = 90_000,
): Promise<TaskDoc> {
  const ref = firestore().collection("tasks").doc(taskId);
  const deadline = Date.now() + timeoutMs;
  let last: TaskDoc | undefined;
  while (Date.now() < deadline) {
    const snap = await ref.get();
    last = snap.exists ? snap.data() : undefined;
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `task ${taskId} did not reach the expected state in ${timeoutMs / 1000} s; last: ${JSON.stringify(last ?? null)}`,
  );
}
