// Shared set-up for the security-rules suites: a rules-unit-testing environment on the
// emulator that FIRESTORE_EMULATOR_HOST points at, in its own project so the admin
// suites' documents never mix with these.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { initializeTestEnvironment, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { setLogLevel } from "firebase/firestore";

export const RULES_PROJECT = "demo-fieldlens-rules";
export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

export function hostPort(envVar: string): { host: string; port: number } | undefined {
  const value = process.env[envVar];
  if (!value) return undefined;
  const idx = value.lastIndexOf(":");
  return { host: value.slice(0, idx), port: Number(value.slice(idx + 1)) };
}

export async function firestoreRulesEnv(): Promise<RulesTestEnvironment> {
  const hp = hostPort("FIRESTORE_EMULATOR_HOST");
  if (!hp)
    throw new Error(
      "FIRESTORE_EMULATOR_HOST is not set: run through scripts/with-firestore-emulator.mjs",
    );
  // Denials are the point of these tests; the SDK would log each one as an error.
  setLogLevel("silent");
  return initializeTestEnvironment({
    projectId: RULES_PROJECT,
    firestore: { ...hp, rules: readFileSync(resolve(REPO_ROOT, "firestore.rules"), "utf8") },
  });
}

/** The people of the matrix: claims as the backend sets them. */
export const PEOPLE = {
  inspA: { role: "inspector", teamIds: ["team-a"] },
  supA: { role: "supervisor", teamIds: ["team-a"] },
  inspB: { role: "inspector", teamIds: ["team-b"] },
  supB: { role: "supervisor", teamIds: ["team-b"] },
  admin: { role: "admin", teamIds: [] as string[] },
  noRole: {} as Record<string, unknown>,
} as const;
export type Who = keyof typeof PEOPLE | "anon";
export const EVERYONE: readonly Who[] = [
  "inspA",
  "supA",
  "inspB",
  "supB",
  "admin",
  "noRole",
  "anon",
];

export function contextFor(env: RulesTestEnvironment, who: Who) {
  return who === "anon" ? env.unauthenticatedContext() : env.authenticatedContext(who, PEOPLE[who]);
}
