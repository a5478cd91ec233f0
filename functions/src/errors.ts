/** A failure that retrying cannot fix: recorded, and the task returns normally. */
export class PermanentError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentError";
  }
}

/** A failure worth retrying (quota, unavailable, timeout): the task throws so Cloud Tasks retries. */
export class TransientError extends Error {
  readonly transient = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientError";
  }
}

export function isPermanent(err: unknown): boolean {
  return (
    err instanceof PermanentError ||
    (typeof err === "object" && err !== null && (err as { permanent?: boolean }).permanent === true)
  );
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
