import { createHash } from "node:crypto";

/** Deterministic task id: the same logical work always maps to the same id. */
export function taskIdFor(type: string, key: string): string {
  const digest = createHash("sha256").update(`${type}\u0000${key}`).digest("hex").slice(0, 32);
  return `${type.replace(/_/g, "-")}-${digest}`;
}
