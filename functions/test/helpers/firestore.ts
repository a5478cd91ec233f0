// Test helpers for the real Firestore emulator.
import { firestore } from "../../src/firestore";

/** Deletes every document in the emulator's project (the emulator's own REST endpoint). */
export async function clearFirestore(): Promise<void> {
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  const project = process.env.GCLOUD_PROJECT ?? "demo-fieldlens";
  if (!host) throw new Error("FIRESTORE_EMULATOR_HOST is not set: run tests through npm test");
  const res = await fetch(
    `http://${host}/emulator/v1/projects/${project}/databases/(default)/documents`,
    { method: "DELETE" },
  );
  if (!res.ok) throw new Error(`clearing the emulator failed: ${res.status}`);
}

export function db() {
  return firestore();
}

/** A unique prefix so property-test runs never collide with each other's documents. */
let counter = 0;
export function uniq(prefix = "t"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}
