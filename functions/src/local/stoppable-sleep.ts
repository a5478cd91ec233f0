// A backoff wait that ends early when its owner stops, so a stopping runtime is not held
// up by a retry that no longer matters.

/** Waits `ms`, checking `stopped()` every 100 ms and returning as soon as it is true. */
export async function sleepUnlessStopped(ms: number, stopped: () => boolean): Promise<void> {
  const step = 100;
  for (let t = 0; t < ms && !stopped(); t += step) await new Promise((r) => setTimeout(r, step));
}
