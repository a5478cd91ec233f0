// The ports a handler uses. Production adapters are built lazily on first use; the
// local runtime and tests install their own with setDeps().
import type { Messenger, ObjectStore, TaskQueue, VisionProvider } from "./ports";

export interface Deps {
  store: ObjectStore;
  queue: TaskQueue;
  vision: VisionProvider;
  messenger: Messenger;
  /** Clock, injectable for tests of time-dependent rules. */
  now: () => Date;
}

let current: Partial<Deps> = {};
let productionFactory: (() => Deps) | undefined;

/** Registered by adapters/gcp so this module does not import Google clients itself. */
export function registerProductionDeps(factory: () => Deps): void {
  productionFactory = factory;
}

export function setDeps(deps: Partial<Deps>): void {
  current = { ...current, ...deps };
}

export function resetDeps(): void {
  current = {};
}

export function deps(): Deps {
  const missing = (["store", "queue", "vision", "messenger"] as const).filter((k) => !current[k]);
  if (missing.length > 0) {
    if (!productionFactory) throw new Error(`no adapters installed for: ${missing.join(", ")}`);
    const prod = productionFactory();
    for (const k of missing) (current as Record<string, unknown>)[k] = prod[k];
  }
  return { now: () => new Date(), ...current } as Deps;
}
