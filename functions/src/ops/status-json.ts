// The REST answer is snake_case (the old API's convention); the CLI and the dashboard
// turn it back into the status model and validate it with the same schema.
import { OpsStatusSchema, type OpsStatus } from "../schema/ops";

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** Inverse of snakeKey for identifiers; data keys (PENDING, LABEL_DETECTION) pass unchanged. */
export function camelKey(key: string): string {
  return SNAKE.test(key) ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key;
}

export function camelCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCase);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [camelKey(k), camelCase(v)]),
    );
  return value;
}

export function parseStatusJson(body: unknown): OpsStatus {
  return OpsStatusSchema.parse(camelCase(body));
}
